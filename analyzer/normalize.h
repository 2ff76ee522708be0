// Normalize(): turns a decoded Trace into a well-formed tree the analysis
// passes can trust, repairing what real data gets wrong and counting every
// repair in trace.quality.
#ifndef TRACE_ANALYZE_ANALYZER_NORMALIZE_H_
#define TRACE_ANALYZE_ANALYZER_NORMALIZE_H_

#include "analyzer/model.h"

namespace trace_analyze::analyzer {

struct NormalizeOptions {
  // Jaeger UI v2.15–v2.20 removes spans whose start time is 0 or missing
  // before building the tree (their children become orphans). When false they
  // are kept and inherit their parent's start (Jaeger UI main).
  bool drop_spans_without_start = true;
};

// In order:
//  1. counts span timing anomalies (missing start/duration, zero and negative
//     durations, times beyond ±kMaxTimeUs; negatives are clamped to 0, the
//     others into range) and references (FOLLOWS_FROM, cross-trace);
//  2. removes byte-identical duplicate spans; renames the second and later
//     spans sharing an id to "<id>_<n>" (n = 1, 2, ...), as Jaeger UI does;
//  3. fills trace.topology (tree parent, Jaeger parentSpanID, sorted children
//     and roots), breaking parent cycles (the earliest-starting span of a
//     cycle becomes a root) and counting orphans and multi-root traces;
//  4. counts children whose interval is not inside their parent's.
// Sets quality.traces = 1 and quality.spans. Idempotent. O(n log n).
void Normalize(Trace& trace, const NormalizeOptions& options = {});

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_NORMALIZE_H_
