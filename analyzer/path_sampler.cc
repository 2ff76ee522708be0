#include "analyzer/path_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "analyzer/analysis.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {

PathSampler::PathSampler(size_t capacity, uint64_t seed, size_t max_sections)
    : capacity_(capacity), max_sections_(max_sections), rng_(seed) {}

void PathSampler::Offer(const Trace& trace, const CriticalPath& path) {
  const int64_t duration = trace.EndUs() - trace.StartUs();
  durations_.push_back(duration);
  ++seen_;
  const size_t sections = path.sections.size();
  if (sample_.size() < capacity_) {
    if (held_sections_ + sections > max_sections_) return;
    held_sections_ += sections;
    sample_.push_back(MakeTracePath(trace, path));
    return;
  }
  // Algorithm R: keep the n-th trace with probability capacity / n.
  std::uniform_int_distribution<uint64_t> pick(0, seen_ - 1);
  const uint64_t slot = pick(rng_);
  if (slot >= capacity_) return;
  const size_t held_without = held_sections_ - sample_[slot].sections.size();
  if (held_without + sections > max_sections_) return;
  held_sections_ = held_without + sections;
  sample_[slot] = MakeTracePath(trace, path);
}

std::vector<RepresentativeTrace> PathSampler::Representatives(std::span<const double> ps) const {
  std::vector<RepresentativeTrace> out;
  if (sample_.empty()) return out;
  const std::vector<int64_t> targets = Percentiles(durations_, ps);
  for (size_t k = 0; k < ps.size(); ++k) {
    const TracePath* best = nullptr;
    for (const TracePath& t : sample_) {
      if (best == nullptr) {
        best = &t;
        continue;
      }
      const int64_t d = std::llabs(t.duration_us - targets[k]);
      const int64_t b = std::llabs(best->duration_us - targets[k]);
      if (d < b || (d == b && t.trace_id < best->trace_id)) best = &t;
    }
    out.push_back({fmt::format("p{:g}", ps[k]), targets[k], *best});
  }
  return out;
}

}  // namespace trace_analyze::analyzer
