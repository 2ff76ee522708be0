// Critical-path profile over many traces (CRISP-style aggregation): which
// services and operations own the end-to-end latency.
//
// Built from per-trace TraceSummary values that own their data, so shards of
// traces can be summarised separately (other threads, processes, CI jobs) and
// merged exactly: Merge(A, B) reports the same numbers as adding A's and B's
// summaries to one Profile.
#ifndef TRACE_ANALYZE_ANALYZER_PROFILE_H_
#define TRACE_ANALYZE_ANALYZER_PROFILE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/data_quality.h"
#include "analyzer/model.h"
#include "analyzer/op_name.h"
#include "analyzer/samples.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

// One span's share of a critical path, for the "heaviest spans" list.
struct HeavySpan {
  std::string trace_id;
  std::string span_id;
  OpName name;
  int64_t critical_us = 0;  // µs of this span's own sections on the path
  int64_t duration_us = 0;

  // Ranking: critical time descending, then trace id, span id, name,
  // duration descending.
  bool RanksBefore(const HeavySpan& o) const;
};

struct TraceSummary {
  struct Op {
    OpName name;
    int64_t critical_us = 0;  // Σ of the op's own sections on the path
    int64_t self_us = 0;      // Σ self time (SelfTimePerSpan) of its spans
    uint32_t spans = 0;
  };

  std::string trace_id;
  OpName root;  // of the earliest root; empty for an empty trace
  int64_t start_us = 0;
  int64_t duration_us = 0;          // trace extent: last span end − first span start
  int64_t critical_path_us = 0;     // Σ section lengths (== duration_us for one root)
  bool error = false;               // any span marked as error
  std::vector<Op> ops;              // sorted by name
  std::vector<HeavySpan> heaviest;  // this trace's top spans by critical time
  // Folded critical-path stacks: "svc;op;svc;op…" (root first, at most
  // kMaxStackDepth spans) -> µs of the leaf spans' own critical time, one
  // entry per distinct stack, in order of first appearance.
  std::vector<std::pair<std::string, int64_t>> stacks;
  DataQuality quality;
};

// Deeper call paths are cut to their last kMaxStackDepth spans, marked "…".
inline constexpr size_t kMaxStackDepth = 64;

// Requires Normalize() and the trace's critical path. Without `fold_stacks`
// the summary has no stacks (they cost about a sixth of Summarize and only the
// collapsed and HTML reports show them).
TraceSummary Summarize(const Trace& trace, const CriticalPath& path, size_t max_heaviest,
                       bool fold_stacks = true);

class Profile {
 public:
  // Per service or per operation; made in the Profile's mode (`sketched`:
  // approx_quantiles), like RootEntry.
  struct Entry {
    explicit Entry(bool sketched = false) : per_trace_critical_us(sketched) {}
    int64_t critical_us = 0;
    int64_t self_us = 0;
    uint64_t spans = 0;
    // One sample per trace in which the key has spans: its critical-path µs in
    // that trace (0 when none of its time was critical).
    Samples per_trace_critical_us;
    uint64_t traces() const { return per_trace_critical_us.count(); }
  };
  struct RootEntry {
    explicit RootEntry(bool sketched = false) : durations_us(sketched) {}
    Samples durations_us;  // one per trace
    uint64_t errors = 0;   // traces with an error span
  };
  using OpKey = OpName;
  // Orders OpKeys as std::less does, and finds them by (service, operation)
  // string views too, so a lookup copies no strings.
  struct OpKeyLess {
    using is_transparent = void;
    using View = std::pair<std::string_view, std::string_view>;
    static View AsView(const OpKey& k) { return {k.service, k.operation}; }
    static View AsView(const View& v) { return v; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return AsView(a) < AsView(b);
    }
  };
  using OpMap = std::map<OpKey, Entry, OpKeyLess>;
  using RootMap = std::map<OpKey, RootEntry, OpKeyLess>;

  // With `approx_quantiles` the per-trace samples go into QuantileSketches
  // (bounded; percentiles within QuantileSketch::kRelativeAccuracy).
  explicit Profile(size_t max_heaviest = 20, bool approx_quantiles = false)
      : max_heaviest_(max_heaviest), approx_quantiles_(approx_quantiles) {}

  void Add(const TraceSummary& summary);
  void Merge(const Profile& other);
  // The state as values (state_io.h); Load into a Profile of the same
  // max_heaviest.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

  bool approx_quantiles() const { return approx_quantiles_; }
  uint64_t traces() const { return traces_; }
  int64_t critical_path_us() const { return critical_path_us_; }
  const DataQuality& quality() const { return quality_; }
  const std::map<std::string, Entry, std::less<>>& by_service() const { return by_service_; }
  const OpMap& by_operation() const { return by_operation_; }
  const RootMap& by_root() const { return by_root_; }
  const std::vector<HeavySpan>& heaviest() const { return heaviest_; }
  // Unordered: stacks are long strings with shared prefixes, which a tree
  // compares over and over; BuildProfileReport sorts them once.
  const std::unordered_map<std::string, int64_t>& stacks() const { return stacks_; }

 private:
  void AddHeavy(const std::vector<HeavySpan>& spans);

  size_t max_heaviest_;
  bool approx_quantiles_;
  uint64_t traces_ = 0;
  int64_t critical_path_us_ = 0;
  DataQuality quality_;
  std::map<std::string, Entry, std::less<>> by_service_;
  OpMap by_operation_;
  RootMap by_root_;
  std::vector<HeavySpan> heaviest_;  // ranked, at most max_heaviest_
  std::unordered_map<std::string, int64_t> stacks_;
};

// A ranked, render-ready view of a Profile: what `analyze` reports.
struct ProfileRow {
  OpName name;  // operation "" in by-service rows
  int64_t critical_us = 0;
  double share = 0;     // critical_us / Σ critical-path time of all traces
  uint64_t traces = 0;  // traces in which the key has spans
  uint64_t spans = 0;
  int64_t self_us = 0;
  int64_t p50_us = 0, p95_us = 0, p99_us = 0;  // of per-trace critical time
};

struct RootLatencyRow {
  OpName root;  // {"", "all"} for the all-traces row
  uint64_t traces = 0;
  uint64_t errors = 0;
  int64_t p50_us = 0, p90_us = 0, p95_us = 0, p99_us = 0, max_us = 0;
};

struct ProfileReport {
  uint64_t traces = 0;
  int64_t critical_path_us = 0;
  std::vector<RootLatencyRow> root_latency;  // "all" first, then by traces desc, name
  std::vector<ProfileRow> by_service;        // critical_us desc, then name
  std::vector<ProfileRow> by_operation;      // critical_us desc, then name
  std::vector<HeavySpan> heaviest;
  // Folded critical-path stacks (see TraceSummary::stacks), sorted by stack.
  std::vector<std::pair<std::string, int64_t>> stacks;
};

// top_n limits by_service, by_operation and heaviest (0 = no limit).
ProfileReport BuildProfileReport(const Profile& profile, size_t top_n);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_PROFILE_H_
