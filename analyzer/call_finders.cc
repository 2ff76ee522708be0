// N+1 loops and repeated identical calls: spans grouped by what they call.
#include <algorithm>
#include <array>
#include <functional>
#include <string>

#include "analyzer/finders_internal.h"
#include "analyzer/parameterize.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer::internal {
namespace {

// A loop of calls without parameters may have other calls in its body: at
// most this many between two of its calls.
constexpr size_t kMaxLoopStride = 4;

// Attributes that hold the call's parameters, in order of preference.
constexpr std::string_view kCallAttributes[] = {
    "db.statement", "db.query.text", "http.url", "url.full", "http.target", "url.path",
};
// Attributes that, with the call text, make two calls identical.
constexpr std::string_view kKeyAttributes[] = {
    "http.method", "http.request.method", "rpc.service",           "rpc.method",
    "db.name",     "db.namespace",        "messaging.destination", "messaging.destination.name",
};

bool IsReadOnly(std::string_view method_or_statement) {
  std::string head;
  for (char c : method_or_statement.substr(0, 8)) {
    if (c == ' ') break;
    head.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return head == "GET" || head == "HEAD" || head == "SELECT";
}

// The values of `keys`, in that order (empty when absent), in one pass over
// the span's attributes; the first occurrence of a key counts, as in
// Trace::FindAttr.
template <size_t N>
std::array<std::string_view, N> FirstValues(const Trace& trace, const Span& span,
                                            const std::string_view (&keys)[N]) {
  static_assert(N <= 32, "one bit per key in `seen`");
  std::array<std::string_view, N> values{};
  uint32_t seen = 0;
  for (const Attribute& a : trace.AttrsOf(span)) {
    for (size_t k = 0; k < N; ++k) {
      if (a.key != keys[k]) continue;
      if ((seen & (1u << k)) == 0) {
        seen |= 1u << k;
        values[k] = a.value;
      }
      break;
    }
  }
  return values;
}

}  // namespace

Call CallOf(const Trace& trace, const Span& span) {
  for (std::string_view v : FirstValues(trace, span, kCallAttributes)) {
    if (!v.empty()) return {v, true};
  }
  return {span.operation, false};
}

OpName NameOf(const Span& span) {
  return {std::string(span.service), Parameterize(span.operation)};
}

int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>>& intervals) {
  std::sort(intervals.begin(), intervals.end());
  int64_t total = 0, cur_start = 0, cur_end = INT64_MIN;
  for (const auto& [s, e] : intervals) {
    if (s > cur_end) {
      if (cur_end != INT64_MIN) total = SatAdd(total, cur_end - cur_start);
      cur_start = s;
      cur_end = e;
    } else {
      cur_end = std::max(cur_end, e);
    }
  }
  if (cur_end != INT64_MIN) total = SatAdd(total, cur_end - cur_start);
  return total;
}

bool BlocksParent(const Trace& trace, SpanIndex child) {
  const SpanIndex parent = trace.topology.tree_parent[child];
  if (parent == kNoSpan) return true;
  if (trace.topology.tree_parent_ref[child] == RefType::kFollowsFrom) return false;
  return !(trace.spans[parent].kind == SpanKind::kProducer &&
           trace.spans[child].kind == SpanKind::kConsumer);
}

namespace {

// (hash of the grouping key, span) pairs, sorted so equal keys are adjacent.
// Keys are 64-bit hashes: a collision between two different calls in one
// trace (probability ~n²/2^64) would merge their groups.
using KeyedSpans = std::vector<std::pair<uint64_t, SpanIndex>>;

void SortKeyed(KeyedSpans& keyed) { std::sort(keyed.begin(), keyed.end()); }

// Extends a grouping key `h` with one part. Grouping keys only need to be
// equal for equal parts within one run (they are never stored or shown, and
// groups are visited in key order only to be emitted in a fixed order), so
// they use the library's word-at-a-time string hash rather than the
// byte-at-a-time StableHash64, which costs more on every span.
uint64_t AddToKey(uint64_t h, std::string_view part) {
  const uint64_t v = std::hash<std::string_view>{}(part);
  return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 12) + (h >> 4));
}

// Calls `fn(begin, end)` for each run of equal keys of at least `min` spans.
template <class Fn>
void ForEachGroup(const KeyedSpans& keyed, size_t min, Fn&& fn) {
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    if (j - i >= min) fn(i, j);
    i = j;
  }
}

}  // namespace

void FindNPlusOne(const FinderContext& ctx, std::vector<FindingInstance>* out) {
  const Trace& t = ctx.trace;
  const NPlusOneConfig& cfg = ctx.config.n_plus_one;
  std::string templ;  // reused: no allocation per span
  KeyedSpans keyed;
  std::vector<SpanIndex> members;
  std::vector<std::string_view> params;
  std::vector<std::pair<int64_t, int64_t>> intervals;
  for (SpanIndex p = 0; p < t.spans.size(); ++p) {
    const auto children = t.topology.ChildrenOf(p);
    if (children.size() < cfg.min_calls) continue;
    // Group by (service, call template).
    keyed.clear();
    for (SpanIndex c : children) {
      ParameterizeInto(ctx.calls[c].text, &templ);
      keyed.emplace_back(AddToKey(AddToKey(0, t.spans[c].service), templ), c);
    }
    SortKeyed(keyed);
    ForEachGroup(keyed, cfg.min_calls, [&](size_t begin, size_t end) {
      members.clear();
      params.clear();
      bool any_parameters = false;  // a call recorded a statement or URL
      for (size_t k = begin; k < end; ++k) {
        members.push_back(keyed[k].second);
        params.push_back(ctx.calls[keyed[k].second].text);
        any_parameters |= ctx.calls[keyed[k].second].from_attribute;
      }
      std::sort(members.begin(), members.end());  // input order: a deterministic first member
      std::sort(params.begin(), params.end());
      const size_t distinct =
          static_cast<size_t>(std::unique(params.begin(), params.end()) - params.begin());
      bool no_parameters = false;
      if (distinct < cfg.min_distinct_params) {
        // Identical calls with a statement or URL are repeated calls (a cache
        // fits); calls that record none (most RPC spans) cannot show their
        // parameters, so a loop is recognised by its shape instead: at least
        // min_calls calls that are not noise (min_span_us), each within
        // kMaxLoopStride other such children of the previous one (a loop
        // body of up to that many calls: (A → B) ×N).
        if (any_parameters) return;
        const int64_t noise = ctx.config.sequential.min_span_us;
        size_t run = 0, longest_run = 0, since = SIZE_MAX;
        for (SpanIndex c : children) {
          if (t.spans[c].duration_us < noise || !BlocksParent(t, c)) continue;
          if (std::binary_search(members.begin(), members.end(), c)) {
            run = since < kMaxLoopStride ? run + 1 : 1;
            longest_run = std::max(longest_run, run);
            since = 0;
          } else if (since != SIZE_MAX) {
            ++since;
          }
        }
        if (longest_run < cfg.min_calls) return;
        no_parameters = true;
      }
      FindingInstance f;
      f.kind = FindingKind::kNPlusOne;
      f.parent = NameOf(t.spans[p]);
      f.sequence = {NameOf(t.spans[members.front()])};
      intervals.clear();
      int64_t longest = 0;
      for (SpanIndex c : members) {
        const Span& s = t.spans[c];
        f.total_us = SatAdd(f.total_us, s.duration_us);
        f.critical_us = SatAdd(f.critical_us, ctx.critical[c]);
        longest = std::max(longest, s.duration_us);
        intervals.emplace_back(s.start_us, s.end_us());
      }
      if (f.total_us < cfg.min_total_us) return;
      f.calls = static_cast<uint32_t>(members.size());
      f.union_us = UnionLength(intervals);
      // Batching turns the loop into about one call as long as the longest.
      f.optimistic_us = std::max<int64_t>(0, f.union_us - longest);
      f.realistic_us = std::clamp<int64_t>(f.critical_us - longest, 0, f.optimistic_us);
      f.no_parameters = no_parameters;
      const std::string call = Parameterize(ctx.calls[members.front()].text);
      if (!no_parameters) f.example_key = call;  // else it is the operation name
      f.fingerprint = StableHash("n_plus_one\x1f" + f.parent.service + "\x1f" + f.parent.operation +
                                 "\x1f" + f.sequence[0].service + "\x1f" + call);
      out->push_back(std::move(f));
    });
  }
}

void FindRepeatedCalls(const FinderContext& ctx, std::vector<FindingInstance>* out) {
  const Trace& t = ctx.trace;
  const RepeatedCallConfig& cfg = ctx.config.repeated;
  // The identity of a call (service, operation, call text, key attributes) as
  // a hash; 0 when the call text has no parameters (then "identical" cannot
  // be told).
  std::vector<uint64_t> identity(t.spans.size(), 0);
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    const Span& s = t.spans[i];
    if (!ctx.calls[i].from_attribute) continue;
    uint64_t h = AddToKey(AddToKey(AddToKey(0, s.service), s.operation), ctx.calls[i].text);
    for (std::string_view v : FirstValues(t, s, kKeyAttributes)) h = AddToKey(h, v);
    identity[i] = h == 0 ? 1 : h;
  }
  KeyedSpans keyed;
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (identity[i] == 0) continue;
    // A span whose parent is the same call is one call seen by two layers of
    // instrumentation (e.g. a proxy and its handler), not a repeat.
    const SpanIndex parent = t.topology.tree_parent[i];
    if (parent != kNoSpan && identity[parent] == identity[i]) continue;
    keyed.emplace_back(identity[i], i);
  }
  SortKeyed(keyed);
  std::vector<SpanIndex> members;
  std::vector<std::pair<int64_t, int64_t>> intervals;
  ForEachGroup(keyed, cfg.min_calls, [&](size_t begin, size_t end) {
    members.clear();
    for (size_t k = begin; k < end; ++k) members.push_back(keyed[k].second);
    std::sort(members.begin(), members.end(), [&](SpanIndex a, SpanIndex b) {
      return t.spans[a].start_us != t.spans[b].start_us ? t.spans[a].start_us < t.spans[b].start_us
                                                        : a < b;
    });
    const Span& first = t.spans[members.front()];
    FindingInstance f;
    f.kind = FindingKind::kRepeatedCall;
    const SpanIndex parent = t.topology.tree_parent[members.front()];
    f.parent = parent == kNoSpan ? OpName{} : NameOf(t.spans[parent]);
    f.sequence = {NameOf(first)};
    const std::string_view text = ctx.calls[members.front()].text;
    intervals.clear();
    int64_t max_critical = 0;
    for (SpanIndex c : members) {
      f.total_us = SatAdd(f.total_us, t.spans[c].duration_us);
      f.critical_us = SatAdd(f.critical_us, ctx.critical[c]);
      max_critical = std::max(max_critical, ctx.critical[c]);
      intervals.emplace_back(t.spans[c].start_us, t.spans[c].end_us());
    }
    f.calls = static_cast<uint32_t>(members.size());
    f.union_us = UnionLength(intervals);
    // A cache would serve every call after the first.
    f.optimistic_us = f.total_us - first.duration_us;
    f.realistic_us = std::clamp<int64_t>(f.critical_us - max_critical, 0, f.optimistic_us);
    if (f.optimistic_us < cfg.min_wasted_us) return;
    f.example_key = std::string(text);
    std::string_view method = t.FindAttr(first, "http.method");
    if (method.empty()) method = t.FindAttr(first, "http.request.method");
    f.read_only = IsReadOnly(method.empty() ? text : method);
    f.fingerprint = StableHash("repeated_call\x1f" + f.sequence[0].service + "\x1f" +
                               f.sequence[0].operation + "\x1f" + Parameterize(text));
    out->push_back(std::move(f));
  });
}

}  // namespace trace_analyze::analyzer::internal
