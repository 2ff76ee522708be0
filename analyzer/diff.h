// Before/after comparison of two sets of traces (`diff` and `verify`): builds
// the DiffResult from what each side's TraceAnalyzer and DiffSideCollector
// gathered while the side was streamed. Pure computation, no I/O.
// Statistics, rules and thresholds: docs/diff.md.
#ifndef TRACE_ANALYZE_ANALYZER_DIFF_H_
#define TRACE_ANALYZE_ANALYZER_DIFF_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/detector_config.h"
#include "analyzer/detectors.h"
#include "analyzer/diff_side.h"
#include "analyzer/profile.h"
#include "analyzer/results.h"
#include "analyzer/significance.h"
#include "analyzer/targets.h"
#include "analyzer/verify.h"

namespace trace_analyze::analyzer {

// Everything gathered from one side (views; they must outlive BuildDiff).
struct DiffSideData {
  const Profile* profile = nullptr;
  const FindingsCollector* findings = nullptr;
  const DiffSideCollector* collector = nullptr;
  DiffSideSummary summary;  // what was read, data quality
};

struct DiffOptions {
  std::string command = "diff";  // "diff" | "verify": names the document's producer
  std::string cp_mode = "jaeger";
  SignificanceOptions statistics;
  DetectorConfig detectors;  // thresholds and suppression of both sides' findings
  size_t top = 10;           // rows per critical-path ranking and per findings status (0 = all)
  std::vector<TargetSpec> targets;  // flags, config and budgets (expectations add their own)
};

// The findings of one side as `analyze` reports them, and all of its
// sequential patterns regardless of threshold and suppression: the inputs of
// PlanVerification.
std::vector<Finding> ReportedFindings(const FindingsCollector& findings,
                                      const DetectorConfig& config);
std::vector<Finding> AllSequentialPatterns(const FindingsCollector& findings,
                                           const DetectorConfig& config);

// The verify plan of a baseline whose findings are `baseline` (what
// DiffSession::StartCandidate plans; options.detectors and options.top as
// the session's).
std::vector<VerifyPlanEntry> PlanFromBaseline(const FindingsCollector& baseline,
                                              const DiffOptions& options,
                                              const VerifyConfig& verify);
// What a side collects besides its TraceAnalyzer, with `analysis`'s
// detector settings; `plan`'s patterns on the candidate side (empty plan:
// the baseline).
DiffSideOptions SideOptionsFor(const AnalysisOptions& analysis, const DiffOptions& options,
                               const std::vector<VerifyPlanEntry>& plan);

// Builds the whole comparison and evaluates the targets. `plan` is the verify
// plan made from the baseline (PlanVerification); the candidate's collector
// must have observed PatternsToObserve(plan). Each expectation in the plan
// adds the target overlap_share[name] >= its min_overlap_share.
DiffResult BuildDiff(const DiffSideData& baseline, const DiffSideData& candidate,
                     const std::vector<VerifyPlanEntry>& plan, const DiffOptions& options);

// Runs a comparison in the order it needs: the baseline is streamed first
// (its findings decide which patterns to verify), then the candidate. Each
// trace goes through the side's TraceAnalyzer, then Observe*() with its path;
// nothing of a trace is kept beyond the mergeable summaries.
class DiffSession {
 public:
  DiffSession(const AnalysisOptions& analysis, DiffOptions options, VerifyConfig verify);

  TraceAnalyzer& baseline_analyzer() { return baseline_; }
  void ObserveBaseline(const Trace& trace, const CriticalPath& path);
  // Plans the verification from the baseline; call once, after the baseline.
  void StartCandidate();
  TraceAnalyzer& candidate_analyzer();  // after StartCandidate()
  void ObserveCandidate(const Trace& trace, const CriticalPath& path);
  // After both sides. The summaries say what was read on each side.
  DiffResult Finish(DiffSideSummary baseline, DiffSideSummary candidate) const;

  // Analyse + observe, for tests and callers that hold traces in memory.
  void AddBaseline(Trace& trace);
  void AddCandidate(Trace& trace);

  const std::vector<VerifyPlanEntry>& plan() const { return plan_; }

 private:
  DiffSideOptions SideOptions() const;

  AnalysisOptions analysis_;
  DiffOptions options_;
  VerifyConfig verify_;
  TraceAnalyzer baseline_;
  DiffSideCollector baseline_collector_;
  std::vector<VerifyPlanEntry> plan_;
  std::unique_ptr<TraceAnalyzer> candidate_;
  std::unique_ptr<DiffSideCollector> candidate_collector_;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DIFF_H_
