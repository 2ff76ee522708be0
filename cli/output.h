// Where a rendered report goes: stdout, or a file written atomically
// (temporary file in the same folder + rename), never over an input file.
#ifndef TRACE_ANALYZE_CLI_OUTPUT_H_
#define TRACE_ANALYZE_CLI_OUTPUT_H_

#include <ostream>
#include <span>
#include <string>

#include "analyzer/status.h"

namespace trace_analyze::cli {

// Writes `content` to `path` atomically: readers see the old file or the whole
// new one, never a half-written report. Refuses to overwrite any of `inputs`
// (the same file under any name: links, symlinks, relative paths) or a trace
// file inside an input folder (one that reading the folder would pick up).
Status WriteFileAtomically(const std::string& path, const std::string& content,
                           std::span<const std::string> inputs);

// Why writing `path` would destroy one of `inputs` (WriteFileAtomically's
// rule), or "" when it would not.
std::string OverwritesInput(const std::string& path, std::span<const std::string> inputs);

bool StdoutIsTerminal();
// ANSI colour is allowed unless NO_COLOR is set and non-empty (no-color.org).
bool ColorAllowed();
// Width of the terminal on stdout: $COLUMNS, else the tty's, else 100.
int TerminalWidth();

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_OUTPUT_H_
