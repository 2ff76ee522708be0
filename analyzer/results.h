// The results each subcommand computes: the only things report writers see.
// They own their data (no views into a reused Trace) and are render-ready:
// ranked, with percentiles computed, so writers never recompute anything.
#ifndef TRACE_ANALYZE_ANALYZER_RESULTS_H_
#define TRACE_ANALYZE_ANALYZER_RESULTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/data_quality.h"
#include "analyzer/detectors.h"
#include "analyzer/op_name.h"
#include "analyzer/profile.h"
#include "analyzer/significance.h"

namespace trace_analyze::analyzer {

// What was read, and what had to be skipped.
struct InputSummary {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t problems_total = 0;
  std::vector<std::string> problems;  // the first ones, each naming file/offset/trace
  // Read from a Jaeger server instead of files: "http://jaeger:16686 (HTTP /api)".
  std::string server;
  // Not everything that was asked for could be read (traces not found on the
  // server, failed calls, a truncated search): every report says so.
  bool partial = false;
  std::vector<std::string> partial_reasons;
  // Jaeger UI base URL (http(s), no trailing slash): HTML and Markdown link
  // trace ids to "<ui_url>/trace/<id>". "" = no links (files, or gRPC without
  // --jaeger-ui-url).
  std::string ui_url;
};

// One section of a trace's critical path, resolved to names.
struct PathSection {
  std::string span_id;
  OpName name;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// A span that has time on the critical path.
struct PathSpan {
  std::string span_id;
  OpName name;
  int64_t start_us = 0;
  int64_t duration_us = 0;
  int64_t self_us = 0;      // SelfTimePerSpan
  int64_t critical_us = 0;  // CriticalTimePerSpan
  uint32_t depth = 0;       // tree depth (roots 0), for indentation
};

// One span of a trace's timeline (TracePath::timeline): every span, not only
// those on the critical path.
struct TimelineSpan {
  std::string span_id;
  OpName name;
  int64_t start_us = 0;
  int64_t duration_us = 0;
  int64_t critical_us = 0;  // CriticalTimePerSpan
  uint32_t depth = 0;       // tree depth (roots 0)
  // Index one past this span's subtree in the timeline (depth-first order):
  // [this, subtree_end) is the span and its descendants that were kept.
  uint32_t subtree_end = 0;
};

struct TracePath {
  std::string trace_id;
  int64_t start_us = 0;
  int64_t duration_us = 0;            // trace extent
  int64_t critical_path_us = 0;       // Σ section lengths
  std::vector<PathSection> sections;  // ascending start
  std::vector<PathSpan> spans;  // spans with critical time, in section order of first appearance
  // Every span, depth first (roots and children by start), for a Jaeger-UI-
  // like timeline; filled only when a report draws one (AddTimeline), at most
  // its first `max_spans`. timeline_spans: the trace's spans.
  std::vector<TimelineSpan> timeline;
  uint64_t timeline_spans = 0;
};

// A trace shown as typical of a latency percentile.
struct RepresentativeTrace {
  std::string label;          // "p50", "p95"
  int64_t percentile_us = 0;  // that percentile of all traces' durations
  TracePath path;             // the sampled trace closest to it
};

// `trace-analyze analyze`.
struct AnalyzeResult {
  std::string cp_mode;  // "jaeger" | "causal"
  InputSummary input;
  DataQuality quality;  // decode + normalisation counters over all input
  ProfileReport profile;
  bool findings_enabled = true;
  std::vector<Finding> findings;  // ranked; suppressed ones last, flagged
  bool fail_on_findings = false;  // --fail-on-findings: high-confidence findings fail the run
  uint64_t high_confidence = 0;   // unsuppressed high-confidence findings, shown or not
  // The gate held: false when fail_on_findings and high_confidence > 0.
  bool pass = true;
  std::vector<RepresentativeTrace> representatives;  // typical p50 / p95 traces
};

// `trace-analyze critical-path`.
struct CriticalPathResult {
  std::string cp_mode;
  InputSummary input;
  DataQuality quality;
  std::vector<TracePath> traces;  // in input order
};

// `trace-analyze critical-path` as its reports stream it: what is known after
// the last trace, which the reports received one at a time
// (reports::CriticalPathSink).
struct CriticalPathSummary {
  std::string cp_mode;
  InputSummary input;
  DataQuality quality;
  uint64_t traces = 0;  // traces reported
};

// ---------------------------------------------------------------------------
// `trace-analyze diff` and `trace-analyze verify` (one document, docs/diff.md).
// Optional values are "n/a": not measurable (a side without traces, a zero
// baseline) or not tested (fewer than SignificanceOptions::min_samples).

struct DiffSideSummary {
  InputSummary input;  // the files read, or the Jaeger server (partial results, UI links)
  DataQuality quality;
  uint64_t traces = 0;
  // A side searched on a Jaeger server: its window of trace start times,
  // [start, end), RFC 3339 in UTC. Both empty for a side read from files.
  std::string window_start;
  std::string window_end;
};

// The change of one percentile of one root operation's end-to-end latency.
struct LatencyChange {
  OpName root;             // {"", "all"}: every trace
  std::string percentile;  // "p50", "p90", "p95", "p99"
  uint64_t baseline_traces = 0;
  uint64_t candidate_traces = 0;
  std::optional<int64_t> baseline_us;  // nullopt: no traces on that side
  std::optional<int64_t> candidate_us;
  std::optional<double> change_pct;  // 100 × (candidate − baseline) / baseline
  std::optional<double> ci_low_pct;  // bootstrap CI of change_pct
  std::optional<double> ci_high_pct;
  // The bootstrap test of this percentile's change (ChangeCi::p_value); nullopt:
  // untested (fewer than min_samples traces on a side).
  std::optional<double> p_value;
  bool significant = false;  // p_value < alpha, i.e. the CI excludes 0
};

// Whether one root operation's whole latency distribution moved: the
// Mann–Whitney U test, once per root operation (its percentiles have their
// own tests, LatencyChange).
struct LatencyDistributionTest {
  OpName root;  // {"", "all"}: every trace
  uint64_t baseline_traces = 0;
  uint64_t candidate_traces = 0;
  std::optional<double> p_value;  // nullopt: untested
  // P(a candidate trace is slower than a baseline one) + ½ P(tie); 0.5: no
  // tendency. nullopt when untested.
  std::optional<double> prob_candidate_slower;
  bool significant = false;  // p_value < alpha
};

struct ThroughputChange {
  uint64_t baseline_traces = 0;
  uint64_t candidate_traces = 0;
  int64_t baseline_window_us = 0;  // last − first root start
  int64_t candidate_window_us = 0;
  std::optional<double> baseline_per_s;  // (traces − 1) / window; nullopt: < 2 traces or no window
  std::optional<double> candidate_per_s;
  std::optional<double> change_pct;
  std::optional<double> p_value;  // Poisson rate comparison
  bool significant = false;
};

struct ErrorRateChange {
  uint64_t baseline_traces = 0;
  uint64_t candidate_traces = 0;
  uint64_t baseline_errors = 0;  // traces with an error span
  uint64_t candidate_errors = 0;
  std::optional<double> baseline;  // share of traces, [0, 1]
  std::optional<double> candidate;
  std::optional<double> change_points;  // percentage points: 100 × (candidate − baseline)
  std::optional<double> p_value;
  std::string test;  // "fisher" or "z" ("" when not tested)
  bool significant = false;
};

enum class Presence { kBoth, kAppeared, kDisappeared };
// "both", "appeared", "disappeared".
const char* PresenceName(Presence presence);

// Critical-path time of one key (service, operation or ancestral path) on each
// side, as mean µs per trace over all of the side's traces (so the rows of
// one kind add up to the mean critical-path length).
struct CpShiftRow {
  OpName name;                          // service rows (operation ""), operation rows
  std::string path;                     // path rows: "svc op > svc op > …"
  Presence presence = Presence::kBoth;  // where the key had spans (paths: critical time)
  int64_t baseline_us = 0;              // per trace
  int64_t candidate_us = 0;
  int64_t change_us = 0;
  std::optional<double> change_pct;
  double baseline_share = 0;  // of the side's critical-path time
  double candidate_share = 0;
  std::optional<double> p_value;  // Welch's t-test of the per-trace means (not for paths)
  bool significant = false;
};

struct CpShift {
  // Ranked by |change_us| descending, then name; at most `top` each.
  std::vector<CpShiftRow> services;
  std::vector<CpShiftRow> operations;
  std::vector<CpShiftRow> paths;
  // Every operation with spans on one side only, by name.
  std::vector<OpName> appeared;
  std::vector<OpName> disappeared;
};

enum class FindingChangeStatus { kResolved, kNew, kPersisting };
// "resolved", "new", "persisting".
const char* FindingChangeStatusName(FindingChangeStatus status);

struct FindingChange {
  FindingChangeStatus status = FindingChangeStatus::kPersisting;
  FindingKind kind = FindingKind::kSequential;
  std::string fingerprint;  // the baseline's when on both sides
  // A run matched with another set of members (an optional member seen on
  // one side only): the candidate's fingerprint; "" otherwise.
  std::string candidate_fingerprint;
  OpName parent;
  std::vector<OpName> sequence;
  std::vector<RunStep> run;  // sequential: the shape shown (the candidate's when present)
  std::optional<int64_t> baseline_saving_us;  // realistic saving p50 per trace
  std::optional<int64_t> candidate_saving_us;
  uint64_t baseline_traces = 0;
  uint64_t candidate_traces = 0;
};

struct FindingsDiff {
  uint64_t resolved = 0, added = 0, persisting = 0;  // totals
  // Resolved, then new, then persisting; each by saving descending, then
  // fingerprint, at most `top` of each status.
  std::vector<FindingChange> changes;
};

enum class VerifyStatus { kParallel, kPartial, kStillSequential, kAbsent, kUnknown };
// "parallel", "partial", "still_sequential", "absent", "unknown".
const char* VerifyStatusName(VerifyStatus status);

struct VerifyRow {
  std::string fingerprint;
  std::string name;       // the expectation's name; "" for patterns found in the baseline
  bool expected = false;  // named by an expectation
  bool flagged_in_baseline = false;
  OpName parent;
  std::vector<OpName> sequence;
  std::vector<RunStep> run;  // the baseline finding's shape; empty for an expectation
  uint64_t instances_baseline = 0;
  uint64_t traces_baseline = 0;
  uint64_t instances_candidate = 0;
  uint64_t traces_candidate = 0;
  uint64_t parallel_candidate = 0;  // candidate instances whose members all overlap pairwise
  uint64_t partial_candidate = 0;   // ... with some, not all, pairs overlapping
  // The pattern's distinct members, sorted (PatternDef::members); empty when
  // the pattern is unknown.
  std::vector<OpName> members;
  std::optional<double> overlap_share;          // candidate instances whose members all overlap
  std::optional<double> partial_share;          // ... with some, not all, pairs overlapping
  std::optional<double> concurrency;            // p50 over instances of Σ durations / union length
  int64_t predicted_saving_us = 0;              // the baseline finding's realistic p50 per trace
  std::optional<int64_t> baseline_critical_us;  // members' critical-path µs per trace, p50
  std::optional<int64_t> candidate_critical_us;
  std::optional<int64_t> realised_saving_us;  // baseline − candidate critical
  // What concurrency bought, apart from the members' own speed: per trace,
  // Σ member durations − the length of their union (0 while they still run
  // one after another), p50.
  std::optional<int64_t> concurrency_saving_us;
  std::optional<int64_t> baseline_duration_us;  // Σ member durations per trace, p50
  std::optional<int64_t> candidate_duration_us;
  struct MemberOverlap {
    OpName member;
    double share = 0;  // of candidate instances in which it overlapped another member
  };
  std::vector<MemberOverlap> member_overlap;  // PatternDef member order
  // One instance on each side, drawn one above the other (HTML).
  std::optional<FindingExample> baseline_example;
  std::optional<FindingExample> candidate_example;
  double min_overlap_share = 0.9;  // from which the pattern counts as parallel
  VerifyStatus status = VerifyStatus::kAbsent;
};

enum class TargetStatus { kOk, kAcceptable, kFail };
// "OK", "ACCEPTABLE", "FAIL".
const char* TargetStatusName(TargetStatus status);

// What backs a target's measured value: the test of a change, or the
// baseline's level of a budgeted operation.
struct TargetEvidence {
  enum class Kind {
    kNone,
    kTested,           // p_value; for a latency change also the 95% CI of the change
    kNotTested,        // a change with too few traces on a side to test
    kBaselineSpans,    // pNN_duration: the baseline's same percentile over its spans
    kNoBaselineSpans,  // pNN_duration: the baseline has no spans of the operation
  };
  Kind kind = Kind::kNone;
  double p_value = 0;
  std::optional<double> ci_low_pct;  // % change
  std::optional<double> ci_high_pct;
  uint64_t baseline_count = 0;   // kNotTested: traces; kBaselineSpans: spans
  uint64_t candidate_count = 0;  // kNotTested: traces
  uint64_t min_samples = 0;      // kNotTested: traces needed per side
  int64_t baseline_us = 0;       // kBaselineSpans
};

struct TargetRow {
  std::string name;    // metric[scope], e.g. "p95_latency_reduction", "overlap_share[3f2a…]"
  std::string origin;  // "--target", "--budget", "--expect", "config targets[0]", ...
  std::string op;      // ">=", ">", "<=", "<"
  std::string unit;    // "%", "pp" (percentage points), "us", "x" (a ratio)
  std::optional<double> value;  // measured; nullopt: could not be measured
  double target = 0;
  std::optional<double> acceptable;
  std::optional<double> distance;  // value − target, in `unit` (signed)
  TargetStatus status = TargetStatus::kFail;
  // Why there is no value, plain text naming what is missing ("no traces
  // with root operation 'search'"); "" when measured.
  std::string missing;
  // The DiffResult::verify row whose own reason follows `missing` (an
  // overlap_share of a pattern that is absent or unknown in the candidate).
  std::optional<size_t> missing_pattern;
  // The value meets the target, but the target needs a change and the change
  // is not significant (so the status is not OK).
  bool unproven = false;
  TargetEvidence evidence;
};

// End-to-end latency of all traces on each side, for distribution charts:
// the nearest-rank percentiles 0, 1, …, 100 (101 values, µs); empty for a
// side without traces.
struct LatencyDistribution {
  std::vector<int64_t> baseline_us;
  std::vector<int64_t> candidate_us;
};

// One folded critical-path stack ("svc;op;svc;op…", as ProfileReport::stacks)
// on both sides, as mean µs per trace so sides of different sizes compare:
// the input of a differential flame graph.
struct StackChange {
  std::string stack;
  int64_t baseline_us = 0;
  int64_t candidate_us = 0;
};

struct DiffResult {
  std::string command;  // "diff" | "verify"
  std::string cp_mode;
  SignificanceOptions statistics;
  DiffSideSummary baseline;
  DiffSideSummary candidate;
  std::vector<LatencyChange> latency;  // "all" first, then by traces desc, name; p50..p99 each
  std::vector<LatencyDistributionTest> latency_tests;  // one per root operation, same order
  ThroughputChange throughput;
  ErrorRateChange error_rate;
  CpShift critical_path;
  FindingsDiff findings;
  std::vector<VerifyRow> verify;
  std::vector<TargetRow> targets;
  LatencyDistribution distribution;
  std::vector<StackChange> stacks;  // by stack name; stacks absent on a side have 0 there
  bool pass = true;                 // no target failed
  std::string verdict_reason;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_RESULTS_H_
