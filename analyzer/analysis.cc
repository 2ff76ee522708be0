#include "analyzer/analysis.h"

#include <memory>
#include <vector>

#include "analyzer/normalize.h"
#include "analyzer/packed_path.h"

namespace trace_analyze::analyzer {

const char* CpModeName(CpMode mode) { return mode == CpMode::kJaeger ? "jaeger" : "causal"; }

TraceAnalyzer::TraceAnalyzer(const AnalysisOptions& options)
    : options_(options),
      profile_(options.max_heaviest, options.approx_quantiles),
      findings_(StateOptions{.max_examples = options.detectors.max_examples,
                             .bounded = options.approx_quantiles,
                             .sampled_visits = options.sampled_visits}) {}

const CriticalPath& TraceAnalyzer::Analyze(Trace& trace) {
  Prepare(trace, cp_, &analysis_);
  return Add(analysis_);
}

const CriticalPath& TraceAnalyzer::Add(TraceAnalysis& prepared) {
  profile_.Add(prepared.summary);
  if (options_.find_bottlenecks) {
    findings_.Add(prepared.summary.trace_id, prepared.summary.duration_us, prepared.found);
  }
  return prepared.path;
}

void TraceAnalyzer::Prepare(Trace& trace, CriticalPathComputer& cp, TraceAnalysis* out) const {
  TraceAnalysis& a = *out;
  NormalizeOptions normalize;
  normalize.drop_spans_without_start = options_.cp.mode == CpMode::kJaeger;
  Normalize(trace, normalize);
  if (options_.adjust_clock_skew) AdjustClockSkew(trace, options_.clock_skew);
  cp.Compute(trace, options_.cp, &a.path);
  a.summary = Summarize(trace, a.path, options_.max_heaviest, options_.fold_stacks);
  a.found = {};
  if (options_.find_bottlenecks)
    a.found = FindBottlenecks(trace, a.path, options_.detectors, options_.cp, options_.threads);
}

void TraceAnalyzer::Merge(const TraceAnalyzer& other) {
  profile_.Merge(other.profile_);
  findings_.Merge(other.findings_);
}

TracePath MakeTracePath(const Trace& trace, const CriticalPath& path) {
  return PackedPath(trace, path).Unpack();
}

void AddTimeline(const Trace& trace, const CriticalPath& path, size_t max_spans, TracePath* out) {
  out->timeline.clear();
  out->timeline_spans = trace.spans.size();
  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  // Depth first; `open` holds the timeline indices of the spans whose
  // subtrees are still being listed (their subtree_end is set when the walk
  // leaves them).
  struct Item {
    SpanIndex span;
    uint32_t depth;
  };
  std::vector<Item> stack;
  for (auto it = trace.topology.roots.rbegin(); it != trace.topology.roots.rend(); ++it) {
    stack.push_back({*it, 0});
  }
  std::vector<uint32_t> open;
  while (!stack.empty() && out->timeline.size() < max_spans) {
    const Item item = stack.back();
    stack.pop_back();
    while (!open.empty() && out->timeline[open.back()].depth >= item.depth) {
      out->timeline[open.back()].subtree_end = static_cast<uint32_t>(out->timeline.size());
      open.pop_back();
    }
    const Span& s = trace.spans[item.span];
    open.push_back(static_cast<uint32_t>(out->timeline.size()));
    out->timeline.push_back({std::string(s.span_id),
                             {std::string(s.service), std::string(s.operation)},
                             s.start_us,
                             s.duration_us,
                             critical[item.span],
                             item.depth,
                             0});
    const auto children = trace.topology.ChildrenOf(item.span);
    for (auto c = children.rbegin(); c != children.rend(); ++c)
      stack.push_back({*c, item.depth + 1});
  }
  for (uint32_t i : open)
    out->timeline[i].subtree_end = static_cast<uint32_t>(out->timeline.size());
}

}  // namespace trace_analyze::analyzer
