// Building blocks shared by the JSON documents (private to reports/: the
// public headers never expose nlohmann::json).
#ifndef TRACE_ANALYZE_REPORTS_JSON_UTIL_H_
#define TRACE_ANALYZE_REPORTS_JSON_UTIL_H_

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

#include "analyzer/results.h"

namespace trace_analyze::reports {

using Json = nlohmann::ordered_json;

// Shares are rounded to 4 decimals so the printed value is stable.
double Round4(double x);

// The documented `input` and `dataQuality` blocks (docs/json-schema.md).
Json InputJson(const analyzer::InputSummary& in);
Json QualityJson(const analyzer::DataQuality& q);

// {"service", "operation"}. Invalid UTF-8 in names is replaced (U+FFFD) when
// dumped, never fatal.
Json OpJson(const analyzer::OpName& o);

// A sequential run's steps: [{"ops": [{service, operation}...], "countMin",
// "countP50", "countMax"}] (docs/json-schema.md).
Json RunJson(const std::vector<analyzer::RunStep>& run);

// Pretty-printed (2 spaces) with a final newline.
void Dump(const Json& doc, std::ostream& out);

// `text` as a JSON string, quoted, exactly as Dump writes it (invalid UTF-8
// replaced by U+FFFD, nothing else escaped beyond what JSON requires), for
// documents written directly instead of through a Json tree.
void AppendJsonString(std::string_view text, fmt::memory_buffer& out);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_JSON_UTIL_H_
