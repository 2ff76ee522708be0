#include "analyzer/samples.h"

#include <array>

#include "analyzer/state_io.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {

void Samples::Merge(const Samples& other) {
  values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  sketch_.Merge(other.sketch_);
}

std::vector<int64_t> Samples::Percentiles(std::span<const double> ps) const {
  if (!sketched_) return analyzer::Percentiles(values_, ps);
  std::vector<int64_t> out;
  out.reserve(ps.size());
  for (double p : ps) out.push_back(sketch_.Percentile(p));
  return out;
}

int64_t Samples::Percentile(double p) const {
  const std::array<double, 1> ps = {p};
  return Percentiles(ps)[0];
}

void Samples::Save(StateWriter& w) const {
  if (sketched_) {
    sketch_.Save(w);
  } else {
    WriteSamples(w, values_);
  }
}

void Samples::Load(StateReader& r) {
  if (sketched_) {
    sketch_.Load(r);
  } else {
    ReadSamples(r, &values_);
  }
}

}  // namespace trace_analyze::analyzer
