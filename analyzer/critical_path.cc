// Critical path, two modes.
//
// kJaeger reproduces Jaeger UI v2.15-v2.20 (docs/critical-path-modes.md):
//   * one walk per root in start order; a root whose parentSpanID names a span
//     missing from the trace (an orphan) drops itself and contributes nothing;
//   * copy + prune: depth-first from the root over tree children, leaving out a
//     child (and its subtree) when the parent is PRODUCER and the child
//     CONSUMER, whatever the reference type;
//   * sanitise in that pre-order against the span's parentSpanID
//     (Topology::parent), which may differ from the tree parent: a span whose
//     parentSpanID is not in this root's copy is dropped; otherwise the 6-case
//     table keeps, truncates or drops it. A dropped span's descendants drop
//     themselves later because their parent is gone. A span without a
//     parentSpanID is left as it is;
//   * walk(S, t): LFC = the remaining child with the largest sanitised end,
//     restricted to end < t when t is given, ties to the first in children
//     order; emit (S, LFC.end, t || S.end) and walk(LFC), else emit
//     (S, S.start, t || S.end) and walk(parentSpanID, t = S.start). t == 0
//     means "no t" (JavaScript `if (t)`). Zero-length sections are skipped.
//
// kCausal differs in exactly these points:
//   1. back-to-back siblings are chained: a child counts as "before" the one we
//      came back from when its end <= t (Jaeger: < t);
//   2. a child overlapping the next one by at most skew_tolerance_fraction x the
//      parent's (sanitised) duration is still chained if it started before it;
//      its time after the next one's start is cut off (with that of its own
//      descendants), so sections still tile the root;
//   3. FOLLOWS_FROM children (Topology::tree_parent_ref) are non-blocking:
//      pruned with their subtree, like PRODUCER->CONSUMER children;
//   4. orphan roots are walked like any other root (their subtree truncated to
//      the orphan itself) instead of being dropped;
//   5. sanitising and walking back up use the tree parent, so the two parent
//      notions can never disagree;
//   6. t == 0 is a real bound (no JavaScript truthiness);
//   7. each child is chosen at most once per parent: after coming back from a
//      child only children later in end order are candidates (needed with
//      <=, where a zero-length child would otherwise be chosen again).
//   Spans without a start are repaired rather than dropped in causal runs, but
//   that is Normalize's drop_spans_without_start option, set by the caller.
//
// Both modes: a root that Normalize made a root to break a parent cycle is
// walked as a plain root (Jaeger UI has no such root). The walk is iterative;
// each span's children are sorted once by (sanitised end desc, children
// order), so "latest end before t" is a binary search: O(n log n) overall.
//
// Jaeger's own walk can recurse forever when parentSpanID disagrees with the
// tree (e.g. A's child X names its descendant B as parentSpanID) or when
// t == 0 re-enters a span as if fresh; Jaeger then overflows the stack. We stop
// that root's walk at the first repeated fresh entry, or after 2k + 2 steps
// (k = spans in the root's copy), and keep what was emitted. Sections with
// end < start, which only such inconsistent links produce, are skipped.
#include "analyzer/critical_path.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "analyzer/critical_path_sanitize.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer {
namespace {

// Grows `v` to at least `n` elements; existing contents are left as they are
// (callers write before they read).
template <class T>
void GrowTo(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

class CriticalPathWalker {
 public:
  using Scratch = CriticalPathComputer::Scratch;

  CriticalPathWalker(const Trace& trace, const CpOptions& options, Scratch& scratch)
      : trace_(trace),
        topo_(trace.topology),
        jaeger_(options.mode == CpMode::kJaeger),
        tolerance_fraction_(std::max(0.0, options.skew_tolerance_fraction)),
        start_(scratch.start),
        end_(scratch.end),
        stamp_(scratch.stamp),
        entered_(scratch.entered),
        cand_count_(scratch.cand_count),
        cursor_(scratch.cursor),
        pos_in_parent_(scratch.pos_in_parent),
        cand_(scratch.cand),
        pre_(scratch.pre),
        stack_(scratch.stack) {
    // Arrays that are always written before they are read are only grown,
    // never cleared (fresh pages are the main cost on million-span traces).
    const size_t n = trace.spans.size();
    GrowTo(start_, n);
    GrowTo(end_, n);
    stamp_.assign(n, 0);
    GrowTo(cand_, topo_.children.size());
    GrowTo(cand_count_, n);
    if (jaeger_) {
      entered_.assign(n, 0);
    } else {
      GrowTo(cursor_, n);
      GrowTo(pos_in_parent_, n);
    }
  }

  void Run(CriticalPath& path) {
    path.sections.clear();
    path.roots.clear();
    path.total_us = 0;
    // An upper bound (a walk step emits at most one section; a root's walk takes
    // at most 2 steps per span plus 2), so the vector never regrows; pages that
    // stay unused are never touched.
    path.sections.reserve(2 * (trace_.spans.size() + topo_.roots.size()));
    sections_ = &path.sections;
    uint32_t stamp = 0;
    for (SpanIndex root : topo_.roots) {
      if (jaeger_ && topo_.parent_missing[root]) continue;  // orphan drops itself
      ++stamp;
      CopyAndPrune(root, stamp);
      Sanitise(root, stamp);
      BuildCandidates(stamp);
      const size_t first = path.sections.size();
      if (jaeger_) {
        WalkJaeger(root, stamp);
      } else {
        WalkCausal(root);
      }
      // Emitted from the root's end backwards.
      std::reverse(path.sections.begin() + static_cast<ptrdiff_t>(first), path.sections.end());
      path.roots.push_back(root);
    }
    // Roots are in start order, but two roots can overlap in time.
    if (!std::is_sorted(path.sections.begin(), path.sections.end(), StartLess)) {
      std::stable_sort(path.sections.begin(), path.sections.end(), StartLess);
    }
    for (const CpSection& s : path.sections)
      path.total_us = SatAdd(path.total_us, s.end_us - s.start_us);
  }

 private:
  static bool StartLess(const CpSection& a, const CpSection& b) { return a.start_us < b.start_us; }

  bool InMap(SpanIndex i, uint32_t stamp) const { return i != kNoSpan && stamp_[i] == stamp; }

  bool Blocking(SpanIndex parent, SpanIndex child) const {
    const auto& spans = trace_.spans;
    if (spans[parent].kind == SpanKind::kProducer && spans[child].kind == SpanKind::kConsumer) {
      return false;
    }
    return jaeger_ || topo_.tree_parent_ref[child] != RefType::kFollowsFrom;
  }

  // Pre-order copy of the root's blocking subtree into `pre_`.
  void CopyAndPrune(SpanIndex root, uint32_t stamp) {
    pre_.clear();
    stack_.assign(1, root);
    while (!stack_.empty()) {
      const SpanIndex s = stack_.back();
      stack_.pop_back();
      pre_.push_back(s);
      stamp_[s] = stamp;
      start_[s] = trace_.spans[s].start_us;
      end_[s] = trace_.spans[s].end_us();
      const auto kids = topo_.ChildrenOf(s);
      for (size_t k = kids.size(); k-- > 0;) {
        if (Blocking(s, kids[k])) stack_.push_back(kids[k]);
      }
    }
  }

  void Drop(SpanIndex s) { stamp_[s] = 0; }

  // The 6-case table of §1.2, in pre-order, so a parent earlier in pre-order
  // is already sanitised (a parentSpanID later in pre-order is compared with
  // its raw times, as in Jaeger).
  void Sanitise(SpanIndex root, uint32_t stamp) {
    for (SpanIndex s : pre_) {
      if (s == root) continue;
      SpanIndex p;
      if (jaeger_) {
        if (topo_.parent_missing[s]) {
          Drop(s);
          continue;
        }
        p = topo_.parent[s];
        if (p == kNoSpan) continue;  // no parentSpanID: left as it is
      } else {
        p = topo_.tree_parent[s];
      }
      if (!InMap(p, stamp)) {
        Drop(s);
        continue;
      }
      if (!internal::SanitizeChild(start_[p], end_[p], start_[s], end_[s])) Drop(s);
    }
  }

  // Per span of the copy: its remaining children sorted by (end desc, children
  // order), the order in which LFC candidates are tried. Stored at the span's
  // offset in Topology::children.
  void BuildCandidates(uint32_t stamp) {
    for (SpanIndex s : pre_) {
      if (!InMap(s, stamp)) continue;
      SpanIndex* const first = cand_.data() + topo_.child_begin[s];
      SpanIndex* last = first;
      for (SpanIndex c : topo_.ChildrenOf(s)) {
        if (InMap(c, stamp)) *last++ = c;  // pruned children are not in the copy
      }
      cand_count_[s] = static_cast<uint32_t>(last - first);
      if (last - first > 1) {  // stable: ties keep children order
        std::stable_sort(first, last, [&](SpanIndex a, SpanIndex b) { return end_[a] > end_[b]; });
      }
      if (!jaeger_) {
        for (uint32_t k = 0; k < cand_count_[s]; ++k) pos_in_parent_[first[k]] = k;
        cursor_[s] = 0;
      }
    }
  }

  const SpanIndex* CandBegin(SpanIndex s) const { return cand_.data() + topo_.child_begin[s]; }
  const SpanIndex* CandEnd(SpanIndex s) const { return CandBegin(s) + cand_count_[s]; }

  void Emit(SpanIndex s, int64_t from, int64_t to) {
    if (to > from) sections_->push_back({s, from, to});
  }

  void WalkJaeger(SpanIndex root, uint32_t stamp) {
    size_t budget = 2 * pre_.size() + 2;
    SpanIndex s = root;
    int64_t t = 0;  // 0 = no t, as in JavaScript
    while (budget-- > 0) {
      if (t == 0) {
        if (entered_[s] == stamp) return;  // Jaeger would recurse forever
        entered_[s] = stamp;
      }
      const SpanIndex* first = CandBegin(s);
      const SpanIndex* last = CandEnd(s);
      if (t != 0) {
        first = std::partition_point(first, last, [&](SpanIndex c) { return end_[c] >= t; });
      }
      const int64_t section_end = t != 0 ? t : end_[s];
      if (first != last) {
        const SpanIndex lfc = *first;
        Emit(s, end_[lfc], section_end);
        s = lfc;
        t = 0;
        continue;
      }
      Emit(s, start_[s], section_end);
      const SpanIndex p = topo_.parent[s];
      if (s == root || !InMap(p, stamp)) return;
      t = start_[s];
      s = p;
    }
  }

  // State: span s and a bound. Entered from its parent (returning == false),
  // s covers [s.start, bound] where bound = min(s.end, the parent's bound):
  // less than s.end only for a child chained by the overlap tolerance, whose
  // time after the next sibling's start is cut off (children starting at or
  // after the cut are ignored, later ones are cut too). Returning from a child
  // (returning == true), bound is that child's start and candidates are the
  // children later in end order that ended by then, or started before it and
  // ended at most `tolerance` after it.
  void WalkCausal(SpanIndex root) {
    SpanIndex s = root;
    bool returning = false;
    int64_t bound = end_[root];
    while (true) {
      const SpanIndex* first = CandBegin(s) + cursor_[s];
      const SpanIndex* last = CandEnd(s);
      if (returning) {
        const int64_t limit = SatAdd(
            bound, SatFromDouble(tolerance_fraction_ * static_cast<double>(end_[s] - start_[s])));
        first = std::partition_point(first, last, [&](SpanIndex c) { return end_[c] > limit; });
      }
      // Overlapping candidates that did not start before the bound never
      // qualify later either (bounds only decrease): skip them for good.
      while (first != last && end_[*first] > bound && start_[*first] >= bound) ++first;
      if (first != last) {
        const SpanIndex lfc = *first;
        cursor_[s] = pos_in_parent_[lfc] + 1;
        Emit(s, std::min(end_[lfc], bound), bound);
        bound = std::min(end_[lfc], bound);
        returning = false;
        s = lfc;
        continue;
      }
      Emit(s, start_[s], bound);
      if (s == root) return;
      bound = start_[s];
      returning = true;
      s = topo_.tree_parent[s];
    }
  }

  const Trace& trace_;
  const Topology& topo_;
  const bool jaeger_;
  const double tolerance_fraction_;
  // Per span, valid while stamp_[span] is the current root's stamp.
  std::vector<int64_t>& start_;  // sanitised interval
  std::vector<int64_t>& end_;
  std::vector<uint32_t>& stamp_;    // root stamp when in the copy; 0 = dropped
  std::vector<uint32_t>& entered_;  // kJaeger: root stamp when entered without t
  std::vector<uint32_t>& cand_count_;
  std::vector<uint32_t>& cursor_;         // kCausal: next candidate to try
  std::vector<uint32_t>& pos_in_parent_;  // kCausal: index in the parent's candidates
  std::vector<SpanIndex>& cand_;          // parallel to Topology::children
  std::vector<SpanIndex>& pre_;
  std::vector<SpanIndex>& stack_;
  std::vector<CpSection>* sections_ = nullptr;
};

}  // namespace

void CriticalPathComputer::Compute(const Trace& trace, const CpOptions& options,
                                   CriticalPath* path) {
  CriticalPathWalker(trace, options, scratch_).Run(*path);
}

CriticalPath ComputeCriticalPath(const Trace& trace, const CpOptions& options) {
  CriticalPathComputer computer;
  CriticalPath path;
  computer.Compute(trace, options, &path);
  return path;
}

std::vector<int64_t> CriticalTimePerSpan(const Trace& trace, const CriticalPath& path) {
  std::vector<int64_t> out(trace.spans.size(), 0);
  for (const CpSection& s : path.sections) out[s.span] = SatAdd(out[s.span], s.end_us - s.start_us);
  return out;
}

int64_t SelfTimeOf(const Trace& trace, SpanIndex i) {
  const Span& span = trace.spans[i];
  const int64_t s = span.start_us, e = span.end_us();
  // Children are sorted by start: one sweep merges their clipped intervals.
  int64_t covered = 0, run_start = 0, run_end = 0;
  bool in_run = false;
  for (SpanIndex c : trace.topology.ChildrenOf(i)) {
    const int64_t cs = std::max(s, trace.spans[c].start_us);
    const int64_t ce = std::min(e, trace.spans[c].end_us());
    if (ce <= cs) continue;
    if (in_run && cs <= run_end) {
      run_end = std::max(run_end, ce);
      continue;
    }
    if (in_run) covered += run_end - run_start;
    run_start = cs;
    run_end = ce;
    in_run = true;
  }
  if (in_run) covered += run_end - run_start;
  return std::max<int64_t>(0, span.duration_us - covered);
}

std::vector<int64_t> SelfTimePerSpan(const Trace& trace) {
  const size_t n = trace.spans.size();
  std::vector<int64_t> out(n, 0);
  for (SpanIndex i = 0; i < n; ++i) out[i] = SelfTimeOf(trace, i);
  return out;
}

}  // namespace trace_analyze::analyzer
