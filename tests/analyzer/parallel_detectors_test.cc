// A trace of kParallelDetectorSpans spans or more is observed by several
// detectors at once (FindBottlenecks' `threads`): the findings must be those
// of observing it on one thread, whatever the thread count.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/critical_path.h"
#include "analyzer/normalize.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using trace_analyze::testing::TraceBuilder;

// Handlers under one root, each with what every detector looks for: a
// sequential run of three calls, an N+1 loop of RPCs, repeated identical
// queries.
Trace BigTrace() {
  TraceBuilder b("big", 1'000'000);
  b.Span("root", "", "frontend", "GET /page", 0, 100'000'000, SpanKind::kServer);
  int id = 0;
  int64_t t = 10;
  std::vector<std::pair<size_t, int64_t>> handlers;  // span index, end
  while (id < static_cast<int>(kParallelDetectorSpans) + 5'000) {
    const size_t index = static_cast<size_t>(id);
    const std::string handler = fmt::format("h{}", id++);
    const int64_t start = t;
    b.Span(handler, "root", "api", fmt::format("handle {}", id % 3), start, 1, SpanKind::kServer);
    for (const char* op : {"auth", "load", "render"}) {
      b.Span(fmt::format("s{}", id++), handler, "backend", op, t, 400);
      t += 450;
    }
    for (int k = 0; k < 6; ++k) {
      b.Span(fmt::format("s{}", id++), handler, "catalog", "GetProduct", t, 300);
      t += 320;
    }
    for (int k = 0; k < 3; ++k) {
      const std::string statement = fmt::format("SELECT * FROM users WHERE id = {}", id % 7);
      b.Span(fmt::format("s{}", id++), handler, "db", "query", t, 200)
          .Attr("db.statement", statement);
      t += 220;
    }
    handlers.emplace_back(index + 1, t);  // after the root
    t += 5;
  }
  Trace trace = b.Build();
  // Handlers end when their last call does.
  for (const auto& [index, end] : handlers) {
    trace.spans[index].duration_us = end - trace.spans[index].start_us;
  }
  return trace;
}

std::vector<std::string> Findings(const Trace& input, size_t threads) {
  Trace trace;
  trace.trace_id = input.trace_id;
  trace.spans = input.spans;
  trace.references = input.references;
  trace.attributes = input.attributes;
  Normalize(trace, {});
  CriticalPathComputer cp;
  CriticalPath path;
  const CpOptions cp_options;
  cp.Compute(trace, cp_options, &path);
  const DetectorConfig config;
  FindingsCollector collector(3);
  collector.Add("big", trace.DurationUs(),
                FindBottlenecks(trace, path, config, cp_options, threads));
  std::vector<std::string> out;
  for (const Finding& f : collector.Build(config)) {
    out.push_back(fmt::format("{} {} instances {} confidence {} saving {}", f.fingerprint,
                              static_cast<int>(f.kind), f.instances, static_cast<int>(f.confidence),
                              f.realistic.total_us));
  }
  return out;
}

TEST(ParallelDetectorsTest, ABigTraceGivesTheSameFindingsOnAnyNumberOfThreads) {
  const Trace trace = BigTrace();
  ASSERT_GE(trace.spans.size(), kParallelDetectorSpans);
  const std::vector<std::string> one = Findings(trace, 1);
  ASSERT_EQ(one.size(), 4u);  // every kind of finding is there
  for (const size_t threads : {2u, 3u, 8u}) {
    EXPECT_EQ(Findings(trace, threads), one) << threads << " threads";
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
