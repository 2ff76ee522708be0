// Traces handed over one at a time (a server fetch) and analysed on worker
// lanes give the analysis of the same traces analysed in turn.
#include "input/analysis_lanes.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/profile.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::input {
namespace {

using trace_analyze::testing::TraceBuilder;

analyzer::Trace MakeTrace(int i) {
  TraceBuilder b(fmt::format("{:016x}", i + 1), 1'000'000 + i * 1000);
  b.Span("root", "", "frontend", fmt::format("GET /{}", i % 4), 0, 1000 + i % 37);
  for (int k = 0; k < 1 + i % 9; ++k) {
    b.Span(fmt::format("c{}", k), "root", "backend", "query", 10 + k * 90, 80);
  }
  return b.Build();
}

struct Handover {
  std::vector<std::string> order;  // trace id and path length, as handed over
  std::string profile;
};

std::string ProfileText(const analyzer::TraceAnalyzer& analyzer) {
  const analyzer::ProfileReport report = analyzer::BuildProfileReport(analyzer.profile(), 10);
  std::string out = fmt::format("{} traces, {} us", report.traces, report.critical_path_us);
  for (const analyzer::ProfileRow& row : report.by_operation) {
    out += fmt::format(" {}/{}:{}:{}:{}", row.name.service, row.name.operation, row.critical_us,
                       row.p50_us, row.p95_us);
  }
  return out;
}

TEST(AnalysisLanesTest, HandsOverInOrderWithTheSerialResultOnAnyNumberOfLanes) {
  constexpr int kTraces = 500;
  Handover serial;
  analyzer::TraceAnalyzer one({});
  for (int i = 0; i < kTraces; ++i) {
    analyzer::Trace t = MakeTrace(i);
    const analyzer::CriticalPath& path = one.Analyze(t);
    serial.order.push_back(fmt::format("{} {}", t.trace_id, path.total_us));
  }
  serial.profile = ProfileText(one);

  for (const size_t lanes : {1u, 2u, 3u, 8u}) {
    analyzer::TraceAnalyzer many({});
    std::vector<std::string> order;
    const AnalyzedTraceCallback on_trace = [&](const analyzer::Trace& t,
                                               const analyzer::CriticalPath& path) {
      order.push_back(fmt::format("{} {}", t.trace_id, path.total_us));
    };
    {
      AnalysisLanes pool(many, on_trace, lanes);
      for (int i = 0; i < kTraces; ++i) {
        analyzer::Trace t = MakeTrace(i);
        pool.Submit(t);
      }
      pool.Finish();
      EXPECT_EQ(order.size(), static_cast<size_t>(kTraces));
    }  // destroying after Finish() is fine
    EXPECT_EQ(order, serial.order) << lanes << " lanes";
    EXPECT_EQ(ProfileText(many), serial.profile) << lanes << " lanes";
  }
}

TEST(AnalysisLanesTest, DestroyingWithoutFinishHandsOverEverything) {
  analyzer::TraceAnalyzer analyzer({});
  size_t seen = 0;
  const AnalyzedTraceCallback on_trace = [&](const analyzer::Trace&,
                                             const analyzer::CriticalPath&) { ++seen; };
  {
    AnalysisLanes pool(analyzer, on_trace, 3);
    for (int i = 0; i < 50; ++i) {
      analyzer::Trace t = MakeTrace(i);
      pool.Submit(t);
    }
  }
  EXPECT_EQ(seen, 50u);
  EXPECT_EQ(analyzer.profile().traces(), 50u);
}

}  // namespace
}  // namespace trace_analyze::input
