// TraceAnalysis: what TraceAnalyzer computes for one trace before adding it
// to the aggregates. Computing it touches nothing shared, so readers decoding
// on several threads compute it there, while the trace is still in that
// thread's cache, and keep it beside the trace; the analyzer then adds it in
// input order (TraceAnalyzer::Prepare / Add).
#ifndef TRACE_ANALYZE_ANALYZER_TRACE_ANALYSIS_H_
#define TRACE_ANALYZE_ANALYZER_TRACE_ANALYSIS_H_

#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/detectors.h"
#include "analyzer/profile.h"

namespace trace_analyze::analyzer {

struct TraceAnalysis {
  CriticalPath path;
  TraceSummary summary;
  TraceFindings found;  // empty when the detectors are off
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_TRACE_ANALYSIS_H_
