#include "analyzer/analysis.h"

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
  AnalyzePath(trace, &path_);
  AddFindings(trace, FindBottlenecksOf(trace, path_));
  return path_;
}

void TraceAnalyzer::AnalyzePath(Trace& trace, CriticalPath* path) {
  NormalizeOptions normalize;
  normalize.drop_spans_without_start = options_.cp.mode == CpMode::kJaeger;
  Normalize(trace, normalize);
  if (options_.adjust_clock_skew) AdjustClockSkew(trace, options_.clock_skew);
  cp_.Compute(trace, options_.cp, path);
  profile_.Add(Summarize(trace, *path, options_.max_heaviest, options_.fold_stacks));
}

std::vector<FindingInstance> TraceAnalyzer::FindBottlenecksOf(const Trace& trace,
                                                             const CriticalPath& path) const {
  if (!options_.find_bottlenecks) return {};
  return FindBottlenecks(trace, path, options_.detectors, options_.cp);
}

void TraceAnalyzer::AddFindings(const Trace& trace, const std::vector<FindingInstance>& found) {
  if (!options_.find_bottlenecks) return;
  // The trace's duration as Summarize() measures it.
  const int64_t duration_us = trace.spans.empty() ? 0 : trace.EndUs() - trace.StartUs();
  findings_.Add(std::string(trace.trace_id), duration_us, found);
}

void TraceAnalyzer::Merge(const TraceAnalyzer& other) {
  profile_.Merge(other.profile_);
  findings_.Merge(other.findings_);
}

TracePath MakeTracePath(const Trace& trace, const CriticalPath& path) {
  return PackedPath(trace, path).Unpack();
}

}  // namespace trace_analyze::analyzer
