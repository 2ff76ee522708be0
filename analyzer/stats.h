// Order statistics used by every report. Percentiles are nearest-rank (the
// smallest sample with at least p% of samples at or below it), so every
// reported value is an observed one and results are exact integers.
#ifndef TRACE_ANALYZE_ANALYZER_STATS_H_
#define TRACE_ANALYZE_ANALYZER_STATS_H_

#include <cstdint>
#include <span>
#include <vector>

namespace trace_analyze::analyzer {

// `sorted` must be ascending; p in [0, 100]. Returns 0 for an empty input.
int64_t PercentileOfSorted(std::span<const int64_t> sorted, double p);

// Sorts a copy of `samples` and returns the percentiles `ps` in order.
std::vector<int64_t> Percentiles(std::span<const int64_t> samples, std::span<const double> ps);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_STATS_H_
