// Helpers shared by the detectors (declared in detector.h).
#include <algorithm>
#include <array>

#include "analyzer/detector.h"
#include "analyzer/parameterize.h"
#include "analyzer/saturating.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer::internal {
namespace {

constexpr double kPpm = 1e6;

// Attributes that hold the call's parameters, in order of preference.
constexpr std::string_view kCallAttributes[] = {
    "db.statement", "db.query.text", "http.url", "url.full", "http.target", "url.path",
};
// Attributes that, with the call text, make two calls identical.
constexpr std::string_view kKeyAttributes[std::tuple_size_v<KeyAttributes>] = {
    "http.method", "http.request.method", "rpc.service",           "rpc.method",
    "db.name",     "db.namespace",        "messaging.destination", "messaging.destination.name",
};

// The values of `keys`, in that order (empty when absent), in one pass over
// the span's attributes; the first occurrence of a key counts, as in
// Trace::FindAttr.
template <size_t N>
std::array<std::string_view, N> FirstValues(const Trace& trace, const Span& span,
                                            const std::string_view (&keys)[N]) {
  static_assert(N <= 32, "one bit per key in `seen`");
  // Bit L set: some key is L bytes long (L < 64). Most attributes are
  // rejected by their length alone.
  uint64_t lengths = 0;
  for (std::string_view k : keys) lengths |= k.size() < 64 ? uint64_t{1} << k.size() : 0;
  std::array<std::string_view, N> values{};
  uint32_t seen = 0;
  for (const Attribute& a : trace.AttrsOf(span)) {
    if (a.key.size() < 64 && (lengths >> a.key.size() & 1) == 0) continue;
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

// Whether the hint names this operation ("service:operation" or "operation").
bool HintMatches(const std::string& name, const OpName& op) {
  return name == op.operation || name == op.service + ":" + op.operation;
}

}  // namespace

Call CallOf(const Trace& trace, const Span& span) {
  for (std::string_view v : FirstValues(trace, span, kCallAttributes)) {
    if (!v.empty()) return {v, true};
  }
  return {span.operation, false};
}

KeyAttributes KeyAttributeValues(const Trace& trace, const Span& span) {
  return FirstValues(trace, span, kKeyAttributes);
}

OpName NameOf(const Span& span) {
  return {std::string(span.service), Parameterize(span.operation)};
}

FindingExample ExamplePicture(const Trace& t, std::span<const int64_t> critical, SpanIndex parent,
                              std::vector<SpanIndex> members, RetimeModel model) {
  constexpr size_t kMaxPictureSpans = 80, kContext = 3;
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  // The parent's children and the members, by start (ties by index), each
  // flagged a member or not. When every member is a child (the usual case),
  // that is the children as Topology orders them, and only the members are
  // located in it (a parent may have a million children, and a trace
  // thousands of patterns under it).
  const std::span<const SpanIndex> children = t.topology.ChildrenOf(parent);
  const auto by_start = [&](SpanIndex a, SpanIndex b) {
    return t.spans[a].start_us != t.spans[b].start_us ? t.spans[a].start_us < t.spans[b].start_us
                                                      : a < b;
  };
  const bool all_children = std::all_of(members.begin(), members.end(), [&](SpanIndex m) {
    return t.topology.tree_parent[m] == parent;
  });
  std::vector<std::pair<SpanIndex, bool>> spans;  // (span, member); all of them unless all_children
  size_t total = 0, lo = SIZE_MAX, hi = 0;
  if (all_children) {
    total = children.size();
    for (SpanIndex m : members) {
      const size_t pos = static_cast<size_t>(
          std::lower_bound(children.begin(), children.end(), m, by_start) - children.begin());
      lo = std::min(lo, pos);
      hi = std::max(hi, pos);
    }
  } else {
    spans.reserve(members.size() + children.size());
    for (SpanIndex c : members) spans.emplace_back(c, true);
    for (SpanIndex c : children) {
      if (!std::binary_search(members.begin(), members.end(), c)) spans.emplace_back(c, false);
    }
    std::sort(spans.begin(), spans.end(),
              [&](const auto& a, const auto& b) { return by_start(a.first, b.first); });
    total = spans.size();
    for (size_t i = 0; i < spans.size(); ++i) {
      if (spans[i].second) lo = std::min(lo, i), hi = std::max(hi, i);
    }
  }
  const size_t first = lo > kContext && lo < total ? lo - kContext : 0;
  const size_t last = std::min({total, hi + kContext + 1, first + kMaxPictureSpans});
  FindingExample e;
  e.model = model;
  e.trace_id = std::string(t.trace_id);
  e.parent = NameOf(t.spans[parent]);
  e.parent_duration_us = t.spans[parent].duration_us;
  e.children_total = total;
  for (size_t i = first; i < last; ++i) {
    const SpanIndex c = all_children ? children[i] : spans[i].first;
    const bool member =
        all_children ? std::binary_search(members.begin(), members.end(), c) : spans[i].second;
    const Span& s = t.spans[c];
    e.children.push_back({NameOf(s), s.start_us - t.spans[parent].start_us, s.duration_us,
                          critical[c], member, 0, 0});
  }
  ExampleRetime(e);
  return e;
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

int64_t SharePpm(int64_t us, int64_t trace_us) {
  return trace_us > 0
             ? SatFromDouble(static_cast<double>(us) * kPpm / static_cast<double>(trace_us))
             : 0;
}

Saving MakeSaving(const Samples& per_trace, const Samples& share_ppm, int64_t total) {
  static constexpr std::array<double, 2> kPs = {50, 95};
  const std::vector<int64_t> us = per_trace.Percentiles(kPs);
  const std::vector<int64_t> share = share_ppm.Percentiles(kPs);
  return {us[0], us[1], static_cast<double>(share[0]) / kPpm, static_cast<double>(share[1]) / kPpm,
          total};
}

namespace {

// Example order: the largest saving first, then the smallest trace id.
bool ExampleBefore(int64_t saving_a, std::string_view id_a, int64_t saving_b,
                   std::string_view id_b) {
  return saving_a != saving_b ? saving_a > saving_b : id_a < id_b;
}

}  // namespace

void KeepExamples(std::vector<std::pair<int64_t, std::string>>* examples, size_t max) {
  std::sort(examples->begin(), examples->end(), [](const auto& a, const auto& b) {
    return ExampleBefore(a.first, a.second, b.first, b.second);
  });
  if (examples->size() > max) examples->resize(max);
}

void OfferExample(std::vector<std::pair<int64_t, std::string>>* examples, int64_t saving,
                  const std::string& id, size_t max) {
  const auto at = std::upper_bound(examples->begin(), examples->end(),
                                   std::pair<int64_t, std::string_view>(saving, id),
                                   [](const auto& a, const auto& b) {
                                     return ExampleBefore(a.first, a.second, b.first, b.second);
                                   });
  if (static_cast<size_t>(at - examples->begin()) >= max) return;
  examples->emplace(at, saving, id);
  if (examples->size() > max) examples->pop_back();
}

Confidence LowerConfidence(Confidence c) {
  return c == Confidence::kHigh ? Confidence::kMedium : Confidence::kLow;
}

const DependencyHint* FindHint(const DetectorConfig& config, const std::vector<OpName>& ops) {
  for (const DependencyHint& h : config.dependencies) {
    for (size_t i = 0; i < ops.size(); ++i) {
      for (size_t j = 0; j < ops.size(); ++j) {
        if (i != j && HintMatches(h.first, ops[i]) && HintMatches(h.second, ops[j])) return &h;
      }
    }
  }
  return nullptr;
}

}  // namespace trace_analyze::analyzer::internal
