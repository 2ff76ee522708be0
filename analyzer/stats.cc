#include "analyzer/stats.h"

#include <algorithm>
#include <cmath>

namespace trace_analyze::analyzer {

size_t NearestRankIndex(size_t n, double p) {
  const double count = static_cast<double>(n);
  // Rank in 1..n; the small epsilon keeps e.g. 0.95 * 100 from rounding up.
  double rank = std::ceil(p / 100.0 * count - 1e-9);
  rank = std::clamp(rank, 1.0, count);
  return static_cast<size_t>(rank) - 1;
}

int64_t PercentileOfSorted(std::span<const int64_t> sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[NearestRankIndex(sorted.size(), p)];
}

std::vector<int64_t> Percentiles(std::span<const int64_t> samples, std::span<const double> ps) {
  std::vector<int64_t> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> out;
  out.reserve(ps.size());
  for (double p : ps) out.push_back(PercentileOfSorted(sorted, p));
  return out;
}

}  // namespace trace_analyze::analyzer
