#include "analyzer/profile.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "analyzer/name_memo.h"
#include "analyzer/parameterize.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer {
namespace {

// Keeps `ranked` sorted by HeavySpan::RanksBefore and at most `max` long.
void KeepTop(std::vector<HeavySpan>& ranked, size_t max) {
  std::sort(ranked.begin(), ranked.end(),
            [](const HeavySpan& a, const HeavySpan& b) { return a.RanksBefore(b); });
  if (ranked.size() > max) ranked.resize(max);
}

// Adds one trace's sample to `e`: its critical and self time and spans.
void AddTraceSample(Profile::Entry& e, int64_t critical_us, int64_t self_us, uint64_t spans) {
  e.critical_us = SatAdd(e.critical_us, critical_us);
  e.self_us = SatAdd(e.self_us, self_us);
  e.spans += spans;
  e.per_trace_critical_us.Add(critical_us);
}

void MergeEntry(Profile::Entry& into, const Profile::Entry& from) {
  into.critical_us = SatAdd(into.critical_us, from.critical_us);
  into.self_us = SatAdd(into.self_us, from.self_us);
  into.spans += from.spans;
  into.per_trace_critical_us.Merge(from.per_trace_critical_us);
}

ProfileRow MakeRow(OpName name, const Profile::Entry& e, int64_t total_critical_us) {
  ProfileRow row;
  row.name = std::move(name);
  row.critical_us = e.critical_us;
  row.share = total_critical_us > 0
                  ? static_cast<double>(e.critical_us) / static_cast<double>(total_critical_us)
                  : 0.0;
  row.traces = e.traces();
  row.spans = e.spans;
  row.self_us = e.self_us;
  static constexpr std::array<double, 3> kPs = {50, 95, 99};
  const std::vector<int64_t> p = e.per_trace_critical_us.Percentiles(kPs);
  row.p50_us = p[0];
  row.p95_us = p[1];
  row.p99_us = p[2];
  return row;
}

RootLatencyRow MakeRootRow(OpName root, const Samples& durations, uint64_t errors) {
  RootLatencyRow row;
  row.root = std::move(root);
  row.traces = durations.count();
  row.errors = errors;
  static constexpr std::array<double, 5> kPs = {50, 90, 95, 99, 100};
  const std::vector<int64_t> p = durations.Percentiles(kPs);
  row.p50_us = p[0];
  row.p90_us = p[1];
  row.p95_us = p[2];
  row.p99_us = p[3];
  row.max_us = p[4];
  return row;
}

// critical_us descending, then name.
bool RowRanksBefore(const ProfileRow& a, const ProfileRow& b) {
  return std::tie(b.critical_us, a.name) < std::tie(a.critical_us, b.name);
}

// ';' separates frames and '\n' lines in the folded format.
void AppendFrame(std::string_view name, std::string* out) {
  for (char c : name) out->push_back(c == ';' ? ':' : (c == '\n' || c == '\r') ? ' ' : c);
}

// One entry per distinct stack of the trace. A deep trace has a critical
// span at every level, so stacks are first keyed by interned frame ids (4
// bytes a frame) and their text is built once per distinct stack: a
// million-span chain then costs a hash lookup per span, not a 64-frame string.
void AddStacks(const Trace& trace, const std::vector<int64_t>& critical,
               std::vector<std::pair<std::string, int64_t>>* stacks) {
  struct FrameHash {
    size_t operator()(const std::pair<std::string_view, std::string_view>& f) const {
      return StableHash64(f.second, StableHash64("\x1f", StableHash64(f.first)));
    }
  };
  std::unordered_map<std::pair<std::string_view, std::string_view>, uint32_t, FrameHash> frame_ids;
  std::vector<std::string> frames;  // by frame id: "service;operation", escaped
  std::vector<uint32_t> frame_of(trace.spans.size(), UINT32_MAX);  // lazily filled
  auto frame = [&](SpanIndex i) {
    if (frame_of[i] == UINT32_MAX) {
      const Span& span = trace.spans[i];
      auto [it, added] = frame_ids.try_emplace({span.service, span.operation},
                                               static_cast<uint32_t>(frames.size()));
      if (added) {
        std::string text;
        AppendFrame(span.service, &text);
        text.push_back(';');
        AppendFrame(span.operation, &text);
        frames.push_back(std::move(text));
      }
      frame_of[i] = it->second;
    }
    return frame_of[i];
  };
  std::unordered_map<std::string, size_t> index;  // frame-id key -> position in *stacks
  std::vector<uint32_t> chain;
  std::string key;
  for (SpanIndex i = 0; i < trace.spans.size(); ++i) {
    if (critical[i] <= 0) continue;
    chain.clear();
    SpanIndex top = i;
    for (SpanIndex p = i; p != kNoSpan && chain.size() < kMaxStackDepth;
         p = trace.topology.tree_parent[p]) {
      chain.push_back(frame(p));
      top = p;
    }
    const bool cut = trace.topology.tree_parent[top] != kNoSpan;
    key.assign(reinterpret_cast<const char*>(chain.data()), chain.size() * sizeof(uint32_t));
    key.push_back(cut ? '1' : '0');
    auto [it, added] = index.try_emplace(key, stacks->size());
    if (added) {
      std::string stack = cut ? "…;" : "";
      for (auto f = chain.rbegin(); f != chain.rend(); ++f) {
        if (f != chain.rbegin()) stack.push_back(';');
        stack += frames[*f];
      }
      stacks->emplace_back(std::move(stack), critical[i]);
    } else {
      (*stacks)[it->second].second = SatAdd((*stacks)[it->second].second, critical[i]);
    }
  }
}

// The entry of `name`, added if missing; the key is copied only then.
template <class Map>
typename Map::mapped_type& FindOrAdd(Map& map, const OpName& name, bool sketched) {
  auto it = map.lower_bound(name);
  if (it == map.end() || map.key_comp()(name, it->first)) {
    it = map.emplace_hint(it, name, typename Map::mapped_type(sketched));
  }
  return it->second;
}

// FindOrAdd for names visited in the map's order: the search starts at
// `*from` (the place after the previous name's on return) and walks a few
// entries before it falls back to a search of the whole map. Correct from
// any `*from` (emplace_hint finds an existing key wherever the hint is);
// fast when names come in the map's order.
// A trace's operations are a dense subset of those seen before, so most
// lookups take one or two comparisons instead of log2(size).
template <class Map>
typename Map::mapped_type& FindOrAddFrom(Map& map, typename Map::iterator* from, const OpName& name,
                                         bool sketched) {
  constexpr int kWalk = 4;
  auto it = *from;
  for (int step = 0; it != map.end() && map.key_comp()(it->first, name); ++it) {
    if (++step > kWalk) {
      it = map.lower_bound(name);
      break;
    }
  }
  if (it == map.end() || map.key_comp()(name, it->first)) {
    it = map.emplace_hint(it, name, typename Map::mapped_type(sketched));
  }
  *from = std::next(it);
  return it->second;
}

}  // namespace

bool HeavySpan::RanksBefore(const HeavySpan& o) const {
  // A total order (the same trace can come twice, from two files), so the
  // ranking never depends on the order traces were added or merged in.
  return std::tie(o.critical_us, trace_id, span_id, name, o.duration_us) <
         std::tie(critical_us, o.trace_id, o.span_id, o.name, duration_us);
}

TraceSummary Summarize(const Trace& trace, const CriticalPath& path, size_t max_heaviest,
                       bool fold_stacks) {
  TraceSummary s;
  s.trace_id = std::string(trace.trace_id);
  s.quality = trace.quality;
  if (trace.spans.empty()) return s;

  s.start_us = trace.StartUs();
  s.duration_us = trace.EndUs() - s.start_us;
  s.critical_path_us = path.total_us;
  if (!trace.topology.roots.empty()) {
    const Span& root = trace.spans[trace.topology.roots.front()];
    s.root = {std::string(root.service), std::string(root.operation)};
  }

  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  const std::vector<int64_t> self = SelfTimePerSpan(trace);

  // Group spans by (service, operation) in a small open-addressing table: one
  // hash and one probe per distinct name (spans of one operation mostly share
  // their strings' addresses: NameMemo), no sort of all the spans (a trace
  // can hold a million); then order the few groups by name. A slot matches
  // only when the names are equal, so a hash collision never merges two
  // operations.
  struct Group {
    std::string_view service, operation;
    int64_t critical_us = 0, self_us = 0;
    uint32_t spans = 0;
  };
  struct Slot {
    size_t hash = 0;
    uint32_t group = UINT32_MAX;  // UINT32_MAX: empty
  };
  std::vector<Group> groups;
  std::vector<Slot> table(64);
  const std::hash<std::string_view> hasher;
  const auto group_of = [&](const Span& span) -> uint32_t {
    const size_t h = hasher(span.operation) ^ (hasher(span.service) * 0x9e3779b97f4a7c15ULL);
    const size_t mask = table.size() - 1;
    size_t k = h & mask;
    for (; table[k].group != UINT32_MAX; k = (k + 1) & mask) {
      const Group& g = groups[table[k].group];
      if (table[k].hash == h && g.service == span.service && g.operation == span.operation) {
        return table[k].group;
      }
    }
    const auto index = static_cast<uint32_t>(groups.size());
    table[k] = {h, index};
    groups.push_back({span.service, span.operation});
    if (groups.size() * 2 > table.size()) {  // keep the table at most half full
      std::vector<Slot> bigger(table.size() * 2);
      for (const Slot& slot : table) {
        if (slot.group == UINT32_MAX) continue;
        size_t b = slot.hash & (bigger.size() - 1);
        while (bigger[b].group != UINT32_MAX) b = (b + 1) & (bigger.size() - 1);
        bigger[b] = slot;
      }
      table.swap(bigger);
    }
    return index;
  };
  thread_local NameMemo<uint32_t> memo;
  memo.Clear();
  for (SpanIndex i = 0; i < trace.spans.size(); ++i) {
    const Span& span = trace.spans[i];
    s.error = s.error || span.error;
    Group& g = groups[memo.Get(span.service, span.operation, [&] { return group_of(span); })];
    g.critical_us = SatAdd(g.critical_us, critical[i]);
    g.self_us = SatAdd(g.self_us, self[i]);
    ++g.spans;
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return std::tie(a.service, a.operation) < std::tie(b.service, b.operation);
  });
  s.ops.reserve(groups.size());
  for (const Group& g : groups) {
    s.ops.push_back(
        {{std::string(g.service), std::string(g.operation)}, g.critical_us, g.self_us, g.spans});
  }

  // The top spans are chosen by index first: materialising a HeavySpan (four
  // strings) for each of a million critical spans would dominate Summarize.
  std::vector<SpanIndex> heavy;
  for (SpanIndex i = 0; i < trace.spans.size(); ++i) {
    if (critical[i] > 0) heavy.push_back(i);
  }
  const size_t top = std::min(max_heaviest, heavy.size());
  std::partial_sort(heavy.begin(), heavy.begin() + static_cast<ptrdiff_t>(top), heavy.end(),
                    [&](SpanIndex a, SpanIndex b) {  // HeavySpan::RanksBefore within one trace
                      if (critical[a] != critical[b]) return critical[a] > critical[b];
                      return trace.spans[a].span_id < trace.spans[b].span_id;
                    });
  heavy.resize(top);
  for (SpanIndex i : heavy) {
    const Span& span = trace.spans[i];
    s.heaviest.push_back({s.trace_id,
                          std::string(span.span_id),
                          {std::string(span.service), std::string(span.operation)},
                          critical[i],
                          span.duration_us});
  }
  KeepTop(s.heaviest, max_heaviest);
  if (fold_stacks) AddStacks(trace, critical, &s.stacks);
  return s;
}

void Profile::Add(const TraceSummary& summary) {
  ++traces_;
  critical_path_us_ = SatAdd(critical_path_us_, summary.critical_path_us);
  quality_.Merge(summary.quality);

  // ops are sorted by service, so each service's ops are contiguous, and in
  // by_operation_'s order.
  auto from = by_operation_.begin();
  for (size_t i = 0; i < summary.ops.size();) {
    const std::string& service = summary.ops[i].name.service;
    int64_t service_critical_us = 0;
    int64_t service_self_us = 0;
    uint64_t service_spans = 0;
    for (; i < summary.ops.size() && summary.ops[i].name.service == service; ++i) {
      const TraceSummary::Op& op = summary.ops[i];
      AddTraceSample(FindOrAddFrom(by_operation_, &from, op.name, approx_quantiles_),
                     op.critical_us, op.self_us, op.spans);
      service_critical_us = SatAdd(service_critical_us, op.critical_us);
      service_self_us = SatAdd(service_self_us, op.self_us);
      service_spans += op.spans;
    }
    AddTraceSample(by_service_.try_emplace(service, approx_quantiles_).first->second,
                   service_critical_us, service_self_us, service_spans);
  }

  if (!summary.ops.empty()) {
    RootEntry& root = FindOrAdd(by_root_, summary.root, approx_quantiles_);
    root.durations_us.Add(summary.duration_us);
    if (summary.error) ++root.errors;
  }
  AddHeavy(summary.heaviest);
  for (const auto& [stack, us] : summary.stacks) {
    auto it = stacks_.find(stack);
    if (it == stacks_.end()) {
      stacks_.emplace(stack, us);
    } else {
      it->second = SatAdd(it->second, us);
    }
  }
}

void Profile::AddHeavy(const std::vector<HeavySpan>& spans) {
  if (max_heaviest_ == 0) return;
  // Once the list is full, a span that does not rank before its last entry
  // would only be cut again: most traces' spans are skipped without a copy.
  const bool full = heaviest_.size() >= max_heaviest_;
  bool added = false;
  for (const HeavySpan& span : spans) {
    if (full && !span.RanksBefore(heaviest_[max_heaviest_ - 1])) continue;
    heaviest_.push_back(span);
    added = true;
  }
  if (added) KeepTop(heaviest_, max_heaviest_);
}

void Profile::Merge(const Profile& other) {
  traces_ += other.traces_;
  critical_path_us_ = SatAdd(critical_path_us_, other.critical_path_us_);
  quality_.Merge(other.quality_);
  for (const auto& [key, e] : other.by_service_) {
    MergeEntry(by_service_.try_emplace(key, approx_quantiles_).first->second, e);
  }
  for (const auto& [key, e] : other.by_operation_) {
    MergeEntry(FindOrAdd(by_operation_, key, approx_quantiles_), e);
  }
  for (const auto& [key, e] : other.by_root_) {
    RootEntry& into = FindOrAdd(by_root_, key, approx_quantiles_);
    into.durations_us.Merge(e.durations_us);
    into.errors += e.errors;
  }
  AddHeavy(other.heaviest_);
  for (const auto& [stack, us] : other.stacks_) stacks_[stack] = SatAdd(stacks_[stack], us);
}

ProfileReport BuildProfileReport(const Profile& profile, size_t top_n) {
  ProfileReport report;
  report.traces = profile.traces();
  report.critical_path_us = profile.critical_path_us();

  Samples all_durations(profile.approx_quantiles());
  uint64_t all_errors = 0;
  std::vector<RootLatencyRow> roots;
  for (const auto& [key, e] : profile.by_root()) {
    all_durations.Merge(e.durations_us);
    all_errors += e.errors;
    roots.push_back(MakeRootRow(key, e.durations_us, e.errors));
  }
  std::stable_sort(roots.begin(), roots.end(),
                   [](const RootLatencyRow& a, const RootLatencyRow& b) {
                     return a.traces > b.traces;  // ties keep the map's (service, operation) order
                   });
  report.root_latency.push_back(MakeRootRow({"", "all"}, all_durations, all_errors));
  report.root_latency.insert(report.root_latency.end(), roots.begin(), roots.end());

  for (const auto& [service, e] : profile.by_service()) {
    report.by_service.push_back(MakeRow({service, ""}, e, profile.critical_path_us()));
  }
  for (const auto& [key, e] : profile.by_operation()) {
    report.by_operation.push_back(MakeRow(key, e, profile.critical_path_us()));
  }
  std::sort(report.by_service.begin(), report.by_service.end(), RowRanksBefore);
  std::sort(report.by_operation.begin(), report.by_operation.end(), RowRanksBefore);
  report.heaviest = profile.heaviest();
  report.stacks.assign(profile.stacks().begin(), profile.stacks().end());
  std::sort(report.stacks.begin(), report.stacks.end());
  if (top_n > 0) {
    if (report.by_service.size() > top_n) report.by_service.resize(top_n);
    if (report.by_operation.size() > top_n) report.by_operation.resize(top_n);
    if (report.heaviest.size() > top_n) report.heaviest.resize(top_n);
  }
  return report;
}

}  // namespace trace_analyze::analyzer
