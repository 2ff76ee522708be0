// Bottleneck finders: sequential siblings that could run in parallel, N+1
// loops, and repeated identical calls. FindBottlenecks() looks at one trace;
// FindingsCollector aggregates instances across traces into ranked findings
// with evidence, confidence and savings. Rules: docs/detectors.md.
#ifndef TRACE_ANALYZE_ANALYZER_DETECTORS_H_
#define TRACE_ANALYZE_ANALYZER_DETECTORS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/detector_config.h"
#include "analyzer/model.h"

namespace trace_analyze::analyzer {

enum class FindingKind { kSequential, kNPlusOne, kRepeatedCall };
enum class Confidence { kLow, kMedium, kHigh };

// "sequential", "n_plus_one", "repeated_call".
const char* FindingKindName(FindingKind kind);
// "low", "medium", "high".
const char* ConfidenceName(Confidence confidence);

struct OpName {
  std::string service;
  std::string operation;
  auto operator<=>(const OpName&) const = default;
};

// One occurrence of an N+1 loop or a repeated call in one trace (sequential
// runs are observed as SequentialVisits and mined across traces).
struct FindingInstance {
  FindingKind kind = FindingKind::kSequential;
  std::string fingerprint;  // the pattern (order-insensitive for sequential)
  std::string order_key;    // sequential: the observed order; "" otherwise
  OpName parent;
  std::vector<OpName> sequence;  // flagged children, in start order
  int64_t optimistic_us = 0;     // upper bound of the saving
  int64_t realistic_us = 0;      // critical-path reduction (see docs/detectors.md)
  uint32_t calls = 0;            // spans flagged
  int64_t total_us = 0;          // Σ their durations
  int64_t union_us = 0;          // length of the union of their intervals
  int64_t critical_us = 0;       // their time on the critical path
  bool value_flow = false;       // sequential: a value of an earlier member reappears later
  std::string value_flow_detail;
  bool intervening_work = false;  // sequential: other parent work sits between members
  std::string example_key;        // n+1 / repeated: statement or URL (template / raw)
  bool read_only = false;         // repeated: GET/HEAD/SELECT, so safe to cache
  bool no_parameters = false;     // n+1: the calls record no statement or URL
};

// ---------------------------------------------------------------------------
// What the sequential detector sees of one trace. Every parent span with at
// least two *elements* is a visit: its blocking children in start order, with
// consecutive calls of one operation collapsed into one element (a loop,
// `calls` > 1). Runs are mined from the visits of many traces
// (FindingsCollector::Build, docs/detectors.md §1).

// Relation of two element names in one visit (their first occurrences).
enum class PairOrder : uint8_t { kFirstBefore, kSecondBefore, kOverlap };

struct VisitPair {
  uint32_t first, second;  // name indices, first < second
  PairOrder order;
};

// One element of a chain: elements that ran back to back.
struct ChainElement {
  uint32_t name = 0;        // index into SequentialVisits::names
  uint32_t calls = 1;       // spans in the element (a loop: > 1)
  int64_t extent_us = 0;    // first start to last end
  int64_t critical_us = 0;  // Σ critical-path time of its spans
  // Evidence against independence from the previous element of the chain
  // (false for the first): a value of its subtree reappears in this one's
  // (index into SequentialVisits::details, or kNoDetail), other blocking
  // work of the parent sat in the gap between the two.
  uint32_t value_flow = kNoDetail;
  bool intervening = false;
  static constexpr uint32_t kNoDetail = UINT32_MAX;
};

struct Visit {
  uint32_t parent = 0;                            // name index
  std::vector<uint32_t> names;                    // distinct element names, sorted
  std::vector<VisitPair> pairs;                   // nearby element pairs (see sequential_finder)
  std::vector<std::vector<ChainElement>> chains;  // back-to-back chains, each ≥ 2 elements
};

struct SequentialVisits {
  std::vector<OpName> names;         // service, parameterised operation
  std::vector<std::string> details;  // value-flow descriptions
  std::vector<Visit> visits;
};

// Everything the detectors saw in one trace.
struct TraceFindings {
  std::vector<FindingInstance> calls;  // n+1 and repeated calls
  SequentialVisits sequential;
  void clear() {
    calls.clear();
    sequential = {};
  }
};

// The fingerprint of a sequential run: the service that issues it (its
// parent's) and the set of its distinct members (service, parameterised
// operation), in any order, loops collapsed.
std::string RunFingerprint(const std::string& parent_service, std::vector<OpName> members);

// Runs the enabled detectors on one analysed trace (Normalize()d, with its
// critical path computed with `cp`).
TraceFindings FindBottlenecks(const Trace& trace, const CriticalPath& path,
                              const DetectorConfig& config, const CpOptions& cp);

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
  bool suppressed = false;
  std::string suppressed_reason;
};

// Mergeable across shards, like Profile.
class FindingsCollector {
 public:
  explicit FindingsCollector(size_t max_examples = 3) : max_examples_(max_examples) {}
  void Add(const std::string& trace_id, int64_t trace_duration_us, const TraceFindings& found);
  void Merge(const FindingsCollector& other);
  // Findings passing the thresholds, ranked by realistic saving × frequency
  // (Σ realistic saving) descending, then fingerprint; suppressed ones
  // (config.ignore) are flagged and ranked after the others. With `limit` > 0
  // only the first `limit` of that ranking (the same findings, built alone).
  std::vector<Finding> Build(const DetectorConfig& config, size_t limit = 0) const;

 private:
  // Sequential visits of one parent operation, kept until Build mines them.
  // Pair keys are (smaller global name id << 32 | larger).
  struct ParentOp {
    uint64_t visits = 0;
    // Visits by their distinct element names (a class: usually one route of
    // a handler), with how often each pair of names was adjacent in a chain.
    struct Class {
      uint64_t visits = 0;
      std::unordered_map<uint64_t, uint64_t> adjacent;  // visits with the pair adjacent
    };
    std::vector<Class> classes;
    std::map<std::vector<uint32_t>, uint32_t> class_ids;  // sorted global name ids → index
    std::unordered_map<uint64_t, uint64_t> adjacent;      // over every class
    struct PairStats {
      uint64_t first_before = 0, second_before = 0, overlap = 0;
    };
    std::unordered_map<uint64_t, PairStats> pairs;
    struct Chain {
      uint32_t cls;         // index into classes
      uint32_t trace;       // index into traces_
      uint32_t begin, end;  // into elements_
    };
    std::vector<Chain> chains;
  };
  struct TraceRow {
    std::string id;
    int64_t duration_us;
  };
  uint32_t NameId(const OpName& name);
  uint32_t DetailId(const std::string& detail);
  void AddVisits(uint32_t trace, const SequentialVisits& visits);
  std::vector<Finding> BuildRuns(const DetectorConfig& config) const;

  std::vector<OpName> names_;
  std::unordered_map<std::string, uint32_t> name_ids_;  // service + '\x1f' + operation
  std::vector<std::string> details_;
  std::unordered_map<std::string, uint32_t> detail_ids_;
  std::vector<TraceRow> traces_;             // traces with sequential chains
  std::map<uint32_t, ParentOp> parent_ops_;  // by parent name id
  std::vector<ChainElement> elements_;       // of the chains, global name and detail ids

  struct Pattern {
    FindingKind kind = FindingKind::kSequential;
    OpName parent;
    std::map<std::string, std::pair<std::vector<OpName>, uint64_t>> orders;
    uint64_t instances = 0;
    // One row per trace with the pattern, one per instance: two vectors, not
    // eight (tens of thousands of patterns, each a few instances, made their
    // growth a large part of Add).
    struct TraceRow {
      int64_t optimistic, realistic;                      // µs saved in the trace
      int64_t optimistic_share_ppm, realistic_share_ppm;  // of its duration
      int64_t critical;                                   // Σ FindingInstance::critical_us
    };
    struct InstanceRow {
      int64_t calls, union_us, total_us;
    };
    std::vector<TraceRow> trace_rows;
    std::vector<InstanceRow> instance_rows;
    int64_t optimistic_total = 0, realistic_total = 0;
    uint64_t value_flow = 0;
    std::string value_flow_detail;  // smallest non-empty, for determinism
    uint64_t intervening = 0;
    std::vector<std::pair<int64_t, std::string>> examples;  // (realistic, trace id)
    std::string example_key;                                // smallest non-empty
    uint64_t writes = 0;         // repeated: instances that are not read-only
    uint64_t no_parameters = 0;  // n+1: instances whose calls record no parameters
  };
  size_t max_examples_;
  std::unordered_map<std::string, Pattern> patterns_;  // by fingerprint
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DETECTORS_H_
