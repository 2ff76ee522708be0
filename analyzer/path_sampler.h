// PathSampler: a bounded, deterministic sample of critical paths, so reports
// can show the traces closest to the p50 and p95 latency without keeping every
// trace (inputs can hold millions).
#ifndef TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_
#define TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/packed_path.h"
#include "analyzer/results.h"
#include "analyzer/samples.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

// Held sections of all sampled paths (about 100 bytes each, packed), so that
// inputs of many huge traces cannot fill memory with examples.
inline constexpr size_t kMaxSampledSections = 4'000'000;
inline constexpr size_t kSampleCapacity = 512;
inline constexpr uint64_t kSampleSeed = 20261123;

// The sample is a bottom-k sample: the `capacity` traces with the smallest
// keys, a key being a hash of the trace id (then the id, duration and path as
// tie-breaks). That is a uniform random sample that depends only on the set of
// traces offered, never on their order, so samplers fed by different threads
// (or processes) merge into exactly the sample of one sampler fed everything.
//
// Memory: paths are held for the members in key order while the sections of
// all members up to and including them fit in `max_sections`; later members
// keep only their key. This rule is also order-independent (a prefix sum over
// the sorted members can only grow when members are added).
class PathSampler {
 public:
  // With `approx_quantiles` the durations whose percentiles the
  // representatives are closest to go into a QuantileSketch.
  explicit PathSampler(size_t capacity = kSampleCapacity, uint64_t seed = kSampleSeed,
                       size_t max_sections = kMaxSampledSections, bool approx_quantiles = false);

  // Offers one analysed trace; resolves its path only when it is held.
  void Offer(const Trace& trace, const CriticalPath& path);

  // Adds everything `other` was offered (same capacity, seed and budget).
  void Merge(PathSampler&& other);

  // For each percentile p (0–100) of all offered traces' durations, the held
  // trace whose duration is closest to it (ties: smaller trace id), labelled
  // "p50", "p95", ... Empty when no path is held.
  std::vector<RepresentativeTrace> Representatives(std::span<const double> ps) const;

  // The sample as values (state_io.h); Load into a sampler of the same
  // capacity, seed and budget.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

 private:
  // (hash of the id, id, duration, sections, hash of the path's span ids).
  using Key = std::tuple<uint64_t, std::string, int64_t, uint64_t, uint64_t>;
  struct Member {
    uint64_t sections = 0;
    bool held = false;
    PackedPath path;  // empty unless held
  };

  // Drops members beyond the capacity and paths beyond the budget.
  void Trim();

  size_t capacity_;
  uint64_t seed_;
  size_t max_sections_;
  bool approx_quantiles_;
  Samples durations_;  // of every offered trace
  std::map<Key, Member> members_;
  uint64_t sections_ = 0;  // of all members, held or not
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_PATH_SAMPLER_H_
