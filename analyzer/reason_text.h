// How reason sentences write names, shares and durations. Finding reasons
// are the detectors' own words, part of a finding's data (like a compiler's
// diagnostic), so they are written in the analyzer with these helpers; the
// reports' own sentences about patterns (a verify row's reason) use the same
// ones, so that both read alike. Every other number in a report is formatted
// by reports/ (docs/architecture.md).
#ifndef TRACE_ANALYZE_ANALYZER_REASON_TEXT_H_
#define TRACE_ANALYZE_ANALYZER_REASON_TEXT_H_

#include <cstdint>
#include <string>

#include "analyzer/op_name.h"

namespace trace_analyze::analyzer {

enum class DurationUnit {
  kAuto,    // "840 µs" below 10 ms, else "12.5 ms": one unit per value
  kMicros,  // always "12500 µs": for durations a sentence compares
};
// A duration of `us` µs in a sentence.
std::string DurationText(int64_t us, DurationUnit unit = DurationUnit::kAuto);
// `part` of `whole` as a whole percentage, "42%" ("0%" when whole is 0).
std::string Percent(uint64_t part, uint64_t whole);
// "1 instance", "2 instances".
std::string Instances(uint64_t n);
// "service operation".
std::string Describe(const OpName& o);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_REASON_TEXT_H_
