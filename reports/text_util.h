// Small helpers shared by the terminal reports (private to reports/).
#ifndef TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_
#define TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_

#include <cstdint>
#include <string>

#include "reports/writer.h"

namespace trace_analyze::reports {

// `text` in bold when colour is on.
std::string Heading(const WriteOptions& o, const std::string& text);
// "1 trace", "2 traces".
std::string Plural(uint64_t n, const char* word);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_TEXT_UTIL_H_
