// PathSampler: a bounded, deterministic sample of critical paths, so reports
// can show the traces closest to the p50 and p95 latency without keeping every
// trace (inputs can hold millions).
#ifndef TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_
#define TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/results.h"

namespace trace_analyze::analyzer {

// Held sections of all sampled paths (about 150 bytes each), so that inputs of
// many huge traces cannot fill memory with examples: a trace whose path does
// not fit in what is left is not sampled (its duration still counts).
inline constexpr size_t kMaxSampledSections = 4'000'000;

class PathSampler {
 public:
  // Keeps at most `capacity` paths (reservoir sampling, Algorithm R, with a
  // fixed seed: the same input always gives the same sample), and at most
  // `max_sections` critical-path sections over all of them.
  explicit PathSampler(size_t capacity = 512, uint64_t seed = 20261123,
                       size_t max_sections = kMaxSampledSections);

  // Offers one analysed trace; resolves its path only when it is kept.
  void Offer(const Trace& trace, const CriticalPath& path);

  // For each percentile p (0–100) of all offered traces' durations, the
  // sampled trace whose duration is closest to it (ties: smaller trace id),
  // labelled "p50", "p95", ... Empty when nothing was offered.
  std::vector<RepresentativeTrace> Representatives(std::span<const double> ps) const;

 private:
  size_t capacity_;
  size_t max_sections_;
  size_t held_sections_ = 0;
  std::mt19937_64 rng_;
  uint64_t seen_ = 0;
  std::vector<int64_t> durations_;  // of every offered trace
  std::vector<TracePath> sample_;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_
