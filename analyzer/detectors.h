// Bottleneck finders: sequential siblings that could run in parallel, N+1
// loops, and repeated identical calls. FindBottlenecks() looks at one trace;
// FindingsCollector aggregates instances across traces into ranked findings
// with evidence, confidence and savings. Rules: docs/detectors.md.
#ifndef TRACE_ANALYZE_ANALYZER_DETECTORS_H_
#define TRACE_ANALYZE_ANALYZER_DETECTORS_H_

#include <cstdint>
#include <map>
#include <string>
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

// One occurrence of a pattern in one trace.
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
};

// The fingerprint of a sequential pattern: `parent` and the set of its
// flagged children (service, parameterised operation), in any order.
std::string SequentialFingerprint(const OpName& parent, std::vector<OpName> members);

// Runs the enabled finders on one analysed trace (Normalize()d, with its
// critical path computed with `cp`).
std::vector<FindingInstance> FindBottlenecks(const Trace& trace, const CriticalPath& path,
                                             const DetectorConfig& config, const CpOptions& cp);

struct Saving {
  int64_t p50_us = 0;  // per trace in which the pattern occurs
  int64_t p95_us = 0;
  double p50_share = 0;  // of that trace's duration
  double p95_share = 0;
  int64_t total_us = 0;  // Σ over all instances
};

struct Finding {
  FindingKind kind = FindingKind::kSequential;
  std::string fingerprint;
  Confidence confidence = Confidence::kMedium;
  std::vector<std::string> reasons;  // sentences, evidence first
  OpName parent;
  std::vector<OpName> sequence;  // the most frequent order
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
  std::string example_key;
  bool suppressed = false;
  std::string suppressed_reason;
};

// Mergeable across shards, like Profile.
class FindingsCollector {
 public:
  explicit FindingsCollector(size_t max_examples = 3) : max_examples_(max_examples) {}
  void Add(const std::string& trace_id, int64_t trace_duration_us,
           const std::vector<FindingInstance>& instances);
  void Merge(const FindingsCollector& other);
  // Findings passing the thresholds, ranked by realistic saving × frequency
  // (Σ realistic saving) descending, then fingerprint; suppressed ones
  // (config.ignore) are flagged and ranked after the others. With `limit` > 0
  // only the first `limit` of that ranking (the same findings, built alone).
  std::vector<Finding> Build(const DetectorConfig& config, size_t limit = 0) const;

 private:
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
    uint64_t writes = 0;  // repeated: instances that are not read-only
  };
  size_t max_examples_;
  std::unordered_map<std::string, Pattern> patterns_;  // by fingerprint
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DETECTORS_H_
