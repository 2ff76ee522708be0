// QuantileSketch: a mergeable relative-error quantile sketch (DDSketch,
// Masson, Rim and Lee, VLDB 2019) for `--approx-quantiles`, so that a
// partial holds a bounded summary of a latency distribution instead of one
// sample per trace.
//
// Error bound: for samples of at least 1 (µs), Percentile(p) is within
// kRelativeAccuracy (0.5 %) of the exact nearest-rank percentile
// (stats.h), rounded to an integer; samples of 0 or less are kept exactly,
// as are the smallest and the largest sample (p = 0, p = 100). Size: one
// bucket per distinct ⌈log_γ v⌉, γ = (1 + α) / (1 − α): at most ~2,800 for
// values up to 10^12 µs, whatever the number of samples. Merging adds bucket
// counts: the merge of any split equals the sketch of all the samples, in
// any order.
#ifndef TRACE_ANALYZE_ANALYZER_QUANTILE_SKETCH_H_
#define TRACE_ANALYZE_ANALYZER_QUANTILE_SKETCH_H_

#include <cstdint>
#include <map>

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

class QuantileSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.005;

  void Add(int64_t v);
  void Merge(const QuantileSketch& other);

  uint64_t count() const { return count_; }
  // The nearest-rank p-th percentile (p in [0, 100]) within the bound; 0
  // when empty.
  int64_t Percentile(double p) const;

  void Save(StateWriter& w) const;
  void Load(StateReader& r);

 private:
  uint64_t count_ = 0;
  int64_t min_ = 0, max_ = 0;
  std::map<int64_t, uint64_t> exact_;   // samples ≤ 0, by value
  std::map<int32_t, uint64_t> bucket_;  // samples ≥ 1, by ⌈log_γ v⌉
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_QUANTILE_SKETCH_H_
