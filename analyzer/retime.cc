#include "analyzer/retime.h"

#include <algorithm>
#include <vector>

namespace trace_analyze::analyzer {
namespace {

// Moves span `root` and its whole subtree by `delta` µs.
void ShiftSubtree(Trace& t, SpanIndex root, int64_t delta, std::vector<SpanIndex>& stack) {
  if (delta == 0) return;
  stack.assign(1, root);
  while (!stack.empty()) {
    const SpanIndex i = stack.back();
    stack.pop_back();
    t.spans[i].start_us += delta;
    for (SpanIndex c : t.topology.ChildrenOf(i)) stack.push_back(c);
  }
}

// Restores "children ordered by start" for span i after its children moved.
void ResortChildren(Trace& t, SpanIndex i) {
  auto begin = t.topology.children.begin() + t.topology.child_begin[i];
  auto end = t.topology.children.begin() + t.topology.child_begin[i + 1];
  std::stable_sort(begin, end, [&](SpanIndex a, SpanIndex b) {
    return t.spans[a].start_us < t.spans[b].start_us;
  });
}

}  // namespace

int64_t CriticalPathIfConcurrent(const Trace& trace, SpanIndex parent,
                                 std::span<const std::vector<SpanIndex>> elements,
                                 const CpOptions& cp) {
  // A shadow trace: same strings (views into trace.arena), own times and
  // order. The critical path reads only spans and topology, so references and
  // attributes are not copied (re-timing runs once per finding).
  Trace shadow;
  shadow.trace_id = trace.trace_id;
  shadow.source = trace.source;
  shadow.spans = trace.spans;
  shadow.topology = trace.topology;

  int64_t chain_start = INT64_MAX, old_end = INT64_MIN, new_end = INT64_MIN;
  for (const std::vector<SpanIndex>& element : elements) {
    for (SpanIndex m : element) {
      chain_start = std::min(chain_start, trace.spans[m].start_us);
      old_end = std::max(old_end, trace.spans[m].end_us());
    }
  }
  std::vector<SpanIndex> stack;
  std::vector<uint8_t> is_member(trace.spans.size(), 0);
  for (const std::vector<SpanIndex>& element : elements) {
    int64_t start = INT64_MAX;
    for (SpanIndex m : element) start = std::min(start, trace.spans[m].start_us);
    for (SpanIndex m : element) {
      is_member[m] = 1;
      ShiftSubtree(shadow, m, chain_start - start, stack);
      new_end = std::max(new_end, shadow.spans[m].end_us());
    }
  }
  ResortChildren(shadow, parent);

  int64_t gain = old_end - new_end;
  int64_t cut = old_end;  // work starting at or after this moves earlier
  SpanIndex came_from = kNoSpan;
  for (SpanIndex cur = parent; cur != kNoSpan && gain > 0;
       came_from = cur, cur = shadow.topology.tree_parent[cur]) {
    int64_t last_child_end = INT64_MIN;
    for (SpanIndex c : shadow.topology.ChildrenOf(cur)) {
      if (c != came_from && !(cur == parent && is_member[c]) && shadow.spans[c].start_us >= cut) {
        ShiftSubtree(shadow, c, -gain, stack);
      }
      last_child_end = std::max(last_child_end, shadow.spans[c].end_us());
    }
    ResortChildren(shadow, cur);
    Span& span = shadow.spans[cur];
    const int64_t end = span.end_us();
    const int64_t shrunk = std::max(end - gain, std::max(last_child_end, span.start_us));
    span.duration_us = shrunk - span.start_us;
    gain = end - shrunk;
    cut = end;
  }
  return ComputeCriticalPath(shadow, cp).total_us;
}

}  // namespace trace_analyze::analyzer
