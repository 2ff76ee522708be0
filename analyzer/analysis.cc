#include "analyzer/analysis.h"

#include <memory>
#include <vector>

#include "analyzer/normalize.h"
#include "analyzer/packed_path.h"

namespace trace_analyze::analyzer {

const char* CpModeName(CpMode mode) { return mode == CpMode::kJaeger ? "jaeger" : "causal"; }

TraceAnalyzer::TraceAnalyzer(const AnalysisOptions& options)
    : options_(options),
      profile_(options.max_heaviest),
      findings_(options.detectors.max_examples) {}

const CriticalPath& TraceAnalyzer::Analyze(Trace& trace) {
  if (trace.prepared == nullptr || !trace.prepared->ready) Prepare(trace, cp_);
  TraceAnalysis& a = *trace.prepared;
  a.ready = false;
  profile_.Add(a.summary);
  if (options_.find_bottlenecks) findings_.Add(a.summary.trace_id, a.summary.duration_us, a.found);
  return a.path;
}

void TraceAnalyzer::Prepare(Trace& trace, CriticalPathComputer& cp) const {
  if (trace.prepared == nullptr) trace.prepared = std::make_unique<TraceAnalysis>();
  TraceAnalysis& a = *trace.prepared;
  NormalizeOptions normalize;
  normalize.drop_spans_without_start = options_.cp.mode == CpMode::kJaeger;
  Normalize(trace, normalize);
  if (options_.adjust_clock_skew) AdjustClockSkew(trace, options_.clock_skew);
  cp.Compute(trace, options_.cp, &a.path);
  a.summary = Summarize(trace, a.path, options_.max_heaviest, options_.fold_stacks);
  a.found = {};
  if (options_.find_bottlenecks)
    a.found = FindBottlenecks(trace, a.path, options_.detectors, options_.cp);
  a.ready = true;
}

void TraceAnalyzer::Merge(const TraceAnalyzer& other) {
  profile_.Merge(other.profile_);
  findings_.Merge(other.findings_);
}

TracePath MakeTracePath(const Trace& trace, const CriticalPath& path) {
  return PackedPath(trace, path).Unpack();
}

}  // namespace trace_analyze::analyzer
