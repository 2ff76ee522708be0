#include "analyzer/diff_side.h"

#include <algorithm>
#include <utility>

#include "analyzer/parameterize.h"

namespace trace_analyze::analyzer {
namespace {

constexpr std::string_view kSegmentSeparator = " > ";

std::string SegmentName(const Span& s) {
  return std::string(s.service) + " " + Parameterize(s.operation);
}

}  // namespace

DiffSideCollector::DiffSideCollector(DiffSideOptions options)
    : options_(std::move(options)),
      patterns_(options_.patterns.size()),
      durations_(options_.duration_scopes.size()) {}

void DiffSideCollector::Add(const Trace& trace, const CriticalPath& path) {
  if (trace.spans.empty()) return;
  const int64_t start = trace.topology.roots.empty()
                            ? trace.StartUs()
                            : trace.spans[trace.topology.roots.front()].start_us;
  if (traces_ == 0) {
    first_start_us_ = last_start_us_ = start;
  } else {
    first_start_us_ = std::min(first_start_us_, start);
    last_start_us_ = std::max(last_start_us_, start);
  }
  ++traces_;
  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  AddPaths(trace, critical);
  if (!options_.patterns.empty()) {
    ObservePatterns(trace, critical, options_.patterns, options_.overlap_tolerance_fraction,
                    options_.keep_examples, &patterns_);
  }
  if (!options_.duration_scopes.empty()) AddDurations(trace);
}

void DiffSideCollector::AddPaths(const Trace& trace, const std::vector<int64_t>& critical) {
  const Topology& topo = trace.topology;
  // Path hash per span, computed for spans with critical time and their
  // ancestors only (0 = not computed yet), iteratively: traces can be a
  // million spans deep.
  std::vector<uint64_t> key(trace.spans.size(), 0);
  std::vector<SpanIndex> chain;
  std::string operation;  // reused: no allocation per span
  struct OnPath {
    uint64_t key;
    int64_t critical_us;
    SpanIndex span;
    bool operator<(const OnPath& o) const { return key != o.key ? key < o.key : span < o.span; }
  };
  std::vector<OnPath> per_trace;
  for (SpanIndex i = 0; i < trace.spans.size(); ++i) {
    if (critical[i] <= 0) continue;
    chain.clear();
    for (SpanIndex s = i; s != kNoSpan && key[s] == 0; s = topo.tree_parent[s]) chain.push_back(s);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const SpanIndex parent = topo.tree_parent[*it];
      const uint64_t seed = parent == kNoSpan ? kStableHashSeed : key[parent];
      const Span& s = trace.spans[*it];
      ParameterizeInto(s.operation, &operation);
      // FNV-1a over "service \x1f operation \x1e", extended piece by piece.
      uint64_t h = StableHash64(
          "\x1e", StableHash64(operation, StableHash64("\x1f", StableHash64(s.service, seed))));
      key[*it] = h | 1;  // never 0, which marks "not computed"
    }
    per_trace.push_back({key[i], critical[i], i});
  }
  std::sort(per_trace.begin(), per_trace.end());
  for (size_t k = 0; k < per_trace.size();) {
    const uint64_t path_key = per_trace[k].key;
    const SpanIndex example = per_trace[k].span;
    int64_t total = 0;
    for (; k < per_trace.size() && per_trace[k].key == path_key; ++k) {
      total += per_trace[k].critical_us;
    }
    PathTime& p = paths_[path_key];
    if (p.traces == 0) {
      // Name the path once: the last kMaxPathSegments names up from the span.
      std::vector<std::string> names;
      bool cut = false;
      for (SpanIndex s = example; s != kNoSpan; s = topo.tree_parent[s]) {
        if (names.size() == kMaxPathSegments) {
          cut = true;
          break;
        }
        names.push_back(SegmentName(trace.spans[s]));
      }
      p.path = cut ? "…" : "";
      for (auto it = names.rbegin(); it != names.rend(); ++it) {
        if (!p.path.empty()) p.path += kSegmentSeparator;
        p.path += *it;
      }
    }
    p.critical_us += total;
    ++p.traces;
  }
}

void DiffSideCollector::AddDurations(const Trace& trace) {
  std::string param;
  for (const Span& s : trace.spans) {
    ParameterizeInto(s.operation, &param);
    for (size_t k = 0; k < options_.duration_scopes.size(); ++k) {
      const std::string& scope = options_.duration_scopes[k];
      const auto named = [&](std::string_view op) {
        return scope == op || (scope.size() == s.service.size() + 1 + op.size() &&
                               scope.compare(0, s.service.size(), s.service) == 0 &&
                               scope[s.service.size()] == ':' &&
                               scope.compare(s.service.size() + 1, op.size(), op) == 0);
      };
      if (named(s.operation) || named(param)) durations_[k].push_back(s.duration_us);
    }
  }
}

void DiffSideCollector::Merge(const DiffSideCollector& o) {
  if (o.traces_ == 0) return;
  if (traces_ == 0) {
    first_start_us_ = o.first_start_us_;
    last_start_us_ = o.last_start_us_;
  } else {
    first_start_us_ = std::min(first_start_us_, o.first_start_us_);
    last_start_us_ = std::max(last_start_us_, o.last_start_us_);
  }
  traces_ += o.traces_;
  for (const auto& [key, p] : o.paths_) {
    PathTime& mine = paths_[key];
    if (mine.traces == 0) mine.path = p.path;
    mine.critical_us += p.critical_us;
    mine.traces += p.traces;
  }
  for (size_t i = 0; i < patterns_.size() && i < o.patterns_.size(); ++i) {
    patterns_[i].Merge(o.patterns_[i]);
  }
  for (size_t i = 0; i < durations_.size() && i < o.durations_.size(); ++i) {
    durations_[i].insert(durations_[i].end(), o.durations_[i].begin(), o.durations_[i].end());
  }
}

}  // namespace trace_analyze::analyzer
