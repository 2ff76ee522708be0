// Order statistics used by every report. Percentiles are nearest-rank (the
// smallest sample with at least p% of samples at or below it), so every
// reported value is an observed one and results are exact integers.
#ifndef TRACE_ANALYZE_ANALYZER_STATS_H_
#define TRACE_ANALYZE_ANALYZER_STATS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace trace_analyze::analyzer {

// The 0-based index of the nearest-rank p-th percentile among n > 0 sorted
// samples: rank ceil(p/100 × n) clamped to [1, n], minus one.
size_t NearestRankIndex(size_t n, double p);

// `sorted` must be ascending; p in [0, 100]. Returns 0 for an empty input.
int64_t PercentileOfSorted(std::span<const int64_t> sorted, double p);

// Sorts a copy of `samples` and returns the percentiles `ps` in order.
std::vector<int64_t> Percentiles(std::span<const int64_t> samples, std::span<const double> ps);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_STATS_H_
