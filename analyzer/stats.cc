#include "analyzer/stats.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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
  std::vector<int64_t> out(ps.size(), 0);
  if (samples.empty()) return out;
  // Nearest rank is the k-th smallest value: selected rank by rank in
  // ascending order, each selection on what lies above the previous one
  // (O(n) per percentile instead of a full sort).
  std::vector<int64_t> values(samples.begin(), samples.end());
  std::vector<std::pair<size_t, size_t>> ranks;  // (rank index, position in ps)
  ranks.reserve(ps.size());
  for (size_t i = 0; i < ps.size(); ++i)
    ranks.emplace_back(NearestRankIndex(values.size(), ps[i]), i);
  std::sort(ranks.begin(), ranks.end());
  auto from = values.begin();
  for (const auto& [rank, i] : ranks) {
    const auto nth = values.begin() + static_cast<ptrdiff_t>(rank);
    if (nth >= from) {
      std::nth_element(from, nth, values.end());
      from = nth + 1;
    }
    out[i] = *nth;
  }
  return out;
}

}  // namespace trace_analyze::analyzer
