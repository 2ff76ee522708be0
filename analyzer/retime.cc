#include "analyzer/retime.h"

#include <algorithm>
#include <utility>
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

// The re-timing's moves: each member with the shift (µs, ≤ 0) that starts
// its element at the chain's start (the first element's), in element order;
// and the chain's old end.
struct ChainMoves {
  std::vector<std::pair<SpanIndex, int64_t>> shifts;
  int64_t old_end = INT64_MIN;
};
ChainMoves MovesToChainStart(const Trace& trace, std::span<const std::vector<SpanIndex>> elements) {
  ChainMoves moves;
  int64_t chain_start = INT64_MAX;
  for (const std::vector<SpanIndex>& element : elements) {
    for (SpanIndex m : element) {
      chain_start = std::min(chain_start, trace.spans[m].start_us);
      moves.old_end = std::max(moves.old_end, trace.spans[m].end_us());
    }
  }
  for (const std::vector<SpanIndex>& element : elements) {
    int64_t start = INT64_MAX;
    for (SpanIndex m : element) start = std::min(start, trace.spans[m].start_us);
    for (SpanIndex m : element) moves.shifts.emplace_back(m, chain_start - start);
  }
  return moves;
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

  const ChainMoves moves = MovesToChainStart(trace, elements);
  int64_t new_end = INT64_MIN;
  std::vector<SpanIndex> stack;
  std::vector<uint8_t> is_member(trace.spans.size(), 0);
  for (const auto& [m, shift] : moves.shifts) {
    is_member[m] = 1;
    ShiftSubtree(shadow, m, shift, stack);
    new_end = std::max(new_end, shadow.spans[m].end_us());
  }
  ResortChildren(shadow, parent);

  int64_t gain = moves.old_end - new_end;
  int64_t cut = moves.old_end;  // work starting at or after this moves earlier
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

int64_t CriticalPathSavingIfConcurrent(const Trace& trace, const CriticalPath& path,
                                       SpanIndex parent,
                                       std::span<const std::vector<SpanIndex>> elements,
                                       const CpOptions& cp) {
  // A saturated total is not the sum of the roots' durations.
  if (cp.mode != CpMode::kJaeger || path.total_us == INT64_MAX) {
    return std::max<int64_t>(0,
                             path.total_us - CriticalPathIfConcurrent(trace, parent, elements, cp));
  }
  // The model of CriticalPathIfConcurrent, on end times only: each member's
  // new end, then, level by level up the ancestors, the span's shrunk end
  // from its children's new ends.
  ChainMoves moves = MovesToChainStart(trace, elements);
  std::vector<std::pair<SpanIndex, int64_t>>& moved = moves.shifts;
  std::sort(moved.begin(), moved.end());  // looked up by member
  int64_t new_end = INT64_MIN;
  for (const auto& [m, shift] : moved) new_end = std::max(new_end, trace.spans[m].end_us() + shift);
  int64_t gain = moves.old_end - new_end;
  int64_t cut = moves.old_end;  // work starting at or after this moves earlier
  SpanIndex came_from = kNoSpan;
  int64_t came_from_end = 0;  // its new end
  for (SpanIndex cur = parent; gain > 0; cur = trace.topology.tree_parent[cur]) {
    if (cur == kNoSpan) {
      // `came_from` is a root: walked unless it is an orphan (which drops
      // itself from the path).
      return trace.topology.parent_missing[came_from] != 0 ? 0 : gain;
    }
    int64_t last_child_end = INT64_MIN;
    for (SpanIndex c : trace.topology.ChildrenOf(cur)) {
      const Span& s = trace.spans[c];
      int64_t end = s.end_us();
      const auto member =
          cur != parent ? moved.end()
                        : std::lower_bound(moved.begin(), moved.end(), std::pair(c, INT64_MIN));
      if (c == came_from) {
        end = came_from_end;
      } else if (member != moved.end() && member->first == c) {
        end += member->second;
      } else if (s.start_us >= cut) {
        end -= gain;
      }
      last_child_end = std::max(last_child_end, end);
    }
    const Span& span = trace.spans[cur];
    const int64_t end = span.end_us();
    const int64_t shrunk = std::max(end - gain, std::max(last_child_end, span.start_us));
    gain = end - shrunk;
    cut = end;
    came_from = cur;
    came_from_end = shrunk;
  }
  return 0;
}

}  // namespace trace_analyze::analyzer
