// Which files of a folder are trace inputs, and in which order.
#ifndef TRACE_ANALYZE_INPUT_INPUT_FILES_H_
#define TRACE_ANALYZE_INPUT_INPUT_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"

namespace trace_analyze::input {

// True for names ending in .json, .jsonl or .ndjson, optionally followed by
// .gz or .zst (ASCII case-insensitive). Only used to pick files in folders:
// the content decides the format.
bool IsTraceFileName(std::string_view name);

// Every trace file under `folder`, recursively, sorted by path. Errors name
// the folder ("<folder>: cannot list: ...").
Result<std::vector<std::string>> ListTraceFiles(const std::string& folder);

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_INPUT_FILES_H_
