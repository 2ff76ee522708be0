// Number formatting shared by the human-readable writers.
#ifndef TRACE_ANALYZE_REPORTS_FORMAT_H_
#define TRACE_ANALYZE_REPORTS_FORMAT_H_

#include <cstdint>
#include <string>

namespace trace_analyze::reports {

// Microseconds as milliseconds with 3 decimals: 1234 -> "1.234".
std::string FormatMs(int64_t us);
// A fraction as a percentage with 1 decimal: 0.1234 -> "12.3%".
std::string FormatPercent(double fraction);
// Bytes as "12.3 MB" (decimal units) or "512 B".
std::string FormatBytes(uint64_t bytes);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_FORMAT_H_
