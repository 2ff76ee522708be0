#include "analyzer/normalize.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyzer/bytes_equal.h"

namespace trace_analyze::analyzer {
namespace {

// Open-addressing map from span id to the index of the span carrying it. Keys
// are not stored: a slot holds a span index and the key is that span's
// current span_id, so the table is 8 bytes per slot (a std::unordered_map
// costs a heap node per span, which dominates on million-span traces).
// How many spans ahead a big table's lookups are prefetched.
constexpr size_t kPrefetchAhead = 16;

class SpanIdTable {
 public:
  SpanIdTable(const std::vector<Span>& spans, size_t capacity_hint) : spans_(spans) {
    Clear(capacity_hint);
  }

  // Empties the table, sized for `capacity_hint` ids.
  void Clear(size_t capacity_hint) {
    const size_t want = std::max<size_t>(16, capacity_hint * 2);
    slots_.assign(std::bit_ceil(want), Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
  }

  // Index of the span whose id is `id`, or kNoSpan.
  SpanIndex Find(std::string_view id) const {
    const size_t h = Hash(id);
    for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
      const Slot& s = slots_[pos];
      if (s.index == kNoSpan) return kNoSpan;
      if (s.hash == static_cast<uint32_t>(h) && BytesEqual(spans_[s.index].span_id, id))
        return s.index;
    }
  }

  // Whether the table outgrows the caches: then callers prefetch the slots
  // of lookups a few spans ahead (each would otherwise be a cache miss).
  bool big() const { return slots_.size() > (size_t{1} << 16); }
  void Prefetch(std::string_view id) const { __builtin_prefetch(&slots_[Hash(id) & mask_]); }

  // Maps spans[i].span_id to i unless the id is already present; returns the
  // index now mapped (i, or the earlier span with the same id).
  SpanIndex Insert(SpanIndex i) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const std::string_view id = spans_[i].span_id;
    const size_t h = Hash(id);
    for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
      Slot& s = slots_[pos];
      if (s.index == kNoSpan) {
        s = Slot{i, static_cast<uint32_t>(h)};
        ++size_;
        return i;
      }
      if (s.hash == static_cast<uint32_t>(h) && BytesEqual(spans_[s.index].span_id, id))
        return s.index;
    }
  }

 private:
  struct Slot {
    SpanIndex index = kNoSpan;
    uint32_t hash = 0;  // low bits of the full hash, to skip most key compares
  };

  static size_t Hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kNoSpan) continue;
      size_t pos = Hash(spans_[s.index].span_id) & mask_;
      while (slots_[pos].index != kNoSpan) pos = (pos + 1) & mask_;
      slots_[pos] = s;
    }
  }

  const std::vector<Span>& spans_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

void HashCombine(size_t& seed, size_t v) {
  seed ^= v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

// Hash of everything that makes a span byte-identical to another.
size_t ContentHash(const Trace& trace, const Span& s) {
  const std::hash<std::string_view> hs;
  const std::hash<int64_t> hi;
  size_t h = hs(s.span_id);
  HashCombine(h, hs(s.service));
  HashCombine(h, hs(s.operation));
  HashCombine(h, hs(s.host));
  HashCombine(h, hi(s.start_us));
  HashCombine(h, hi(s.duration_us));
  HashCombine(h, static_cast<size_t>(s.kind) | (size_t{s.error} << 8) | (size_t{s.has_start} << 9) |
                     (size_t{s.has_duration} << 10));
  for (const Reference& r : trace.RefsOf(s)) {
    HashCombine(h, static_cast<size_t>(r.type));
    HashCombine(h, hs(r.trace_id));
    HashCombine(h, hs(r.span_id));
  }
  for (const Attribute& a : trace.AttrsOf(s)) {
    HashCombine(h, hs(a.key));
    HashCombine(h, hs(a.value));
  }
  return h;
}

bool Identical(const Trace& trace, const Span& a, const Span& b) {
  if (a.span_id != b.span_id || a.service != b.service || a.operation != b.operation ||
      a.host != b.host || a.start_us != b.start_us || a.duration_us != b.duration_us ||
      a.kind != b.kind || a.error != b.error || a.has_start != b.has_start ||
      a.has_duration != b.has_duration || a.refs_count != b.refs_count ||
      a.attrs_count != b.attrs_count) {
    return false;
  }
  const auto ra = trace.RefsOf(a), rb = trace.RefsOf(b);
  for (size_t k = 0; k < ra.size(); ++k) {
    if (ra[k].type != rb[k].type || ra[k].trace_id != rb[k].trace_id ||
        ra[k].span_id != rb[k].span_id) {
      return false;
    }
  }
  const auto aa = trace.AttrsOf(a), ab = trace.AttrsOf(b);
  for (size_t k = 0; k < aa.size(); ++k) {
    if (aa[k].key != ab[k].key || aa[k].value != ab[k].value) return false;
  }
  return true;
}

// Step 2: removes byte-identical copies and renames the later distinct spans
// sharing an id to "<id>_<n>" (n = 1, 2, ... in input order, as Jaeger UI
// does). Unlike Jaeger UI, an n whose name is already taken by another span is
// skipped, so ids are unique afterwards. `table` must be empty; on return it
// maps every span id, unless spans were removed (returns false: rebuild it).
bool RemoveDuplicatesAndRenameIds(Trace& trace, SpanIdTable& table) {
  std::vector<Span>& spans = trace.spans;
  const SpanIndex n = static_cast<SpanIndex>(spans.size());
  bool any_repeat = false;
  for (SpanIndex i = 0; i < n; ++i) {
    if (table.big() && i + kPrefetchAhead < n) table.Prefetch(spans[i + kPrefetchAhead].span_id);
    any_repeat |= table.Insert(i) != i;
  }
  if (!any_repeat) return true;  // the common case: nothing to do

  // Only spans whose id repeats are hashed; the first copy of a group joins
  // lazily when its first repeat is seen.
  std::unordered_multimap<size_t, SpanIndex> by_content;
  std::vector<uint8_t> hashed(n, 0);
  std::vector<uint8_t> remove(n, 0);
  std::vector<SpanIndex> to_rename;
  for (SpanIndex i = 0; i < n; ++i) {
    const SpanIndex first = table.Find(spans[i].span_id);
    if (first == i) continue;
    if (!hashed[first]) {
      by_content.emplace(ContentHash(trace, spans[first]), first);
      hashed[first] = 1;
    }
    const size_t h = ContentHash(trace, spans[i]);
    bool duplicate = false;
    for (auto [it, end] = by_content.equal_range(h); it != end && !duplicate; ++it) {
      duplicate = Identical(trace, spans[it->second], spans[i]);
    }
    if (duplicate) {
      remove[i] = 1;
      ++trace.quality.duplicate_spans;
    } else {
      by_content.emplace(h, i);
      to_rename.push_back(i);
    }
  }

  // All original ids are in `table` before any rename, so a new name never
  // collides with a span that comes later in the input.
  std::unordered_map<SpanIndex, uint32_t> next_suffix;  // by first copy
  std::string name;
  for (SpanIndex i : to_rename) {
    const std::string_view id = spans[i].span_id;
    uint32_t& suffix = next_suffix.try_emplace(table.Find(id), 1).first->second;
    do {
      name = fmt::format("{}_{}", id, suffix++);
    } while (table.Find(name) != kNoSpan);
    spans[i].span_id = trace.arena.Store(name);
    table.Insert(i);
    ++trace.quality.duplicate_span_ids;
  }

  SpanIndex out = 0;
  for (SpanIndex i = 0; i < n; ++i) {
    if (!remove[i]) spans[out++] = spans[i];
  }
  spans.resize(out);
  return out == n;
}

// Step 3a: tree parent, Jaeger parentSpanID and the reference counters.
void ResolveParents(Trace& trace, const SpanIdTable& table) {
  Topology& topo = trace.topology;
  const size_t n = trace.spans.size();
  topo.tree_parent.assign(n, kNoSpan);
  topo.tree_parent_ref.assign(n, RefType::kChildOf);
  topo.parent.assign(n, kNoSpan);
  topo.parent_missing.assign(n, 0);
  uint64_t follows_from = 0, cross_trace = 0;
  const bool prefetch = table.big();
  for (size_t i = 0; i < n; ++i) {
    if (prefetch && i + kPrefetchAhead < n) {
      for (const Reference& r : trace.RefsOf(trace.spans[i + kPrefetchAhead])) {
        table.Prefetch(r.span_id);
      }
    }
    bool have_child_of = false, have_follows_from = false;
    SpanIndex child_of = kNoSpan, follows = kNoSpan;
    for (const Reference& r : trace.RefsOf(trace.spans[i])) {
      if (r.type == RefType::kFollowsFrom) ++follows_from;
      // A reference without a trace id is taken to be same-trace (Jaeger UI
      // compares the reference's traceID with the span's, and both are absent
      // in hand-written files).
      const bool same_trace = r.trace_id.empty() || BytesEqual(r.trace_id, trace.trace_id);
      if (!same_trace) ++cross_trace;
      const SpanIndex target = table.Find(r.span_id);
      // Tree parent: the trace id is deliberately not checked (Jaeger UI §1.1).
      if (topo.tree_parent[i] == kNoSpan && target != kNoSpan) {
        topo.tree_parent[i] = target;
        topo.tree_parent_ref[i] = r.type;
      }
      if (!same_trace) continue;
      if (r.type == RefType::kChildOf && !have_child_of) {
        have_child_of = true;
        child_of = target;
      } else if (r.type == RefType::kFollowsFrom && !have_follows_from) {
        have_follows_from = true;
        follows = target;
      }
    }
    if (have_child_of) {
      topo.parent[i] = child_of;
    } else if (have_follows_from) {
      topo.parent[i] = follows;
    }
    topo.parent_missing[i] = (have_child_of || have_follows_from) && topo.parent[i] == kNoSpan;
  }
  trace.quality.follows_from_refs = follows_from;
  trace.quality.cross_trace_refs = cross_trace;
}

// Step 3b: the tree-parent graph has out-degree <= 1, so every cycle is found
// by following parents once from each span (O(n) overall). The earliest
// member of a cycle becomes a root; a member without a start time counts as
// the earliest, so the choice does not change once its start is repaired
// (keeps Normalize idempotent). Returns the number of cycles broken.
uint64_t BreakParentCycles(Trace& trace) {
  Topology& topo = trace.topology;
  const size_t n = trace.spans.size();
  enum : uint8_t { kUnvisited, kOnPath, kDone };
  std::vector<uint8_t> state(n, kUnvisited);
  std::vector<SpanIndex> path;
  uint64_t cycles = 0;
  auto earlier = [&](SpanIndex a, SpanIndex b) {
    const Span& x = trace.spans[a];
    const Span& y = trace.spans[b];
    if (x.has_start != y.has_start) return !x.has_start;
    if (x.start_us != y.start_us) return x.start_us < y.start_us;
    return a < b;
  };
  for (SpanIndex i = 0; i < n; ++i) {
    if (state[i] != kUnvisited) continue;
    path.clear();
    SpanIndex j = i;
    while (j != kNoSpan && state[j] == kUnvisited) {
      state[j] = kOnPath;
      path.push_back(j);
      j = topo.tree_parent[j];
    }
    if (j != kNoSpan && state[j] == kOnPath) {
      // The cycle is the suffix of `path` starting at j.
      SpanIndex best = j;
      for (size_t k = path.size(); path[k - 1] != j; --k) {
        if (earlier(path[k - 1], best)) best = path[k - 1];
      }
      topo.tree_parent[best] = kNoSpan;
      topo.tree_parent_ref[best] = RefType::kChildOf;
      ++cycles;
    }
    for (SpanIndex k : path) state[k] = kDone;
  }
  return cycles;
}

// Keep mode: spans without a start take their tree parent's (already
// repaired) start; roots without one take the earliest known start of the
// trace (0 if no span has one). Pre-order over unsorted children.
void InheritMissingStarts(Trace& trace) {
  std::vector<Span>& spans = trace.spans;
  const Topology& topo = trace.topology;
  const size_t n = spans.size();
  int64_t trace_start = 0;
  bool any_known = false;
  for (const Span& s : spans) {
    if (s.has_start && (!any_known || s.start_us < trace_start)) trace_start = s.start_us;
    any_known |= s.has_start;
  }
  std::vector<uint32_t> begin(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    if (topo.tree_parent[i] != kNoSpan) ++begin[topo.tree_parent[i] + 1];
  }
  std::partial_sum(begin.begin(), begin.end(), begin.begin());
  std::vector<SpanIndex> kids(begin[n]);
  std::vector<uint32_t> fill(begin.begin(), begin.end() - 1);
  std::vector<SpanIndex> stack;
  for (SpanIndex i = 0; i < n; ++i) {
    if (topo.tree_parent[i] != kNoSpan) {
      kids[fill[topo.tree_parent[i]]++] = i;
    } else {
      stack.push_back(i);
      if (!spans[i].has_start) spans[i].start_us = trace_start;
    }
  }
  while (!stack.empty()) {
    const SpanIndex p = stack.back();
    stack.pop_back();
    for (uint32_t k = begin[p]; k < begin[p + 1]; ++k) {
      const SpanIndex c = kids[k];
      if (!spans[c].has_start) spans[c].start_us = spans[p].start_us;
      stack.push_back(c);
    }
  }
}

// Step 3c: CSR children and roots, both by start time with ties in input order.
void BuildChildren(Trace& trace) {
  Topology& topo = trace.topology;
  const std::vector<Span>& spans = trace.spans;
  const size_t n = spans.size();
  auto earlier = [&](SpanIndex a, SpanIndex b) {
    return spans[a].start_us != spans[b].start_us ? spans[a].start_us < spans[b].start_us : a < b;
  };
  topo.child_begin.assign(n + 1, 0);
  size_t root_count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (topo.tree_parent[i] != kNoSpan) {
      ++topo.child_begin[topo.tree_parent[i] + 1];
    } else {
      ++root_count;
    }
  }
  std::partial_sum(topo.child_begin.begin(), topo.child_begin.end(), topo.child_begin.begin());
  topo.children.assign(n - root_count, kNoSpan);
  topo.roots.clear();
  topo.roots.reserve(root_count);
  std::vector<uint32_t> fill(topo.child_begin.begin(), topo.child_begin.end() - 1);
  for (SpanIndex i = 0; i < n; ++i) {
    const SpanIndex p = topo.tree_parent[i];
    if (p == kNoSpan) {
      topo.roots.push_back(i);
    } else {
      topo.children[fill[p]++] = i;
    }
  }
  // Each list in (start, index) order. Sorting the lists one by one, rather
  // than all spans at once, costs less: lists are short and often in order.
  auto sort_list = [&](SpanIndex* first, SpanIndex* last) {
    if (!std::is_sorted(first, last, earlier)) std::sort(first, last, earlier);
  };
  sort_list(topo.roots.data(), topo.roots.data() + topo.roots.size());
  for (size_t p = 0; p < n; ++p) {
    if (topo.child_begin[p + 1] - topo.child_begin[p] > 1) {
      sort_list(topo.children.data() + topo.child_begin[p],
                topo.children.data() + topo.child_begin[p + 1]);
    }
  }
}

}  // namespace

// Counter semantics under repeated calls: counters derived from the current
// spans are recomputed (assigned). The five that count repairs which erase
// their own evidence (duplicate_spans, duplicate_span_ids, negative_durations,
// out_of_range_times, and missing_start_times in drop mode) are incremented; a second call finds
// nothing left to repair, so they stay as they are.
void Normalize(Trace& trace, const NormalizeOptions& options) {
  DataQuality& q = trace.quality;
  std::vector<Span>& spans = trace.spans;

  // Jaeger UI v2.15-v2.20 drops these before anything else.
  if (options.drop_spans_without_start) {
    const size_t before = spans.size();
    std::erase_if(spans, [](const Span& s) { return !s.has_start || s.start_us == 0; });
    q.missing_start_times += before - spans.size();
  }

  SpanIdTable table(spans, spans.size());
  const bool table_valid = RemoveDuplicatesAndRenameIds(trace, table);

  uint64_t missing_durations = 0, zero_durations = 0, missing_starts = 0;
  for (Span& s : spans) {
    if (s.start_us < -kMaxTimeUs || s.start_us > kMaxTimeUs || s.duration_us > kMaxTimeUs) {
      s.start_us = std::clamp(s.start_us, -kMaxTimeUs, kMaxTimeUs);
      s.duration_us = std::min(s.duration_us, kMaxTimeUs);
      ++q.out_of_range_times;
    }
    if (!s.has_duration) ++missing_durations;
    if (s.duration_us < 0) {
      s.duration_us = 0;
      ++q.negative_durations;
    }
    if (s.has_duration && s.duration_us == 0) ++zero_durations;
    if (s.start_us == 0) s.has_start = false;  // the model's definition of "no start"
    if (!s.has_start) ++missing_starts;
  }
  q.missing_durations = missing_durations;
  // Clamped negatives are now zero too; they are counted as negative only.
  q.zero_durations = zero_durations - std::min(zero_durations, q.negative_durations);
  if (!options.drop_spans_without_start) q.missing_start_times = missing_starts;

  const SpanIndex n = static_cast<SpanIndex>(spans.size());
  if (!table_valid) {
    table.Clear(n);
    for (SpanIndex i = 0; i < n; ++i) {
      if (table.big() && i + kPrefetchAhead < n) table.Prefetch(spans[i + kPrefetchAhead].span_id);
      table.Insert(i);
    }
  }
  ResolveParents(trace, table);
  q.parent_cycles = BreakParentCycles(trace);
  if (missing_starts > 0) InheritMissingStarts(trace);
  BuildChildren(trace);

  const Topology& topo = trace.topology;
  uint64_t orphans = 0, outside = 0;
  for (SpanIndex i = 0; i < n; ++i) {
    orphans += topo.parent_missing[i];
    const SpanIndex p = topo.tree_parent[i];
    if (p == kNoSpan) continue;
    if (spans[i].start_us < spans[p].start_us || spans[i].end_us() > spans[p].end_us()) {
      ++outside;
    }
  }
  q.orphan_spans = orphans;
  q.children_outside_parent = outside;
  q.multi_root_traces = topo.roots.size() > 1 ? 1 : 0;
  q.traces = 1;
  q.spans = n;
}

}  // namespace trace_analyze::analyzer
