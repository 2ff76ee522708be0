// Jaeger's clock-skew adjuster (v1 cmd/query/app/querysvc/adjuster/clockskew.go),
// over the tree of Topology::tree_parent:
//   * parents are adjusted before their children (pre-order from the roots);
//   * a span on a different host than its parent gets its own delta, computed
//     from its raw start against the parent's adjusted interval:
//       child longer than parent: max(0, parent.start - child.start);
//       child inside the parent:  0;
//       otherwise:                parent.start + (parent.dur - child.dur) / 2 - child.start;
//     a span on the same host inherits its parent's delta, so a shifted child
//     moves with its whole same-host subtree;
//   * a delta larger than max_adjust_us (when set) is not applied, but is still
//     inherited, so the subtree stays put with it, as in Jaeger.
// Hosts: an empty Span::host is "unknown" and never counts as a host change;
// a span's effective host is its own, else its parent's effective host.
// (Jaeger treats an empty host key as always different.)
#include "analyzer/clock_skew.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace trace_analyze::analyzer {
namespace {

int64_t ComputeDelta(const Span& child, int64_t parent_start, int64_t parent_end) {
  const int64_t parent_duration = parent_end - parent_start;
  if (child.duration_us > parent_duration) {
    // Async, or the parent timed out first: only make the child start no
    // earlier than the parent.
    return child.start_us < parent_start ? parent_start - child.start_us : 0;
  }
  if (child.start_us >= parent_start && child.end_us() <= parent_end) return 0;
  // Network latency assumed split evenly between request and response.
  return parent_start + (parent_duration - child.duration_us) / 2 - child.start_us;
}

}  // namespace

void AdjustClockSkew(Trace& trace, const ClockSkewOptions& options) {
  if (trace.quality.duplicate_span_ids > 0) return;  // as Jaeger
  std::vector<Span>& spans = trace.spans;
  Topology& topo = trace.topology;
  const size_t n = spans.size();
  std::vector<int64_t> delta(n, 0);
  std::vector<std::string_view> host(n);
  std::vector<SpanIndex> stack(topo.roots.rbegin(), topo.roots.rend());
  for (SpanIndex r : topo.roots) host[r] = spans[r].host;
  uint64_t adjusted = 0;
  bool moved = false;
  while (!stack.empty()) {
    const SpanIndex p = stack.back();
    stack.pop_back();
    for (SpanIndex c : topo.ChildrenOf(p)) {
      Span& child = spans[c];
      host[c] = child.host.empty() ? host[p] : child.host;
      const bool other_host = !child.host.empty() && !host[p].empty() && child.host != host[p];
      delta[c] = other_host ? ComputeDelta(child, spans[p].start_us, spans[p].end_us()) : delta[p];
      const int64_t d = delta[c];
      if (d != 0 && (options.max_adjust_us == 0 || std::llabs(d) <= options.max_adjust_us)) {
        // Kept within the model's time bound, so later arithmetic stays safe
        // (only hostile inputs get near it).
        child.start_us = std::clamp(child.start_us + d, -kMaxTimeUs, kMaxTimeUs);
        ++adjusted;
        moved = true;
      }
      stack.push_back(c);
    }
  }
  trace.quality.clock_skew_adjusted += adjusted;
  if (!moved) return;

  // Re-establish children order (start, then input order) where shifts broke it.
  auto less = [&](SpanIndex a, SpanIndex b) {
    return spans[a].start_us != spans[b].start_us ? spans[a].start_us < spans[b].start_us : a < b;
  };
  for (size_t p = 0; p < n; ++p) {
    auto first = topo.children.begin() + topo.child_begin[p];
    auto last = topo.children.begin() + topo.child_begin[p + 1];
    if (!std::is_sorted(first, last, less)) std::sort(first, last, less);
  }
}

}  // namespace trace_analyze::analyzer
