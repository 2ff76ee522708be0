// Critical-path shift between two sides: how much critical-path time each
// service, operation and ancestral path has per trace before and after, and
// which operations appeared or disappeared. Part of `diff` (docs/diff.md).
#ifndef TRACE_ANALYZE_ANALYZER_CP_SHIFT_H_
#define TRACE_ANALYZE_ANALYZER_CP_SHIFT_H_

#include <cstddef>

#include "analyzer/diff_side.h"
#include "analyzer/profile.h"
#include "analyzer/results.h"
#include "analyzer/significance.h"

namespace trace_analyze::analyzer {

// Rows are ranked by |change_us| descending, then by name, and cut to `top`
// (0 = all); only the kept service and operation rows get a significance
// test: Welch's t-test of the mean per-trace critical time (0 for traces
// without the key), which is what the rows report.
CpShift BuildCpShift(const Profile& baseline, const Profile& candidate,
                     const DiffSideCollector& baseline_paths,
                     const DiffSideCollector& candidate_paths, size_t top,
                     const SignificanceOptions& statistics);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_CP_SHIFT_H_
