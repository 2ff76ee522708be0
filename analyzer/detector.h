// The interface every detector implements, and their registry. A detector is
// one kind of finding, whole: what it looks for in each trace (Observe, on
// any thread), what it keeps across traces (its DetectorState: traces added
// in input order, shards merged in any order), and how that becomes findings
// with their savings, confidence and reason sentences (DetectorState::Build),
// under its own section of DetectorConfig. FindBottlenecks and
// FindingsCollector (detectors.h) only loop over Detectors().
//
// Adding a detector: one file defining a Detector subclass and its factory
// (its state's Save/Load included, for partial results), and one line in
// detector_registry.cc (docs/architecture.md).
#ifndef TRACE_ANALYZE_ANALYZER_DETECTOR_H_
#define TRACE_ANALYZE_ANALYZER_DETECTOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/detector_config.h"
#include "analyzer/detectors.h"
#include "analyzer/model.h"
#include "analyzer/samples.h"

namespace trace_analyze::analyzer {

// What a span calls: its DB statement, else its URL, else its operation name
// (from_attribute() tells which). 16 bytes: FindBottlenecks keeps one per
// span, and a million-span trace is analysed within its file's size.
class Call {
 public:
  Call(std::string_view text, bool from_attribute)
      : data_(text.data()), size_and_flag_(text.size() | (from_attribute ? kFromAttribute : 0)) {}
  std::string_view text() const { return {data_, size_and_flag_ & ~kFromAttribute}; }
  bool from_attribute() const { return (size_and_flag_ & kFromAttribute) != 0; }

 private:
  static constexpr size_t kFromAttribute = size_t{1} << 63;  // no text is that long
  const char* data_;
  size_t size_and_flag_;
};

// One analysed trace (Normalize()d, critical path computed in `cp`'s mode),
// with what every detector needs of it computed once.
struct DetectorContext {
  const Trace& trace;
  const CriticalPath& path;
  const std::vector<int64_t>& critical;  // CriticalTimePerSpan
  const std::vector<Call>& calls;        // CallOf, per span
  const DetectorConfig& config;
  const CpOptions& cp;
};

// What one detector saw in one trace. Owns its data (no views into the trace,
// which is reused once analysed).
class Observation {
 public:
  virtual ~Observation() = default;
  virtual size_t size() const = 0;  // things observed (for benchmarks)
};

// A trace as the aggregates know it.
struct TraceRef {
  const std::string& id;
  int64_t duration_us;
};

// What one detector keeps across traces.
class DetectorState {
 public:
  virtual ~DetectorState() = default;
  virtual std::unique_ptr<DetectorState> Clone() const = 0;
  // `seen` is what this state's detector observed in `trace`.
  virtual void Add(const TraceRef& trace, const Observation& seen) = 0;
  // `other` is a state of the same detector; the result is as if this state
  // had seen all of its traces too, in any order.
  virtual void Merge(const DetectorState& other) = 0;
  // Its findings passing its thresholds, with savings, confidence and
  // reasons; FindingsCollector ranks and suppresses them.
  virtual void Build(const DetectorConfig& config, std::vector<Finding>* out) const = 0;
  // The state as values (state_io.h), for partial results. Load fills an
  // empty state of the same detector and max_examples, and checks what it
  // relies on (indices, uniqueness); a failure is the reader's.
  virtual void Save(StateWriter& w) const = 0;
  virtual void Load(StateReader& r) = 0;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual FindingKind kind() const = 0;
  virtual bool Enabled(const DetectorConfig& config) const = 0;
  // Observes one trace; nullptr when there is nothing to keep. Touches
  // nothing shared: any number of threads may call it at once.
  virtual std::unique_ptr<Observation> Observe(const DetectorContext& ctx) const = 0;
  // An empty state.
  virtual std::unique_ptr<DetectorState> NewState(const StateOptions& options) const = 0;
};

// Every detector, in the order they observe a trace (detector_registry.cc).
std::span<const Detector* const> Detectors();

// ---------------------------------------------------------------------------
// Helpers shared by the detectors (detector_util.cc).
namespace internal {

// The span's Call, in one pass over its attributes (the first occurrence of a
// key counts, as in Trace::FindAttr; an empty value is as if absent).
Call CallOf(const Trace& trace, const Span& span);
// The values of the identity attributes of a call (http.method, rpc.service,
// db.name, …), in a fixed order, "" where absent.
using KeyAttributes = std::array<std::string_view, 8>;
KeyAttributes KeyAttributeValues(const Trace& trace, const Span& span);
// Service and parameterised operation name.
OpName NameOf(const Span& span);
// An instance as a picture (FindingExample, re-timed by `model`): the
// parent's children and the `members` (deeper spans too), in start order, at
// most 80 around the members.
FindingExample ExamplePicture(const Trace& trace, std::span<const int64_t> critical,
                              SpanIndex parent, std::vector<SpanIndex> members, RetimeModel model);
// Length of the union of [start, end) intervals (sorted in place).
int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>>& intervals);
// Whether `child` blocks its parent: not a CONSUMER under a PRODUCER and not
// attached by FOLLOWS_FROM (async work already runs concurrently, in both
// critical-path modes).
bool BlocksParent(const Trace& trace, SpanIndex child);

int64_t SharePpm(int64_t us, int64_t trace_us);  // parts per million of the trace
// p50 and p95 of the per-trace savings (µs) and shares (ppm), and the total.
Saving MakeSaving(const Samples& per_trace, const Samples& share_ppm, int64_t total);
// Example trace ids: (saving, id) pairs kept sorted, largest saving first,
// then id, at most `max`.
void KeepExamples(std::vector<std::pair<int64_t, std::string>>* examples, size_t max);
// Adds (saving, id) to `examples` (kept as KeepExamples leaves them) unless it
// would be dropped at once: then `id` is not even copied.
void OfferExample(std::vector<std::pair<int64_t, std::string>>* examples, int64_t saving,
                  const std::string& id, size_t max);

Confidence LowerConfidence(Confidence c);
// The first dependency hint naming two of `ops`, or nullptr.
const DependencyHint* FindHint(const DetectorConfig& config, const std::vector<OpName>& ops);

}  // namespace internal
}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DETECTOR_H_
