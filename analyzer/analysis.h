// TraceAnalyzer: the per-trace pipeline shared by every subcommand —
// Normalize, optional clock-skew adjustment, critical path, summary, bottleneck
// detectors — feeding a mergeable Profile and FindingsCollector. Knows nothing
// about where traces come from.
#ifndef TRACE_ANALYZE_ANALYZER_ANALYSIS_H_
#define TRACE_ANALYZE_ANALYZER_ANALYSIS_H_

#include <cstddef>

#include "analyzer/clock_skew.h"
#include "analyzer/critical_path.h"
#include "analyzer/detector_config.h"
#include "analyzer/detectors.h"
#include "analyzer/model.h"
#include "analyzer/profile.h"
#include "analyzer/results.h"
#include "analyzer/trace_analysis.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

struct AnalysisOptions {
  CpOptions cp;
  bool adjust_clock_skew = false;
  ClockSkewOptions clock_skew;
  size_t max_heaviest = 20;  // heaviest critical-path spans kept
  // Folded critical-path stacks (Profile::stacks) for the reports that show
  // them (ReportWriter::uses_stacks); without them the profile has none.
  bool fold_stacks = true;
  bool find_bottlenecks = true;
  // Latency and per-operation percentiles from QuantileSketches (bounded,
  // within 0.5 %) instead of every trace's sample, and bounded detector
  // states (StateOptions::bounded) (`--approx-quantiles`).
  bool approx_quantiles = false;
  // With approx_quantiles: StateOptions::sampled_visits (tests lower it).
  size_t sampled_visits = StateOptions{}.sampled_visits;
  DetectorConfig detectors;
  // Threads one big trace's detectors may use at once (FindBottlenecks).
  size_t threads = 1;
};

// "jaeger" / "causal".
const char* CpModeName(CpMode mode);

class TraceAnalyzer {
 public:
  explicit TraceAnalyzer(const AnalysisOptions& options);

  // Normalises `trace` in place (mode-dependent: Jaeger mode drops spans
  // without a start time, causal mode repairs them), computes its critical
  // path, summary and (when enabled) bottleneck findings, and adds them to
  // the profile and the findings: Prepare() then Add() on this thread. The
  // returned path is valid until the next Analyze().
  const CriticalPath& Analyze(Trace& trace);

  // Analyze()'s per-trace work, into *out (whose buffers are reused).
  // Touches nothing but `trace`, `cp` and *out, so any number of threads may
  // call it at once, each with its own `cp`: a reader runs it on the thread
  // that decoded the trace, then adds the traces in input order with Add().
  void Prepare(Trace& trace, CriticalPathComputer& cp, TraceAnalysis* out) const;

  // Adds what Prepare() (of this analyzer, or one with the same options)
  // computed for a trace to the profile and the findings. Returns the
  // trace's path, valid as long as `prepared` is.
  const CriticalPath& Add(TraceAnalysis& prepared);

  // Adds what `other` (same options) analysed: the result is the same as if
  // this analyzer had seen all of those traces, in any order.
  void Merge(const TraceAnalyzer& other);
  // The profile and the findings as values (state_io.h); Load into an
  // analyzer of the same options.
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

  const Profile& profile() const { return profile_; }
  const FindingsCollector& findings() const { return findings_; }
  const AnalysisOptions& options() const { return options_; }

 private:
  AnalysisOptions options_;
  Profile profile_;
  FindingsCollector findings_;
  CriticalPathComputer cp_;  // for Analyze()
  TraceAnalysis analysis_;   // Analyze()'s, reused
};

// Resolves a computed path into a render-ready TracePath.
TracePath MakeTracePath(const Trace& trace, const CriticalPath& path);
// Fills out->timeline with the trace's spans in depth-first order (roots and
// children by start time), at most `max_spans` of them; O(n), iterative.
void AddTimeline(const Trace& trace, const CriticalPath& path, size_t max_spans, TracePath* out);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_ANALYSIS_H_
