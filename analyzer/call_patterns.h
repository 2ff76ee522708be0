// The shape shared by detectors whose trace observations are instances of a
// pattern, grouped across traces by fingerprint (n+1 loops, repeated calls):
// their instance type, their observation, and their state. A detector of
// this shape derives from CallPatternDetector and writes its confidence and
// reasons in Explain.
#ifndef TRACE_ANALYZE_ANALYZER_CALL_PATTERNS_H_
#define TRACE_ANALYZE_ANALYZER_CALL_PATTERNS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/detector.h"
#include "analyzer/samples.h"

namespace trace_analyze::analyzer {

// One occurrence of a pattern in one trace.
struct FindingInstance {
  uint64_t fingerprint = 0;  // StableHash64 of PatternFingerprint's parts
  OpName parent;
  OpName call;                            // the operation called
  int64_t optimistic_us = 0;              // upper bound of the saving
  int64_t realistic_us = 0;               // critical-path reduction (see docs/detectors.md)
  uint32_t calls = 0;                     // spans flagged
  int64_t total_us = 0;                   // Σ their durations
  int64_t union_us = 0;                   // length of the union of their intervals
  int64_t critical_us = 0;                // their time on the critical path
  std::string example_key;                // statement or URL (template or raw); "" without one
  bool read_only = false;                 // GET/HEAD/SELECT, so safe to cache
  bool no_parameters = false;             // the calls record no statement or URL
  std::optional<FindingExample> example;  // with DetectorConfig::keep_examples
};

class InstanceObservation : public Observation {
 public:
  size_t size() const override { return instances.size(); }
  std::vector<FindingInstance> instances;
};

// Everything kept of one pattern. Its size depends on the number of traces
// only through its Samples, which are bounded when `sketched`.
struct CallPattern {
  explicit CallPattern(bool sketched = false)
      : optimistic(sketched),
        realistic(sketched),
        optimistic_share_ppm(sketched),
        realistic_share_ppm(sketched),
        critical(sketched),
        calls(sketched),
        union_us(sketched),
        total_us(sketched) {}

  OpName parent;
  OpName call;
  uint64_t instances = 0;
  // One value per trace with the pattern: µs saved in the trace, as parts
  // per million of its duration, and Σ FindingInstance::critical_us.
  Samples optimistic, realistic, optimistic_share_ppm, realistic_share_ppm, critical;
  // One value per instance: FindingInstance's calls, union_us, total_us.
  Samples calls, union_us, total_us;
  int64_t optimistic_total = 0, realistic_total = 0;
  std::vector<std::pair<int64_t, std::string>> examples;  // (realistic, trace id)
  std::string example_key;                                // smallest non-empty
  uint64_t writes = 0;                                    // instances that are not read-only
  uint64_t no_parameters = 0;  // instances whose calls record no parameters
  // The picture of the instance with the largest realistic saving (ties: the
  // smallest trace id), and that saving.
  std::optional<FindingExample> example;
  int64_t example_saving_us = 0;

  uint64_t traces() const { return optimistic.count(); }
};

class CallPatternDetector : public Detector {
 public:
  std::unique_ptr<DetectorState> NewState(const StateOptions& options) const override;
  // Sets f's confidence and reasons; its numbers are filled in.
  virtual void Explain(const CallPattern& p, Finding* f) const = 0;
};

namespace internal {

// (hash of a grouping key, span or position) pairs, sorted so equal keys are
// adjacent.
// Keys are 64-bit hashes: a collision between two different calls in one
// trace (probability ~n²/2^64) would merge their groups.
using KeyedSpans = std::vector<std::pair<uint64_t, SpanIndex>>;

// Extends a grouping key `h` with one part. Grouping keys only need to be
// equal for equal parts within one run (they are never stored or shown, and
// groups are visited in key order only to be emitted in a fixed order), so
// they use the library's word-at-a-time string hash rather than the
// byte-at-a-time StableHash64, which costs more on every span. An empty
// part (most identity attributes of most calls) is not hashed at all.
inline uint64_t AddToKey(uint64_t h, std::string_view part) {
  const uint64_t v = part.empty() ? 0 : std::hash<std::string_view>{}(part);
  return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 12) + (h >> 4));
}

// The fingerprint of a call pattern: StableHash64 of `parts` joined by '\x1f'
// (the first part names the detector), hashed piece by piece.
uint64_t PatternFingerprint(std::initializer_list<std::string_view> parts);

// Drops the entries of `keyed` whose key has fewer than `min` entries; the
// others stay, in no particular order. Most call texts of a trace carry a
// unique value: counting keys in a hash table costs a fraction of sorting
// them (a branch miss per comparison). Above kMaxCountedKeys entries they
// are sorted instead, in place: a table for a million-span trace would cost
// more memory than the trace's spans.
inline constexpr size_t kMaxCountedKeys = size_t{1} << 16;
void KeepGroupsOfAtLeast(KeyedSpans& keyed, size_t min);

// Calls `fn(begin, end)` for each run of equal keys of at least `min` spans
// in `keyed` (sorted).
template <class Fn>
void ForEachGroup(const KeyedSpans& keyed, size_t min, Fn&& fn) {
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    if (j - i >= min) fn(i, j);
    i = j;
  }
}

}  // namespace internal
}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_CALL_PATTERNS_H_
