#include "analyzer/analysis.h"

#include <vector>

#include "analyzer/normalize.h"

namespace trace_analyze::analyzer {

const char* CpModeName(CpMode mode) { return mode == CpMode::kJaeger ? "jaeger" : "causal"; }

TraceAnalyzer::TraceAnalyzer(const AnalysisOptions& options)
    : options_(options),
      profile_(options.max_heaviest),
      findings_(options.detectors.max_examples) {}

const CriticalPath& TraceAnalyzer::Analyze(Trace& trace) {
  AnalyzePath(trace, &path_);
  FindBottlenecksIn(trace, path_);
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

void TraceAnalyzer::FindBottlenecksIn(const Trace& trace, const CriticalPath& path) {
  if (!options_.find_bottlenecks) return;
  // The trace's duration as Summarize() measures it.
  const int64_t duration_us = trace.spans.empty() ? 0 : trace.EndUs() - trace.StartUs();
  findings_.Add(std::string(trace.trace_id), duration_us,
                FindBottlenecks(trace, path, options_.detectors, options_.cp));
}

void TraceAnalyzer::Merge(const TraceAnalyzer& other) {
  profile_.Merge(other.profile_);
  findings_.Merge(other.findings_);
}

TracePath MakeTracePath(const Trace& trace, const CriticalPath& path) {
  TracePath out;
  out.trace_id = std::string(trace.trace_id);
  out.start_us = trace.StartUs();
  out.duration_us = trace.EndUs() - out.start_us;
  out.critical_path_us = path.total_us;
  out.sections.reserve(path.sections.size());
  for (const CpSection& s : path.sections) {
    const Span& span = trace.spans[s.span];
    out.sections.push_back({std::string(span.span_id), std::string(span.service),
                            std::string(span.operation), s.start_us, s.end_us});
  }

  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  // Tree depth of every span, in one pass from the roots (traces can be a
  // million spans deep, so no per-span walk up).
  std::vector<uint32_t> depth(trace.spans.size(), 0);
  std::vector<SpanIndex> stack(trace.topology.roots.begin(), trace.topology.roots.end());
  while (!stack.empty()) {
    const SpanIndex i = stack.back();
    stack.pop_back();
    for (SpanIndex c : trace.topology.ChildrenOf(i)) {
      depth[c] = depth[i] + 1;
      stack.push_back(c);
    }
  }
  size_t on_path = 0;
  for (SpanIndex i = 0; i < critical.size(); ++i) on_path += critical[i] > 0 ? 1 : 0;
  out.spans.reserve(on_path);
  std::vector<uint8_t> listed(trace.spans.size(), 0);
  for (const CpSection& s : path.sections) {
    if (listed[s.span]) continue;
    listed[s.span] = 1;
    const Span& span = trace.spans[s.span];
    out.spans.push_back({std::string(span.span_id), std::string(span.service),
                         std::string(span.operation), span.start_us, span.duration_us,
                         SelfTimeOf(trace, s.span), critical[s.span], depth[s.span]});
  }
  return out;
}

}  // namespace trace_analyze::analyzer
