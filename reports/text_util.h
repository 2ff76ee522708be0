// Small helpers shared by the terminal reports (private to reports/).
#ifndef TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_
#define TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/writer.h"

namespace trace_analyze::reports {

// Every string that came from the input (names, ids, reasons quoting them,
// file names, server messages) goes through Safe(): no control characters or
// escape sequences reach the terminal (EscapeTerminal).
std::string Safe(std::string_view text);
// `text` in bold when colour is on.
std::string Heading(const WriteOptions& o, const std::string& text);
// "1 trace", "2 traces".
std::string Plural(uint64_t n, const char* word);
// A partial input says so first, before any number a reader might trust:
// "PARTIAL RESULTS[ (side)]: ..." and one line per reason. Nothing when the
// input is complete.
void WritePartial(const analyzer::InputSummary& in, const WriteOptions& o, std::ostream& out,
                  std::string_view side = {});

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_
