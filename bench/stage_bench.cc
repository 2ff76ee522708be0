// Stage benchmark: the CPU cost of each stage on one input, one thread, no
// pipeline. First reads and decodes the input as the pipeline does (each trace
// dropped, its buffers reused); then decodes every trace into memory and times
// each analysis stage over all traces in turn (Normalize, critical path,
// Summarize + Profile::Add with and without folded stacks, PathSampler::Offer,
// the detectors, FindingsCollector::Add and ::Build). Ratios between stages are
// what matter; absolute times move with the load of the shared machine.
//
//   build/bench/stage_bench FILE            all stages
//   build/bench/stage_bench FILE decode     reading and decoding only
// STAGE_BENCH_SUMMARY_ROUNDS=N / STAGE_BENCH_DETECTOR_ROUNDS=N repeat those
// stages N times (to profile them with perf).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/detector.h"
#include "analyzer/detectors.h"
#include "analyzer/normalize.h"
#include "analyzer/path_sampler.h"
#include "analyzer/profile.h"
#include "input/input.h"

namespace ta = trace_analyze;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: stage_bench FILE\n");
    return 2;
  }
  std::vector<ta::analyzer::Trace> traces;
  ta::input::ReadStats stats;
  const std::vector<std::string> inputs = {argv[1]};
  // Reading and decoding alone, each trace dropped (its buffers reused), as
  // in the pipeline; CPU time of this thread (the reader thread is not in it).
  auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  (void)ta::input::ReadInputs(
      inputs, {}, [](ta::analyzer::Trace&) { return ta::OkStatus(); }, &stats);
  fmt::print("{:<28} {:>8.3f} s  (wall; process CPU {:.3f} s)\n", "read + decode only",
             Seconds(start), static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
  if (argc > 2) return 0;
  stats = {};
  start = std::chrono::steady_clock::now();
  const ta::Status status = ta::input::ReadInputs(
      inputs, {},
      [&](ta::analyzer::Trace& t) {
        traces.push_back(std::move(t));
        t = ta::analyzer::Trace();
        return ta::OkStatus();
      },
      &stats);
  if (!status.ok()) {
    fmt::print(stderr, "{}\n", status.error().message);
    return 2;
  }
  size_t spans = 0;
  for (const auto& t : traces) spans += t.spans.size();
  fmt::print("{:<28} {:>8.3f} s  ({} traces, {} spans; includes fresh memory)\n", "decode",
             Seconds(start), traces.size(), spans);

  const ta::analyzer::AnalysisOptions options;
  auto stage = [&](const char* name, auto&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < traces.size(); ++i) fn(i);
    fmt::print("{:<28} {:>8.3f} s\n", name, Seconds(t0));
  };
  ta::analyzer::NormalizeOptions normalize;
  normalize.drop_spans_without_start = true;
  stage("Normalize", [&](size_t i) { ta::analyzer::Normalize(traces[i], normalize); });
  std::vector<ta::analyzer::CriticalPath> paths(traces.size());
  stage("ComputeCriticalPath",
        [&](size_t i) { paths[i] = ta::analyzer::ComputeCriticalPath(traces[i], options.cp); });
  // As in the pipeline (TraceAnalyzer): one computer and one path, reused.
  ta::analyzer::CriticalPathComputer computer;
  ta::analyzer::CriticalPath reused_path;
  stage("  reusing its buffers",
        [&](size_t i) { computer.Compute(traces[i], options.cp, &reused_path); });
  stage("  CriticalTimePerSpan",
        [&](size_t i) { (void)ta::analyzer::CriticalTimePerSpan(traces[i], paths[i]); });
  stage("  SelfTimePerSpan", [&](size_t i) { (void)ta::analyzer::SelfTimePerSpan(traces[i]); });
  // As in the pipeline: each summary is added, then dropped.
  std::vector<std::string> trace_ids(traces.size());
  std::vector<int64_t> durations(traces.size());
  ta::analyzer::Profile profile(options.max_heaviest);
  const char* summary_rounds_env = std::getenv("STAGE_BENCH_SUMMARY_ROUNDS");
  for (int round = 1; summary_rounds_env != nullptr && round < std::atoi(summary_rounds_env);
       ++round) {
    ta::analyzer::Profile scratch(options.max_heaviest);
    stage("Summarize + Profile::Add", [&](size_t i) {
      scratch.Add(ta::analyzer::Summarize(traces[i], paths[i], options.max_heaviest));
    });
  }
  ta::analyzer::Profile no_stacks(options.max_heaviest);
  stage("  (without folded stacks)", [&](size_t i) {
    no_stacks.Add(ta::analyzer::Summarize(traces[i], paths[i], options.max_heaviest, false));
  });
  stage("Summarize + Profile::Add", [&](size_t i) {
    const ta::analyzer::TraceSummary summary =
        ta::analyzer::Summarize(traces[i], paths[i], options.max_heaviest);
    profile.Add(summary);
    trace_ids[i] = summary.trace_id;
    durations[i] = summary.duration_us;
  });
  ta::analyzer::PathSampler sampler;
  stage("PathSampler::Offer", [&](size_t i) { sampler.Offer(traces[i], paths[i]); });
  std::vector<ta::analyzer::TraceFindings> found(traces.size());
  // STAGE_BENCH_DETECTOR_ROUNDS=N repeats this stage (for profiling it).
  const char* rounds_env = std::getenv("STAGE_BENCH_DETECTOR_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::max(1, std::atoi(rounds_env)) : 1;
  for (int round = 0; round < rounds; ++round) {
    stage("FindBottlenecks", [&](size_t i) {
      found[i] = ta::analyzer::FindBottlenecks(traces[i], paths[i], options.detectors, options.cp);
    });
  }
  {
    // Each detector alone, on the shared context computed beforehand.
    std::vector<std::vector<int64_t>> critical(traces.size());
    std::vector<std::vector<ta::analyzer::Call>> calls(traces.size());
    for (size_t i = 0; i < traces.size(); ++i) {
      critical[i] = ta::analyzer::CriticalTimePerSpan(traces[i], paths[i]);
      for (const auto& span : traces[i].spans) {
        calls[i].push_back(ta::analyzer::internal::CallOf(traces[i], span));
      }
    }
    for (const ta::analyzer::Detector* d : ta::analyzer::Detectors()) {
      const std::string name =
          fmt::format("  {} Observe", ta::analyzer::FindingKindName(d->kind()));
      stage(name.c_str(), [&](size_t i) {
        const ta::analyzer::DetectorContext ctx{traces[i], paths[i],          critical[i],
                                                calls[i],  options.detectors, options.cp};
        (void)d->Observe(ctx);
      });
    }
  }
  size_t observed = 0;
  for (const auto& f : found) {
    for (const auto& seen : f.by_detector) observed += seen ? seen->size() : 0;
  }
  fmt::print("{:<28} {:>8} observations\n", "", observed);
  ta::analyzer::FindingsCollector findings(options.detectors.max_examples);
  stage("FindingsCollector::Add",
        [&](size_t i) { findings.Add(trace_ids[i], durations[i], found[i]); });
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = findings.Build(options.detectors).size();
  fmt::print("{:<28} {:>8.3f} s  ({} findings)\n", "FindingsCollector::Build", Seconds(t0), n);
  const auto t1 = std::chrono::steady_clock::now();
  const size_t top = findings.Build(options.detectors, 10).size();
  fmt::print("{:<28} {:>8.3f} s  ({} findings)\n", "FindingsCollector::Build(10)", Seconds(t1),
             top);
  return 0;
}
