// Bottleneck detectors and their findings: sequential runs that could run
// concurrently, N+1 loops, and repeated identical calls. FindBottlenecks()
// runs every detector on one trace; FindingsCollector keeps what they saw
// across traces and builds ranked findings with evidence, confidence and
// savings. Each detector is one unit behind the interface in detector.h.
// Rules: docs/detectors.md.
#ifndef TRACE_ANALYZE_ANALYZER_DETECTORS_H_
#define TRACE_ANALYZE_ANALYZER_DETECTORS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/detector_config.h"
#include "analyzer/model.h"
#include "analyzer/op_name.h"

namespace trace_analyze::analyzer {

enum class FindingKind { kSequential, kNPlusOne, kRepeatedCall };
enum class Confidence { kLow, kMedium, kHigh };

// "sequential", "n_plus_one", "repeated_call".
const char* FindingKindName(FindingKind kind);
// "low", "medium", "high".
const char* ConfidenceName(Confidence confidence);

class Observation;
class DetectorState;
class StateWriter;  // state_io.h
class StateReader;

// Everything the detectors saw in one trace: by_detector[i] is what
// Detectors()[i] observed (nullptr: nothing, or disabled). Move-only.
struct TraceFindings {
  TraceFindings();
  TraceFindings(TraceFindings&&) noexcept;
  TraceFindings& operator=(TraceFindings&&) noexcept;
  ~TraceFindings();
  std::vector<std::unique_ptr<Observation>> by_detector;
};

// The fingerprint of a sequential run: the service that issues it (its
// parent's) and the set of its distinct members (service, parameterised
// operation), in any order, loops collapsed.
std::string RunFingerprint(const std::string& parent_service, std::vector<OpName> members);

// Runs the enabled detectors on one analysed trace (Normalize()d, with its
// critical path computed with `cp`). A trace of at least
// kParallelDetectorSpans spans is observed by up to `threads` detectors at
// once (a giant trace has no other trace to share the cores with); the
// result does not depend on it.
inline constexpr size_t kParallelDetectorSpans = 100'000;
TraceFindings FindBottlenecks(const Trace& trace, const CriticalPath& path,
                              const DetectorConfig& config, const CpOptions& cp,
                              size_t threads = 1);

// One child of a finding's parent span in an example trace.
struct ExampleSpan {
  OpName name;
  int64_t start_us = 0;  // relative to the parent's start
  int64_t duration_us = 0;
  int64_t critical_us = 0;  // its time on the trace's critical path
  bool member = false;      // one of the finding's calls
  // Its start and duration in the re-timed picture (ExampleRetime).
  int64_t retimed_start_us = 0;
  int64_t retimed_duration_us = 0;
};

// What the re-timed picture of an example shows (ExampleRetime).
enum class RetimeModel : uint8_t {
  // Sequential runs: the members start together, a loop as one block.
  kConcurrent,
  // N+1: the calls are one batch: every call starts with the first.
  kBatch,
  // Repeated calls: every call after the first is served from a cache and
  // takes no time; what came after each moves earlier by as much.
  kCache,
};

// A picture of one instance of a finding: its parent span in one trace and
// the parent's children around the flagged calls, in start order, and the
// same instance re-timed by `model`. kConcurrent and kBatch follow
// CriticalPathIfConcurrent at the parent's level: the moved members start at
// the first one's start, children that started after the members' old end
// move earlier by the time gained, and the parent ends that much earlier,
// but not before its last child.
struct FindingExample {
  RetimeModel model = RetimeModel::kConcurrent;
  std::string trace_id;
  OpName parent;
  int64_t parent_duration_us = 0;
  int64_t retimed_parent_duration_us = 0;
  std::vector<ExampleSpan> children;
  uint64_t children_total = 0;  // the parent's children (more than shown when cut)
};

// Fills the retimed_* fields of `example` from its members.
void ExampleRetime(FindingExample& example);

struct Saving {
  int64_t p50_us = 0;  // per trace in which the pattern occurs
  int64_t p95_us = 0;
  double p50_share = 0;  // of that trace's duration
  double p95_share = 0;
  int64_t total_us = 0;  // Σ over all instances
};

// One step of a sequential run as shown: one operation (a loop when its
// count exceeds 1) or a group of operations repeated as a whole.
struct RunStep {
  std::vector<OpName> ops;  // one, or the group in order
  // Calls of the operation (one op) or repetitions of the group, per
  // instance of the run: min / p50 / max.
  int64_t count_min = 1, count_p50 = 1, count_max = 1;
};

// "svc A → svc B ×3–9 (p50 5) → (svc C → svc D) ×2": a run as one line,
// each operation rendered by `op` (default "service operation"), steps
// joined by `arrow`.
std::string DescribeRun(const std::vector<RunStep>& run,
                        const std::function<std::string(const OpName&)>& op = {},
                        const std::string& arrow = " → ");

struct Finding {
  FindingKind kind = FindingKind::kSequential;
  std::string fingerprint;
  Confidence confidence = Confidence::kMedium;
  std::vector<std::string> reasons;  // sentences, evidence first
  OpName parent;                     // sequential: the parent operation with most instances
  std::vector<OpName> parents;       // sequential: every parent operation, most instances first
  std::vector<OpName> sequence;      // sequential: distinct members in shown order; else the call
  std::vector<RunStep> run;          // sequential: the most frequent shape, loops collapsed
  uint64_t instances = 0;
  uint64_t traces = 0;
  Saving optimistic;
  Saving realistic;
  std::vector<std::string> example_trace_ids;  // largest realistic saving first
  uint64_t orders = 0;                         // distinct orders seen (sequential)
  int64_t calls_p50 = 0, calls_max = 0;        // spans per instance
  // Sequential: the flagged children's time on the critical path per trace
  // (Σ over the trace's instances), p50 over the traces with the pattern.
  int64_t critical_p50_us = 0;
  // Sequential: Σ of the members' durations per trace, p50 (what verify
  // compares the candidate's durations with).
  int64_t member_p50_us = 0;
  std::string example_key;
  // Sequential, with DetectorConfig::keep_examples: one instance, drawn.
  std::optional<FindingExample> example;
  bool suppressed = false;
  std::string suppressed_reason;
};

// How a detector's state keeps what grows with the number of traces.
struct StateOptions {
  size_t max_examples = 3;  // example trace ids per finding
  // Bounded (`--approx-quantiles`): a state's size depends on the patterns
  // and operations seen, not on the number of traces. Per-trace and
  // per-instance values go into QuantileSketches, and the sequential
  // detector keeps the chains of a sample of traces per parent operation
  // (docs/scale-out.md, "Bounded detector states").
  bool bounded = false;
  // Bounded: the sampled traces' visits kept per parent operation (whole
  // traces, at least one).
  size_t sampled_visits = 4096;
};

// Mergeable across shards, like Profile.
class FindingsCollector {
 public:
  explicit FindingsCollector(size_t max_examples = 3);
  explicit FindingsCollector(const StateOptions& options);
  FindingsCollector(const FindingsCollector& other);
  FindingsCollector& operator=(const FindingsCollector& other);
  FindingsCollector(FindingsCollector&&) noexcept;
  FindingsCollector& operator=(FindingsCollector&&) noexcept;
  ~FindingsCollector();
  void Add(const std::string& trace_id, int64_t trace_duration_us, const TraceFindings& found);
  void Merge(const FindingsCollector& other);
  // Findings passing the thresholds, ranked by realistic saving × frequency
  // (Σ realistic saving) descending, then fingerprint; suppressed ones
  // (config.ignore) are flagged and ranked after the others. With `limit` > 0
  // only the first `limit` of that ranking.
  std::vector<Finding> Build(const DetectorConfig& config, size_t limit = 0) const;
  // Every detector's state as values (state_io.h); Load into a collector of
  // the same options.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

 private:
  StateOptions options_;
  std::vector<std::unique_ptr<DetectorState>> states_;  // indexed like Detectors()
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DETECTORS_H_
