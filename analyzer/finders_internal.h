// Shared pieces of the bottleneck finders (private to analyzer/).
#ifndef TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_
#define TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_

#include <cstdint>
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

// Marks members of N+1 loops in `in_loop` (indexed by span) so the sequential
// finder leaves them to the N+1 finding.
void FindNPlusOne(const FinderContext& ctx, std::vector<uint8_t>* in_loop,
                  std::vector<FindingInstance>* out);
void FindRepeatedCalls(const FinderContext& ctx, std::vector<FindingInstance>* out);
void FindSequential(const FinderContext& ctx, const std::vector<uint8_t>& in_loop,
                    std::vector<FindingInstance>* out);

}  // namespace trace_analyze::analyzer::internal

#endif  // TRACE_ANALYZE_ANALYZER_FINDERS_INTERNAL_H_
