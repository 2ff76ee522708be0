// Sequential siblings that could run in parallel, per trace: for each parent
// span, its elements (blocking children, loops collapsed), how pairs of them
// relate in time, and the chains of elements that ran back to back with the
// evidence against their independence. Runs are mined across traces from
// these (run_miner.cc).
#include "analyzer/sequential_detector.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/name_memo.h"
#include "analyzer/parameterize.h"
#include "analyzer/retime.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer {
namespace {

using namespace internal;  // NOLINT: the detectors' shared helpers (detector.h)

constexpr size_t kMaxChainsPerParent = 8;
constexpr size_t kMaxPredecessorScan = 64;  // bounds the DP on very wide parents
constexpr size_t kMaxTokenSpans = 64;       // spans of a subtree scanned for values
// Longer chains are reported in pieces of this many members (the first ones
// in start order; the rest stay candidates for the next chain), so that a
// parent with a million sequential children makes bounded findings.
constexpr size_t kMaxChainMembers = 64;

struct Candidate {
  size_t element;  // index into the parent's elements
  int64_t start, end;
};

// The best chain of at least cfg.min_chain_length among `cands` (sorted by
// end): maximal Σ duration, then more members, then earliest, as member
// positions in start order into `chain`; empty when there is no such chain.
struct ChainScratch {
  std::vector<int64_t> total;
  std::vector<size_t> length, prev;
};

void BestChain(const std::vector<Candidate>& cands, const SequentialConfig& cfg,
               int64_t overlap_tolerance, ChainScratch& scratch, std::vector<size_t>* chain) {
  const size_t n = cands.size();
  std::vector<int64_t>& total = scratch.total;
  std::vector<size_t>&length = scratch.length, &prev = scratch.prev;
  total.assign(n, 0);
  length.assign(n, 0);
  prev.assign(n, SIZE_MAX);
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
  chain->clear();
  if (best == SIZE_MAX) return;
  for (size_t j = best; j != SIZE_MAX; j = prev[j]) chain->push_back(j);
  std::reverse(chain->begin(), chain->end());
}

// Attributes that hold an outcome or an enumeration, never data one call
// hands to the next: not searched for value tokens (two calls that both
// answered HTTP 200 share no data). docs/detectors.md §1 lists them.
constexpr std::string_view kNotData[] = {
    "span.kind",
    "component",
    "error",
    "http.method",
    "http.request.method",
    "http.status_code",
    "http.response.status_code",
    "rpc.grpc.status_code",
    "otel.status_code",
    "http.flavor",
    "network.protocol.version",
    "net.transport",
    "network.transport",
    "rpc.system",
    "db.system",
    "messaging.system",
    "otel.library.name",
    "otel.library.version",
    "otel.scope.name",
    "otel.scope.version",
    "sampler.type",
    "sampler.param",
};

bool IsData(std::string_view key) {
  return std::find(std::begin(kNotData), std::end(kNotData), key) == std::end(kNotData);
}

// A value token as compared: a 64-bit hash of its text. Two different values
// of one trace collide with probability ~n²/2^64 (a false "value flows").
uint64_t TokenHash(std::string_view v) { return std::hash<std::string_view>{}(v); }

// The value tokens of each span's attributes (ExtractValueTokens), hashed,
// sorted and unique; extracted once per trace and span, since a span sits in
// the subtrees of several chain links (one per ancestor level).
class SpanTokens {
 public:
  // Starts on trace `t`, keeping the buffers' capacity.
  void Reset(const Trace& t) {
    t_ = &t;
    begin_.assign(t.spans.size(), kUnset);
    count_.resize(t.spans.size());
    hashes_.clear();
  }

  std::span<const uint64_t> Of(SpanIndex i) {
    if (begin_[i] == kUnset) {
      begin_[i] = static_cast<uint32_t>(hashes_.size());
      found_.clear();
      for (const Attribute& a : t_->AttrsOf(t_->spans[i])) {
        if (IsData(a.key)) ExtractValueTokens(a.value, &found_);
      }
      for (std::string_view v : found_) hashes_.push_back(TokenHash(v));
      const auto first = hashes_.begin() + begin_[i];
      std::sort(first, hashes_.end());
      hashes_.erase(std::unique(first, hashes_.end()), hashes_.end());
      count_[i] = static_cast<uint32_t>(hashes_.size() - begin_[i]);
    }
    return {hashes_.data() + begin_[i], count_[i]};
  }

 private:
  static constexpr uint32_t kUnset = UINT32_MAX;
  const Trace* t_ = nullptr;
  std::vector<uint32_t> begin_, count_;  // per span, into hashes_
  std::vector<uint64_t> hashes_;
  std::vector<std::string_view> found_;  // scratch
};

// Value tokens of `root` and its subtree (bounded: the first kMaxTokenSpans
// spans in depth-first order), sorted and unique. `stack` is scratch.
void SubtreeTokens(const Trace& t, SpanTokens& tokens, SpanIndex root,
                   std::vector<SpanIndex>* stack, std::vector<uint64_t>* out) {
  out->clear();
  stack->assign(1, root);
  size_t visited = 0;
  while (!stack->empty() && visited++ < kMaxTokenSpans) {
    const SpanIndex i = stack->back();
    stack->pop_back();
    const std::span<const uint64_t> own = tokens.Of(i);
    out->insert(out->end(), own.begin(), own.end());
    for (SpanIndex c : t.topology.ChildrenOf(i)) stack->push_back(c);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

bool Contains(const std::vector<uint64_t>& sorted, uint64_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

// Whether a value of `earlier`'s subtree (`produced`: its SubtreeTokens) that
// the parent did not already have (`inherited`, sorted) appears in `later`'s
// subtree (`consumed`: its SubtreeTokens). If so, describes the first such
// value in `later`'s subtree, in the order SubtreeTokens visits it, in `detail`.
bool ValueFlows(const Trace& t, const std::vector<uint64_t>& inherited,
                const std::vector<uint64_t>& produced, const std::vector<uint64_t>& consumed,
                SpanIndex earlier, SpanIndex later, std::vector<SpanIndex>* stack,
                std::string* detail) {
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
  const auto flows = [&](std::string_view v) {
    const uint64_t h = TokenHash(v);
    return Contains(produced, h) && !Contains(inherited, h);
  };
  std::vector<std::string_view> found;
  stack->assign(1, later);
  size_t visited = 0;
  while (!stack->empty() && visited++ < kMaxTokenSpans) {
    const SpanIndex i = stack->back();
    stack->pop_back();
    for (const Attribute& a : t.AttrsOf(t.spans[i])) {
      if (!IsData(a.key)) continue;
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

constexpr uint32_t kNoName = UINT32_MAX;
// Re-timing copies the trace and recomputes its critical path: O(n log n)
// each. Per trace, re-timing stops once it has cost this many span copies (at
// least one re-timing always runs); later chains are estimated from critical
// time alone (docs/detectors.md §1).
constexpr size_t kRetimeSpanBudget = 2'000'000;

// Element pairs further apart than this (in start order of the names' first
// elements) are not compared: bounds the work on very wide parents; runs are
// judged by their neighbouring members.
constexpr size_t kPairWindow = 4;

struct Element {
  uint32_t name;
  uint32_t calls;
  SpanIndex first_span, last_span;
  int64_t start, end, critical;
};

// Interns a trace's span names (service, parameterised operation).
// Spans of one operation repeat within a trace: the raw (service, operation)
// views are looked up first, so each distinct raw name is parameterised once.
class NameTable {
 public:
  // Starts on a trace whose names go to `out`, keeping the tables' capacity.
  void Reset(SequentialVisits* out) {
    out_ = out;
    raw_ids_.clear();
    ids_.clear();
    memo_.Clear();
  }
  uint32_t Of(const Span& s) {
    return memo_.Get(s.service, s.operation, [&] { return Lookup(s); });
  }

 private:
  uint32_t Lookup(const Span& s) {
    auto [raw, added_raw] = raw_ids_.try_emplace(std::pair(s.service, s.operation), 0);
    if (!added_raw) return raw->second;
    ParameterizeInto(s.operation, &op_);
    key_.assign(s.service);
    key_ += '\x1f';
    key_ += op_;
    // Keyed by the key's hash, checked against the stored key; a collision
    // probes the next hash value.
    for (uint64_t h = std::hash<std::string_view>{}(key_);; ++h) {
      auto [it, added] = ids_.try_emplace(h, static_cast<uint32_t>(out_->names.size()));
      if (added) {
        const auto begin = static_cast<uint32_t>(out_->name_text.size());
        out_->name_text += key_;
        out_->names.push_back({begin, begin + static_cast<uint32_t>(s.service.size()),
                               static_cast<uint32_t>(out_->name_text.size())});
      } else if (out_->KeyOf(out_->names[it->second]) != key_) {
        continue;
      }
      raw->second = it->second;
      return it->second;
    }
  }

  SequentialVisits* out_ = nullptr;
  std::string op_, key_;
  NameMemo<uint32_t> memo_;  // in front of raw_ids_, by the strings' addresses
  // (service, operation) as views into the trace → name index.
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, uint32_t> raw_ids_;
  absl::flat_hash_map<uint64_t, uint32_t> ids_;  // hash of a key → name index
};

// Appends `e` to `elements`, merged into the last one when it has the same name
// (consecutive calls of one operation are one loop element).
void Push(std::vector<Element>& elements, const Element& e) {
  if (!elements.empty() && elements.back().name == e.name) {
    Element& last = elements.back();
    last.calls += e.calls;
    last.end = std::max(last.end, e.end);
    last.last_span = e.last_span;
    last.critical = SatAdd(last.critical, e.critical);
    return;
  }
  elements.push_back(e);
}

// The calls of element `e` among `children` (sorted by start, `child_names`
// their names): the children of its operation within its extent, into `calls`.
void ElementCalls(const Trace& t, std::span<const SpanIndex> children,
                  const std::vector<uint32_t>& child_names, const Element& e,
                  std::vector<SpanIndex>* calls) {
  calls->clear();
  auto it =
      std::lower_bound(children.begin(), children.end(), e.start,
                       [&](SpanIndex x, int64_t start) { return t.spans[x].start_us < start; });
  for (; it != children.end() && t.spans[*it].start_us <= e.end; ++it) {
    const size_t index = static_cast<size_t>(it - children.begin());
    if (child_names[index] == e.name && t.spans[*it].end_us() <= e.end) calls->push_back(*it);
  }
}

// ObserveVisits' buffers, kept per thread: once grown, a trace costs no
// allocation beyond its observation.
struct VisitScratch {
  NameTable names;
  SpanTokens tokens;
  ChainScratch chain;
  std::vector<Element> raw, elements;
  std::vector<Candidate> cands, rest;
  std::vector<size_t> pos;          // the current chain's candidates
  std::vector<uint8_t> first_of;    // per name: 1 once this visit has an element of it
  std::vector<size_t> firsts;       // elements that are their name's first
  std::vector<uint64_t> inherited;  // value tokens of the current parent, sorted
  std::vector<uint64_t> earlier_tokens, later_tokens;
  std::vector<SpanIndex> token_stack;
  std::vector<uint32_t> child_names;  // per child of the current parent; kNoName: not blocking
  std::vector<std::vector<SpanIndex>> blocks;  // per chain element, its calls
};

// ObserveVisits into `out` (emptied first, its capacity kept).
void ObserveVisitsInto(const DetectorContext& ctx, SequentialVisits* out) {
  out->Clear();
  const Trace& t = ctx.trace;
  const SequentialConfig& cfg = ctx.config.sequential;
  thread_local VisitScratch scratch;
  NameTable& names = scratch.names;
  names.Reset(out);
  SpanTokens& tokens = scratch.tokens;
  tokens.Reset(t);
  std::vector<Element>&raw = scratch.raw, &elements = scratch.elements;
  std::vector<Candidate>&cands = scratch.cands, &rest = scratch.rest;
  std::vector<size_t>& pos = scratch.pos;
  std::vector<uint8_t>& first_of = scratch.first_of;
  std::vector<size_t>& firsts = scratch.firsts;
  std::vector<uint64_t>&inherited = scratch.inherited, &earlier_tokens = scratch.earlier_tokens,
  &later_tokens = scratch.later_tokens;
  std::vector<SpanIndex>& token_stack = scratch.token_stack;
  std::vector<uint32_t>& child_names = scratch.child_names;
  std::vector<std::vector<SpanIndex>>& blocks = scratch.blocks;
  size_t retime_spans = 0;  // spent of kRetimeSpanBudget
  for (SpanIndex p = 0; p < t.spans.size(); ++p) {
    const auto children = t.topology.ChildrenOf(p);
    if (children.size() < 2) continue;
    // Elements: blocking children in start order, consecutive calls of one
    // operation merged; then elements shorter than min_span_us dropped (noise
    // between two iterations of a loop does not split it) and merged again.
    raw.clear();
    child_names.assign(children.size(), kNoName);
    for (size_t k = 0; k < children.size(); ++k) {
      const SpanIndex c = children[k];
      if (!BlocksParent(t, c)) continue;
      const Span& s = t.spans[c];
      child_names[k] = names.Of(s);
      Push(raw, {child_names[k], 1, c, c, s.start_us, s.end_us(), ctx.critical[c]});
    }
    elements.clear();
    for (const Element& e : raw) {
      if (e.end - e.start >= cfg.min_span_us) Push(elements, e);
    }
    if (elements.size() < 2) continue;

    Visit v;
    v.parent = names.Of(t.spans[p]);
    const int64_t tolerance =
        std::min(kMaxTimeUs, SatFromDouble(cfg.overlap_tolerance_fraction *
                                           static_cast<double>(t.spans[p].duration_us)));
    // The class (distinct names) and the pairs of first occurrences. Only the
    // entries this visit set are cleared again: O(elements), not O(names).
    first_of.resize(out->names.size(), 0);
    firsts.clear();
    for (size_t i = 0; i < elements.size(); ++i) {
      uint8_t& seen = first_of[elements[i].name];
      if (seen == 0) {
        seen = 1;
        firsts.push_back(i);
      }
    }
    for (size_t i : firsts) first_of[elements[i].name] = 0;
    if (firsts.size() < 2) continue;  // one operation, however often: the n+1 detector's
    v.names_begin = static_cast<uint32_t>(out->visit_names.size());
    for (size_t i : firsts) out->visit_names.push_back(elements[i].name);
    v.names_end = static_cast<uint32_t>(out->visit_names.size());
    std::sort(out->visit_names.begin() + v.names_begin, out->visit_names.end());
    v.pairs_begin = static_cast<uint32_t>(out->pairs.size());
    for (size_t i = 0; i < firsts.size(); ++i) {
      for (size_t j = i + 1; j < firsts.size() && j <= i + kPairWindow; ++j) {
        const Element& a = elements[firsts[i]];
        const Element& b = elements[firsts[j]];
        // a started first (start order).
        out->pairs.push_back(
            {a.name, b.name, std::min(a.end, b.end) - std::max(a.start, b.start) > tolerance});
      }
    }
    v.pairs_end = static_cast<uint32_t>(out->pairs.size());
    v.chains_begin = static_cast<uint32_t>(out->chains.size());

    // Chains of back-to-back elements, best first.
    cands.clear();
    for (size_t i = 0; i < elements.size(); ++i) {
      cands.push_back({i, elements[i].start, elements[i].end});
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return a.end != b.end ? a.end < b.end : a.start < b.start;
    });
    bool parent_tokens_ready = false;
    for (size_t round = 0; round < kMaxChainsPerParent && cands.size() >= cfg.min_chain_length;
         ++round) {
      BestChain(cands, cfg, tolerance, scratch.chain, &pos);
      if (pos.size() < cfg.min_chain_length) break;
      if (pos.size() > kMaxChainMembers) pos.resize(kMaxChainMembers);
      VisitChain visit_chain;
      visit_chain.begin = static_cast<uint32_t>(out->elements.size());
      // Each element's calls (ElementCalls), for re-timing and the example;
      // filled once per chain, when one of them needs it.
      bool blocks_ready = false;
      const auto fill_blocks = [&] {
        if (blocks_ready) return;
        blocks.resize(pos.size());
        for (size_t b = 0; b < pos.size(); ++b) {
          ElementCalls(t, children, child_names, elements[cands[pos[b]].element], &blocks[b]);
        }
        blocks_ready = true;
      };
      size_t critical_elements = 0;
      for (size_t k : pos) {
        const Element& e = elements[cands[k].element];
        out->elements.push_back({e.name, e.calls, e.end - e.start, e.critical});
        critical_elements += e.critical > 0;
      }
      visit_chain.end = static_cast<uint32_t>(out->elements.size());
      ChainElement* chain = out->elements.data() + visit_chain.begin;
      // Re-timing only matters when at least two elements were on the path.
      if (critical_elements < 2) {
        visit_chain.retimed_saving_us = 0;
      } else if (retime_spans == 0 || retime_spans + t.spans.size() <= kRetimeSpanBudget) {
        retime_spans += t.spans.size();
        fill_blocks();
        visit_chain.retimed_saving_us = CriticalPathSavingIfConcurrent(
            t, ctx.path, p, std::span(blocks.data(), pos.size()), ctx.cp);
      }
      if (!parent_tokens_ready) {
        const std::span<const uint64_t> own = tokens.Of(p);
        inherited.assign(own.begin(), own.end());
        parent_tokens_ready = true;
      }
      // Evidence between consecutive elements: values of the earlier one's
      // last call reappearing in the later one's first call, and other work
      // of the parent in the gap.
      SpanIndex tokens_of = kNoSpan;  // the span whose tokens later_tokens holds
      for (size_t k = 0; k + 1 < pos.size(); ++k) {
        const Element& a = elements[cands[pos[k]].element];
        const Element& b = elements[cands[pos[k + 1]].element];
        ChainElement& later = chain[k + 1];
        // A one-call element is the later span of one link and the earlier of
        // the next: its tokens are extracted once.
        if (a.last_span == tokens_of) {
          earlier_tokens.swap(later_tokens);
        } else {
          SubtreeTokens(t, tokens, a.last_span, &token_stack, &earlier_tokens);
        }
        SubtreeTokens(t, tokens, b.first_span, &token_stack, &later_tokens);
        tokens_of = b.first_span;
        std::string detail;
        if (ValueFlows(t, inherited, earlier_tokens, later_tokens, a.last_span, b.first_span,
                       &token_stack, &detail)) {
          later.value_flow = static_cast<uint32_t>(out->details.size());
          out->details.push_back(std::move(detail));
        }
        // Children are sorted by start: only those starting inside the gap
        // window can sit in it, so a binary search bounds the scan.
        const int64_t window_begin = a.end - tolerance;
        const int64_t window_end = b.start + tolerance;
        auto c = std::lower_bound(
            children.begin(), children.end(), window_begin,
            [&](SpanIndex x, int64_t start) { return t.spans[x].start_us < start; });
        for (; c != children.end() && !later.intervening && t.spans[*c].start_us <= window_end;
             ++c) {
          const Span& s = t.spans[*c];
          // A call of either element (a loop's iteration) is not other work.
          if (s.end_us() <= window_end && BlocksParent(t, *c) &&
              !(s.start_us >= a.start && s.end_us() <= a.end) &&
              !(s.start_us >= b.start && s.end_us() <= b.end)) {
            later.intervening = true;
          }
        }
      }
      if (ctx.config.keep_examples) {
        fill_blocks();
        std::vector<SpanIndex> calls;
        int64_t total = 0, longest = 0;
        for (size_t b = 0; b < pos.size(); ++b) {
          const Element& e = elements[cands[pos[b]].element];
          total = SatAdd(total, e.end - e.start);
          longest = std::max(longest, e.end - e.start);
          calls.insert(calls.end(), blocks[b].begin(), blocks[b].end());
        }
        out->examples.push_back(
            {static_cast<uint32_t>(out->chains.size()), total - longest,
             ExamplePicture(t, ctx.critical, p, std::move(calls), RetimeModel::kConcurrent)});
      }
      out->chains.push_back(visit_chain);
      // Remove the members and look for another chain.
      rest.clear();
      for (size_t k = 0, next = 0; k < cands.size(); ++k) {
        if (next < pos.size() && pos[next] == k) {
          ++next;
        } else {
          rest.push_back(cands[k]);
        }
      }
      cands.swap(rest);
    }
    v.chains_end = static_cast<uint32_t>(out->chains.size());
    out->visits.push_back(v);
  }
}

}  // namespace

void ObserveVisits(const DetectorContext& ctx, SequentialVisits* out) {
  // Observed into buffers kept per thread, then copied at their final sizes:
  // one allocation per vector instead of one per doubling.
  thread_local SequentialVisits building;
  ObserveVisitsInto(ctx, &building);
  *out = building;
}

namespace {

class SequentialDetector : public Detector {
 public:
  FindingKind kind() const override { return FindingKind::kSequential; }
  bool Enabled(const DetectorConfig& config) const override { return config.sequential.enabled; }
  std::unique_ptr<Observation> Observe(const DetectorContext& ctx) const override {
    auto seen = std::make_unique<SequentialObservation>();
    ObserveVisits(ctx, &seen->visits);
    if (seen->visits.visits.empty()) return nullptr;
    return seen;
  }
  std::unique_ptr<DetectorState> NewState(const StateOptions& options) const override {
    return std::make_unique<RunState>(options);
  }
};

}  // namespace

const Detector& SequentialDetectorInstance() {
  static const SequentialDetector kDetector;
  return kDetector;
}

std::string RunFingerprint(const std::string& parent_service, std::vector<OpName> members) {
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::string key = "run\x1f" + parent_service;
  for (const OpName& o : members) key += "\x1e" + o.service + "\x1f" + o.operation;
  return StableHash(key);
}

}  // namespace trace_analyze::analyzer
