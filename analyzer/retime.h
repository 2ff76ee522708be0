// What-if re-timing for savings estimates.
#ifndef TRACE_ANALYZE_ANALYZER_RETIME_H_
#define TRACE_ANALYZE_ANALYZER_RETIME_H_

#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"

namespace trace_analyze::analyzer {

// The critical-path length (µs) `trace` would have if `elements` (groups of
// children of `parent`, the groups one after another) had all started at the
// first element's start. Model: an element moves as a block (a loop stays a
// loop), each span with its subtree; work in the parent that started at or
// after the chain's old end moves earlier by the time gained, and the parent
// ends earlier by as much, but never before its last child; the gain
// propagates to each ancestor the same way. Requires Normalize().
int64_t CriticalPathIfConcurrent(const Trace& trace, SpanIndex parent,
                                 std::span<const std::vector<SpanIndex>> elements,
                                 const CpOptions& cp);

// How much shorter `path` (the trace's critical path in `cp`'s mode) would be
// under the same re-timing: path.total_us − CriticalPathIfConcurrent(...),
// never negative. In kJaeger mode the path of each walked root tiles the
// root, so the saving is how much earlier the parent's root ends: O(Σ children
// of the parent and its ancestors), no copy and no new path. Other modes
// re-compute the path.
int64_t CriticalPathSavingIfConcurrent(const Trace& trace, const CriticalPath& path,
                                       SpanIndex parent,
                                       std::span<const std::vector<SpanIndex>> elements,
                                       const CpOptions& cp);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_RETIME_H_
