// Samples: the values of one distribution whose percentiles a finding shows,
// kept whole (exact nearest-rank percentiles, stats.h) or, for bounded
// states (`--approx-quantiles`), in a QuantileSketch (within its relative
// accuracy, whatever the number of values). The owner picks the mode once.
#ifndef TRACE_ANALYZE_ANALYZER_SAMPLES_H_
#define TRACE_ANALYZE_ANALYZER_SAMPLES_H_

#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/quantile_sketch.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

class Samples {
 public:
  explicit Samples(bool sketched = false) : sketched_(sketched) {}

  void Add(int64_t v) {
    if (sketched_) {
      sketch_.Add(v);
    } else {
      values_.push_back(v);
    }
  }
  // `other` has the same mode.
  void Merge(const Samples& other);

  uint64_t count() const { return sketched_ ? sketch_.count() : values_.size(); }
  // Every value added, in order (exact mode; empty when sketched).
  const std::vector<int64_t>& values() const { return values_; }
  // The nearest-rank percentiles `ps` (each in [0, 100]), in order; 0 when
  // empty. p = 0 and p = 100 are exact in both modes.
  std::vector<int64_t> Percentiles(std::span<const double> ps) const;
  int64_t Percentile(double p) const;

  // Load into Samples of the same mode.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

 private:
  bool sketched_;
  std::vector<int64_t> values_;  // exact mode
  QuantileSketch sketch_;        // sketched mode
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_SAMPLES_H_
