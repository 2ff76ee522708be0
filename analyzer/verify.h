// `verify`: did the sequential patterns flagged in the baseline start running
// concurrently in the candidate? Patterns are matched by identity (parent and
// member names), not by the sequential detector, which by design never flags
// spans that now overlap. Rules: docs/diff.md ("verify").
#ifndef TRACE_ANALYZE_ANALYZER_VERIFY_H_
#define TRACE_ANALYZE_ANALYZER_VERIFY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/detectors.h"
#include "analyzer/model.h"
#include "analyzer/results.h"

namespace trace_analyze::analyzer {

// A run to look for: spans named like one of `parents` (service,
// parameterised operation) with descendants named like every one of
// `members`; all the calls of one member under one parent (a loop) are that
// member's element.
struct PatternDef {
  std::string fingerprint;  // RunFingerprint(parent.service, members)
  OpName parent;
  std::vector<OpName> parents;  // every parent operation, `parent` first
  std::vector<OpName> members;  // distinct, sorted
};

// An expectation from the config file or --expect: a pattern that should now
// run concurrently, named by fingerprint or defined by its names.
struct Expectation {
  std::string name;                         // as the user wrote it; names targets and rows
  std::string fingerprint;                  // given, or RunFingerprint of the names below
  std::optional<PatternDef> pattern;        // set when defined by parent and children
  std::optional<double> min_overlap_share;  // default: VerifyConfig::parallel_share
};

struct VerifyConfig {
  double parallel_share = 0.9;  // overlap share from which a pattern counts as parallel
  std::vector<Expectation> expectations;
};

// Parses "service:operation>service:operation,service:operation,..." (parent,
// then its children) or a 16-hex-digit fingerprint into an expectation.
// Operations are parameterised like span names. nullopt + `error` when the
// text is neither.
std::optional<Expectation> ParseExpectation(const std::string& text, std::string* error);
// Builds the pattern of `parent` with `children` ("service:operation" each:
// split at the first ':'); nullopt + `error` when a name has no service.
std::optional<PatternDef> MakePatternDef(const std::string& parent,
                                         const std::vector<std::string>& children,
                                         std::string* error);

// What one side saw of one pattern; mergeable like Profile.
struct PatternObservation {
  uint64_t instances = 0;
  uint64_t parallel = 0;                    // instances whose members all overlap pairwise
  uint64_t partial = 0;                     // instances with some, but not every, pair overlapping
  uint64_t traces = 0;                      // traces with at least one instance
  std::vector<int64_t> concurrency_milli;   // per instance: 1000 × Σ durations / union length
  std::vector<int64_t> critical_per_trace;  // per trace: Σ members' critical-path µs
  std::vector<int64_t> duration_per_trace;  // per trace: Σ members' durations (element extents)
  std::vector<int64_t> overlap_per_trace;   // per trace: Σ durations − their union (concurrency)
  std::vector<uint64_t> member_overlaps;    // per member (PatternDef order): instances in which
                                            // it overlapped another member
  // With keep_examples, one instance as a picture (FindingExample): the
  // first of the trace with the smallest id, whatever order traces come in.
  std::optional<FindingExample> example;

  void Merge(const PatternObservation& other);
};

// Finds the instances of every pattern in one analysed trace and adds them to
// (*observations)[i] for patterns[i]. `critical` is CriticalTimePerSpan. Two
// members overlap when their intervals intersect by more than
// overlap_tolerance_fraction × the parent's duration (the sequential
// detector's clock-skew allowance). Pictures (PatternObservation::example)
// are drawn only with `keep_examples` (DetectorConfig::keep_examples).
void ObservePatterns(const Trace& trace, std::span<const int64_t> critical,
                     std::span<const PatternDef> patterns, double overlap_tolerance_fraction,
                     bool keep_examples, std::vector<PatternObservation>* observations);

// A pattern `verify` reports on, with what the baseline knew about it.
struct VerifyPlanEntry {
  std::string fingerprint;
  std::string name;               // the expectation's name; "" otherwise
  bool expected = false;          // named by an expectation
  std::optional<PatternDef> def;  // nullopt: a fingerprint the baseline never produced
  OpName parent;
  std::vector<OpName> sequence;  // display order: the baseline's most frequent order
  std::vector<RunStep> run;      // the baseline finding's shape
  double min_overlap_share = 0.9;
  bool flagged = false;  // the baseline's sequential detector found the pattern
  uint64_t instances_baseline = 0;
  uint64_t traces_baseline = 0;
  int64_t predicted_saving_us = 0;                 // Finding::realistic.p50_us
  int64_t baseline_critical_us = 0;                // Finding::critical_p50_us
  int64_t baseline_duration_us = 0;                // Finding::member_p50_us
  std::optional<FindingExample> baseline_example;  // Finding::example
};

// The patterns to verify: every expectation (in order), then the baseline's
// reported sequential findings (not suppressed, in rank order; at most `top`
// of them, 0 = all). `all_sequential` is the baseline's findings built
// without the saving threshold and suppression, so expectations find their
// baseline numbers even for patterns below the reporting threshold.
std::vector<VerifyPlanEntry> PlanVerification(const std::vector<Finding>& reported,
                                              const std::vector<Finding>& all_sequential,
                                              const VerifyConfig& config, size_t top);

// The definitions of the plan's patterns that can be looked for (entries
// with a definition), in plan order: what the candidate's DiffSideCollector
// observes.
std::vector<PatternDef> PatternsToObserve(const std::vector<VerifyPlanEntry>& plan);

// The verify rows: each plan entry with what the candidate showed
// (`observed` is indexed like PatternsToObserve(plan)). Status: unknown
// without a definition, absent without instances, parallel when the overlap
// share reaches min_overlap_share, still_sequential when the share of
// instances without any overlapping pair does, partial otherwise.
std::vector<VerifyRow> BuildVerifyRows(const std::vector<VerifyPlanEntry>& plan,
                                       const std::vector<PatternObservation>& observed);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_VERIFY_H_
