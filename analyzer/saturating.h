// Saturating int64 arithmetic for sums of µs over spans, traces and findings.
// Normalize() bounds every single time (kMaxTimeUs), so one end time or one
// difference cannot overflow; sums over millions of hostile spans still
// could, and saturate at INT64_MAX/MIN instead of wrapping (UB).
#ifndef TRACE_ANALYZE_ANALYZER_SATURATING_H_
#define TRACE_ANALYZE_ANALYZER_SATURATING_H_

#include <cstdint>
#include <limits>

namespace trace_analyze::analyzer {

inline int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

inline int64_t SatSub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

inline int64_t SatMul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min()
                              : std::numeric_limits<int64_t>::max();
  }
  return r;
}

// `x` converted to int64, clamped to its range; NaN becomes 0. (A plain cast
// of an out-of-range double is UB.)
inline int64_t SatFromDouble(double x) {
  if (!(x == x)) return 0;
  if (x >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (x <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_SATURATING_H_
