// Jaeger's clock-skew adjuster (docs/critical-path-modes.md, "Clock skew"), applied on request
// (--adjust-clock-skew): a child on a different host whose interval does not fit
// inside its parent is shifted, with its subtree, to the middle of the parent
// (or only to the parent's start when the child is longer than the parent).
#ifndef TRACE_ANALYZE_ANALYZER_CLOCK_SKEW_H_
#define TRACE_ANALYZE_ANALYZER_CLOCK_SKEW_H_

#include <cstdint>

#include "analyzer/model.h"

namespace trace_analyze::analyzer {

struct ClockSkewOptions {
  // Largest shift applied (µs); larger computed deltas are skipped. 0 = no limit.
  int64_t max_adjust_us = 0;
};

// Requires Normalize(); keeps topology valid (only times change, and children
// order is re-established). Counts shifted spans in quality.clock_skew_adjusted.
// Skipped entirely (as Jaeger does) when the trace has duplicate span ids.
void AdjustClockSkew(Trace& trace, const ClockSkewOptions& options = {});

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_CLOCK_SKEW_H_
