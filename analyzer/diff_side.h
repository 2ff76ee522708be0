// What `diff` and `verify` need from each side beyond the Profile and the
// findings, collected trace by trace while the side is streamed (no trace is
// kept): the time window, critical-path time per ancestral path, instances of
// the patterns to verify, and span durations of budgeted operations.
// Mergeable like Profile.
#ifndef TRACE_ANALYZE_ANALYZER_DIFF_SIDE_H_
#define TRACE_ANALYZE_ANALYZER_DIFF_SIDE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/verify.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

struct DiffSideOptions {
  std::vector<PatternDef> patterns;  // to observe (the candidate's verify plan)
  // Operations whose span durations are kept ("service:operation" or
  // "operation", raw or parameterised), for budgets.
  std::vector<std::string> duration_scopes;
  double overlap_tolerance_fraction = 0.01;  // SequentialConfig's
  bool keep_examples = false;                // DetectorConfig's: draw the patterns' pictures
};

// Critical-path time of one ancestral path: the chain of (service,
// parameterised operation) names from a root down to a span.
struct PathTime {
  std::string path;  // "svc op > svc op > …", at most kMaxPathSegments names
  int64_t critical_us = 0;
  uint64_t traces = 0;  // traces in which the path had critical time
};

inline constexpr size_t kMaxPathSegments = 6;  // longer paths show "… > " + the last ones

class DiffSideCollector {
 public:
  explicit DiffSideCollector(DiffSideOptions options);

  // Requires Normalize() and `path` computed for `trace` (TraceAnalyzer::Analyze).
  void Add(const Trace& trace, const CriticalPath& path);
  void Merge(const DiffSideCollector& other);
  // The collected summaries as values (state_io.h); Load into a collector of
  // the same options.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

  uint64_t traces() const { return traces_; }  // traces with spans
  int64_t first_root_start_us() const { return first_start_us_; }
  int64_t last_root_start_us() const { return last_start_us_; }
  // By a 64-bit hash of the full path (so display truncation never merges paths).
  const std::map<uint64_t, PathTime>& paths() const { return paths_; }
  // Indexed like options().patterns.
  const std::vector<PatternObservation>& patterns() const { return patterns_; }
  // Indexed like options().duration_scopes.
  const std::vector<std::vector<int64_t>>& durations() const { return durations_; }
  const DiffSideOptions& options() const { return options_; }

 private:
  void AddPaths(const Trace& trace, const std::vector<int64_t>& critical);
  void AddDurations(const Trace& trace);

  DiffSideOptions options_;
  uint64_t traces_ = 0;
  int64_t first_start_us_ = 0;
  int64_t last_start_us_ = 0;
  std::map<uint64_t, PathTime> paths_;
  std::vector<PatternObservation> patterns_;
  std::vector<std::vector<int64_t>> durations_;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DIFF_SIDE_H_
