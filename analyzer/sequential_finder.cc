// Sequential siblings that could run in parallel: per parent, the longest
// chains of blocking children that ran back to back, with the evidence for
// and against their independence.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/finders_internal.h"
#include "analyzer/parameterize.h"
#include "analyzer/retime.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer::internal {
namespace {

constexpr size_t kMaxChainsPerParent = 8;
constexpr size_t kMaxPredecessorScan = 64;  // bounds the DP on very wide parents
constexpr size_t kMaxTokenSpans = 64;       // spans of a subtree scanned for values
// Longer chains are reported in pieces of this many members (the first ones
// in start order; the rest stay candidates for the next chain), so that a
// parent with a million sequential children makes bounded findings.
constexpr size_t kMaxChainMembers = 64;
// Re-timing copies the trace and recomputes its critical path: O(n log n)
// each. Per trace, re-timing stops once it has cost this many span copies
// (at least one re-timing always runs); later instances estimate the
// realistic saving from critical time instead (see docs/detectors.md).
constexpr size_t kRetimeSpanBudget = 2'000'000;

struct Candidate {
  SpanIndex span;
  int64_t start, end;
};

// The best chain of at least cfg.min_chain_length among `cands` (sorted by
// end): maximal Σ duration, then more members, then earliest. Returns member
// positions in start order; empty when there is no such chain.
std::vector<size_t> BestChain(const std::vector<Candidate>& cands, const SequentialConfig& cfg,
                              int64_t overlap_tolerance) {
  const size_t n = cands.size();
  std::vector<int64_t> total(n);
  std::vector<size_t> length(n), prev(n, SIZE_MAX);
  size_t best = SIZE_MAX;
  for (size_t j = 0; j < n; ++j) {
    const int64_t dur_j = cands[j].end - cands[j].start;
    total[j] = dur_j;
    length[j] = 1;
    const int64_t widest_gap =
        SatAdd(cfg.max_gap_us, SatFromDouble(cfg.max_gap_fraction * static_cast<double>(dur_j)));
    for (size_t k = 1; k <= std::min(j, kMaxPredecessorScan); ++k) {
      const size_t i = j - k;
      const Candidate& a = cands[i];
      if (a.end < SatSub(cands[j].start, widest_gap)) break;  // earlier ends are farther still
      if (a.end > SatAdd(cands[j].start, overlap_tolerance)) continue;  // overlaps j
      const int64_t dur_i = a.end - a.start;
      const int64_t gap = cands[j].start - a.end;
      const int64_t allowed =
          SatAdd(cfg.max_gap_us,
                 SatFromDouble(cfg.max_gap_fraction * static_cast<double>(std::min(dur_i, dur_j))));
      if (gap > allowed) continue;
      const int64_t with_i = SatAdd(total[i], dur_j);
      if (with_i > total[j] || (with_i == total[j] && length[i] + 1 > length[j])) {
        total[j] = with_i;
        length[j] = length[i] + 1;
        prev[j] = i;
      }
    }
    if (length[j] >= cfg.min_chain_length &&
        (best == SIZE_MAX || total[j] > total[best] ||
         (total[j] == total[best] && length[j] > length[best]))) {
      best = j;
    }
  }
  std::vector<size_t> chain;
  if (best == SIZE_MAX) return chain;
  for (size_t j = best; j != SIZE_MAX; j = prev[j]) chain.push_back(j);
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Value tokens in the attributes of `root` and its subtree (bounded: the first
// kMaxTokenSpans spans in depth-first order), sorted and unique; views into
// the trace's attribute values. `stack` is scratch.
void SubtreeTokens(const Trace& t, SpanIndex root, std::vector<SpanIndex>* stack,
                   std::vector<std::string_view>* out) {
  out->clear();
  stack->assign(1, root);
  size_t visited = 0;
  while (!stack->empty() && visited++ < kMaxTokenSpans) {
    const SpanIndex i = stack->back();
    stack->pop_back();
    for (const Attribute& a : t.AttrsOf(t.spans[i])) ExtractValueTokens(a.value, out);
    for (SpanIndex c : t.topology.ChildrenOf(i)) stack->push_back(c);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

bool Contains(const std::vector<std::string_view>& sorted, std::string_view v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

// Whether a value of `earlier`'s subtree (`produced`: its SubtreeTokens) that
// the parent did not already have (`inherited`, sorted) appears in `later`'s
// subtree (`consumed`: its SubtreeTokens). If so, describes the first such
// value in `later`'s subtree, in the order SubtreeTokens visits it, in `detail`.
bool ValueFlows(const Trace& t, const std::vector<std::string_view>& inherited,
                const std::vector<std::string_view>& produced,
                const std::vector<std::string_view>& consumed, SpanIndex earlier, SpanIndex later,
                std::vector<SpanIndex>* stack, std::string* detail) {
  auto flows = [&](std::string_view v) { return Contains(produced, v) && !Contains(inherited, v); };
  // Both sorted: one merge pass decides; the describing scan runs only on a hit.
  bool any = false;
  for (auto p = produced.begin(), c = consumed.begin();
       !any && p != produced.end() && c != consumed.end();) {
    if (*p < *c) {
      ++p;
    } else if (*c < *p) {
      ++c;
    } else {
      any = !Contains(inherited, *p);
      ++p;
      ++c;
    }
  }
  if (!any) return false;
  std::vector<std::string_view> found;
  stack->assign(1, later);
  size_t visited = 0;
  while (!stack->empty() && visited++ < kMaxTokenSpans) {
    const SpanIndex i = stack->back();
    stack->pop_back();
    for (const Attribute& a : t.AttrsOf(t.spans[i])) {
      found.clear();
      ExtractValueTokens(a.value, &found);
      for (std::string_view v : found) {
        if (flows(v)) {
          *detail = "value '" + std::string(v) + "' from " +
                    std::string(t.spans[earlier].operation) + " appears in " +
                    std::string(t.spans[i].operation) + " (" + std::string(a.key) + ")";
          return true;
        }
      }
    }
    for (SpanIndex c : t.topology.ChildrenOf(i)) stack->push_back(c);
  }
  return false;  // unreachable: `consumed` holds exactly the values scanned
}

}  // namespace

void FindSequential(const FinderContext& ctx, const std::vector<uint8_t>& in_loop,
                    std::vector<FindingInstance>* out) {
  const Trace& t = ctx.trace;
  const SequentialConfig& cfg = ctx.config.sequential;
  std::vector<Candidate> cands;
  std::vector<std::string_view> inherited;  // value tokens of the current parent, sorted
  // Value tokens of two consecutive chain members' subtrees, and scratch.
  std::vector<std::string_view> earlier_tokens, later_tokens;
  std::vector<SpanIndex> token_stack;
  size_t retime_spans = 0;  // spent of kRetimeSpanBudget
  for (SpanIndex p = 0; p < t.spans.size(); ++p) {
    const auto children = t.topology.ChildrenOf(p);
    if (children.size() < cfg.min_chain_length) continue;
    // Bounded like any time, so the comparisons below cannot overflow.
    const int64_t tolerance =
        std::min(kMaxTimeUs, SatFromDouble(cfg.overlap_tolerance_fraction *
                                           static_cast<double>(t.spans[p].duration_us)));
    cands.clear();
    bool parent_tokens_ready = false;
    for (SpanIndex c : children) {
      const Span& s = t.spans[c];
      if (in_loop[c] || s.duration_us < cfg.min_span_us || !BlocksParent(t, c)) continue;
      cands.push_back({c, s.start_us, s.end_us()});
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return a.end != b.end ? a.end < b.end : a.start < b.start;
    });
    for (size_t round = 0; round < kMaxChainsPerParent && cands.size() >= cfg.min_chain_length;
         ++round) {
      std::vector<size_t> pos = BestChain(cands, cfg, tolerance);
      if (pos.size() < cfg.min_chain_length) break;
      if (pos.size() > kMaxChainMembers) pos.resize(kMaxChainMembers);
      std::vector<SpanIndex> members;
      for (size_t k : pos) members.push_back(cands[k].span);

      FindingInstance f;
      f.kind = FindingKind::kSequential;
      f.parent = NameOf(t.spans[p]);
      int64_t longest = 0, critical_members = 0;
      std::string order;
      for (SpanIndex m : members) {
        const Span& s = t.spans[m];
        f.sequence.push_back(NameOf(s));
        order += f.sequence.back().service + "\x1f" + f.sequence.back().operation + "\x1e";
        f.total_us = SatAdd(f.total_us, s.duration_us);
        longest = std::max(longest, s.duration_us);
        f.critical_us = SatAdd(f.critical_us, ctx.critical[m]);
        if (ctx.critical[m] > 0) ++critical_members;
      }
      f.calls = static_cast<uint32_t>(members.size());
      f.union_us = t.spans[members.back()].end_us() - t.spans[members.front()].start_us;
      f.optimistic_us = f.total_us - longest;
      // Re-timing only matters when at least two members were on the path.
      if (critical_members >= 2) {
        if (retime_spans == 0 || retime_spans + t.spans.size() <= kRetimeSpanBudget) {
          retime_spans += t.spans.size();
          f.realistic_us = std::clamp<int64_t>(
              ctx.path.total_us - CriticalPathIfConcurrent(t, p, members, ctx.cp), 0,
              f.optimistic_us);
        } else {
          // Over budget: all the members' critical time but the longest one's
          // (as the N+1 finder estimates batching).
          int64_t longest_critical = 0;
          for (SpanIndex m : members)
            longest_critical = std::max(longest_critical, ctx.critical[m]);
          f.realistic_us =
              std::clamp<int64_t>(f.critical_us - longest_critical, 0, f.optimistic_us);
        }
      }
      f.fingerprint = SequentialFingerprint(f.parent, f.sequence);
      f.order_key = StableHash(order);

      // Evidence between consecutive members.
      if (!parent_tokens_ready) {
        inherited.clear();
        for (const Attribute& a : t.AttrsOf(t.spans[p])) ExtractValueTokens(a.value, &inherited);
        std::sort(inherited.begin(), inherited.end());
        parent_tokens_ready = true;
      }
      // Each member's subtree tokens are extracted once: as the later member
      // of one pair, then as the earlier of the next.
      SubtreeTokens(t, members[0], &token_stack, &earlier_tokens);
      for (size_t k = 0; k + 1 < members.size(); ++k) {
        const Span& a = t.spans[members[k]];
        const Span& b = t.spans[members[k + 1]];
        if (!f.value_flow) {
          SubtreeTokens(t, members[k + 1], &token_stack, &later_tokens);
          f.value_flow = ValueFlows(t, inherited, earlier_tokens, later_tokens, members[k],
                                    members[k + 1], &token_stack, &f.value_flow_detail);
          earlier_tokens.swap(later_tokens);
        }
        // Children are sorted by start: only those starting inside the gap
        // window can sit in it, so a binary search bounds the scan.
        const int64_t window_begin = a.end_us() - tolerance;
        const int64_t window_end = b.start_us + tolerance;
        auto c = std::lower_bound(
            children.begin(), children.end(), window_begin,
            [&](SpanIndex x, int64_t start) { return t.spans[x].start_us < start; });
        for (; c != children.end() && !f.intervening_work && t.spans[*c].start_us <= window_end;
             ++c) {
          if (*c == members[k] || *c == members[k + 1]) continue;
          if (t.spans[*c].end_us() <= window_end && BlocksParent(t, *c)) f.intervening_work = true;
        }
      }
      out->push_back(std::move(f));

      // Remove the members and look for another chain.
      std::vector<Candidate> rest;
      for (size_t k = 0, next = 0; k < cands.size(); ++k) {
        if (next < pos.size() && pos[next] == k) {
          ++next;
        } else {
          rest.push_back(cands[k]);
        }
      }
      cands.swap(rest);
    }
  }
}

}  // namespace trace_analyze::analyzer::internal

namespace trace_analyze::analyzer {

std::string SequentialFingerprint(const OpName& parent, std::vector<OpName> members) {
  std::sort(members.begin(), members.end());
  std::string key = "sequential\x1f" + parent.service + "\x1f" + parent.operation;
  for (const OpName& o : members) key += "\x1e" + o.service + "\x1f" + o.operation;
  return StableHash(key);
}

}  // namespace trace_analyze::analyzer
