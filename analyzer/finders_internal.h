// Shared pieces of the bottleneck finders (private to analyzer/).
#ifndef TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_
#define TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/detectors.h"

namespace trace_analyze::analyzer::internal {

// What a span calls: its DB statement, else its URL, else its operation name
// (`from_attribute` tells which).
struct Call {
  std::string_view text;
  bool from_attribute = false;
};

// The span's Call, in one pass over its attributes (the first occurrence of a
// key counts, as in Trace::FindAttr; an empty value is as if absent).
Call CallOf(const Trace& trace, const Span& span);

struct FinderContext {
  const Trace& trace;
  const CriticalPath& path;
  const std::vector<int64_t>& critical;  // CriticalTimePerSpan
  const std::vector<Call>& calls;        // CallOf, per span
  const DetectorConfig& config;
  const CpOptions& cp;
};

// Service and parameterised operation name.
OpName NameOf(const Span& span);

// Length of the union of [start, end) intervals (sorted in place).
int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>>& intervals);

// Whether `child` blocks its parent for the finders: not a CONSUMER under a
// PRODUCER and not attached by FOLLOWS_FROM (async work already runs
// concurrently, in both critical-path modes).
bool BlocksParent(const Trace& trace, SpanIndex child);

// Shared by the aggregation of findings (findings.cc, run_miner.cc).
int64_t SharePpm(int64_t us, int64_t trace_us);
Saving MakeSaving(const std::vector<int64_t>& per_trace, const std::vector<int64_t>& share_ppm,
                  int64_t total);
std::string Percent(uint64_t part, uint64_t whole);  // "42%"
std::string Instances(uint64_t n);                   // "1 instance", "2 instances"
std::string Describe(const OpName& o);               // "service operation"
std::string FormatUs(int64_t us);                    // "840 µs", "12.5 ms": one unit per sentence
Confidence LowerConfidence(Confidence c);
bool HintMatches(const std::string& name, const OpName& op);
// The first dependency hint naming two of `ops`, or nullptr.
const DependencyHint* FindHint(const DetectorConfig& config, const std::vector<OpName>& ops);

void FindNPlusOne(const FinderContext& ctx, std::vector<FindingInstance>* out);
void FindRepeatedCalls(const FinderContext& ctx, std::vector<FindingInstance>* out);
void FindSequential(const FinderContext& ctx, SequentialVisits* out);

}  // namespace trace_analyze::analyzer::internal

#endif  // TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_
