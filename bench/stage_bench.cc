// Stage benchmark: the CPU cost of each analysis stage on one input, one
// thread, no pipeline. Decodes every trace of the input into memory, then times
// each stage over all traces in turn (Normalize, critical path, Summarize,
// Profile::Add, the finders, FindingsCollector::Add, PathSampler::Offer).
// Ratios between stages are what matter; absolute times move with the load.
//
//   build/bench/stage_bench /tmp/ta-bench-1m.json
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/detectors.h"
#include "analyzer/normalize.h"
#include "analyzer/path_sampler.h"
#include "analyzer/profile.h"
#include "jaeger_client/input.h"

namespace ta = trace_analyze;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: stage_bench FILE\n");
    return 2;
  }
  std::vector<ta::analyzer::Trace> traces;
  ta::jaeger::ReadStats stats;
  const std::vector<std::string> inputs = {argv[1]};
  auto start = std::chrono::steady_clock::now();
  const ta::Status status = ta::jaeger::ReadInputs(
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
  stage("  CriticalTimePerSpan",
        [&](size_t i) { (void)ta::analyzer::CriticalTimePerSpan(traces[i], paths[i]); });
  stage("  SelfTimePerSpan", [&](size_t i) { (void)ta::analyzer::SelfTimePerSpan(traces[i]); });
  std::vector<ta::analyzer::TraceSummary> summaries(traces.size());
  stage("Summarize", [&](size_t i) {
    summaries[i] = ta::analyzer::Summarize(traces[i], paths[i], options.max_heaviest);
  });
  ta::analyzer::Profile profile(options.max_heaviest);
  stage("Profile::Add", [&](size_t i) { profile.Add(summaries[i]); });
  ta::analyzer::PathSampler sampler;
  stage("PathSampler::Offer", [&](size_t i) { sampler.Offer(traces[i], paths[i]); });
  std::vector<std::vector<ta::analyzer::FindingInstance>> found(traces.size());
  stage("FindBottlenecks", [&](size_t i) {
    found[i] = ta::analyzer::FindBottlenecks(traces[i], paths[i], options.detectors, options.cp);
  });
  ta::analyzer::FindingsCollector findings(options.detectors.max_examples);
  stage("FindingsCollector::Add",
        [&](size_t i) { findings.Add(summaries[i].trace_id, summaries[i].duration_us, found[i]); });
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = findings.Build(options.detectors).size();
  fmt::print("{:<28} {:>8.3f} s  ({} findings)\n", "FindingsCollector::Build", Seconds(t0), n);
  const auto t1 = std::chrono::steady_clock::now();
  const size_t top = findings.Build(options.detectors, 10).size();
  fmt::print("{:<28} {:>8.3f} s  ({} findings)\n", "FindingsCollector::Build(10)", Seconds(t1),
             top);
  return 0;
}
