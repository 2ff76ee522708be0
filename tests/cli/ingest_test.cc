// Ingest() analyses on two threads (paths, then the bottleneck finders) while
// the input is read: the result must be exactly that of one TraceAnalyzer
// fed the same traces in input order, and callbacks must come in input order.
#include "cli/ingest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "jaeger_client/input.h"
#include "jaeger_client/jaeger_json_writer.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::cli {
namespace {

constexpr int64_t kEpoch = 1'700'000'000'000'000;

// Trace `i`: a handler calling three services one after the other, an N+1
// loop of SELECTs and a repeated identical call, with durations that vary
// by trace so that every aggregate depends on which traces it saw.
analyzer::Trace MakeTrace(int i) {
  testing::TraceBuilder b(fmt::format("{:032x}", 0x1000 + i), kEpoch + i * 10'000);
  const int64_t step = 100 + (i % 7) * 30;
  b.Span("r", "", "api", "handle", 0, 20 * step);
  int64_t at = 10;
  for (const char* op : {"auth", "cart", "price"}) {
    b.Span(std::string("s-") + op, "r", op, std::string("GET /") + op, at, step)
        .Attr("http.url", fmt::format("/{}/{}", op, 1000 + i));
    at += step + 5;
  }
  for (int k = 0; k < 5 + i % 3; ++k) {
    b.Span(fmt::format("q{}", k), "r", "db", "SELECT", at, step / 4)
        .Attr("db.statement", fmt::format("SELECT * FROM items WHERE id = {}", 500 + k));
    at += step / 4 + 2;
  }
  for (int k = 0; k < 3; ++k) {
    b.Span(fmt::format("c{}", k), "r", "config", "GET /config", at, step / 5)
        .Attr("http.url", "/config/flags");
    at += step / 5 + 2;
  }
  return b.Build();
}

std::string Digest(const analyzer::TraceAnalyzer& analyzer) {
  std::string out = fmt::format("traces {}\n", analyzer.profile().traces());
  for (const auto& [service, e] : analyzer.profile().by_service()) {
    out += fmt::format("service {} critical {} self {} spans {} per-trace {}\n", service,
                       e.critical_us, e.self_us, e.spans, fmt::join(e.per_trace_critical_us, ","));
  }
  for (const auto& [root, e] : analyzer.profile().by_root()) {
    out += fmt::format("root {}/{} durations {}\n", root.first, root.second,
                       fmt::join(e.durations_us, ","));
  }
  for (const analyzer::Finding& f : analyzer.findings().Build(analyzer.options().detectors)) {
    out += fmt::format("finding {} instances {} traces {} realistic {} optimistic {} examples {}\n",
                       f.fingerprint, f.instances, f.traces, f.realistic.total_us,
                       f.optimistic.total_us, fmt::join(f.example_trace_ids, ","));
  }
  return out;
}

TEST(IngestTest, ThreadedAnalysisEqualsSerialAnalysisInInputOrder) {
  constexpr int kTraces = 400;  // many more than the traces in flight
  std::string jsonl;
  for (int i = 0; i < kTraces; ++i) {
    jaeger::AppendJaegerUiTrace(MakeTrace(i), &jsonl);
    jsonl += '\n';
  }
  testing::TempDir dir;
  const std::string file = dir.File("traces.jsonl", jsonl);

  analyzer::AnalysisOptions options;
  ASSERT_TRUE(options.find_bottlenecks);

  // Serial: one analyzer, on the reading thread.
  analyzer::TraceAnalyzer serial(options);
  std::vector<std::string> serial_order;
  jaeger::ReadStats stats;
  const std::vector<std::string> inputs = {file};
  ASSERT_TRUE(jaeger::ReadInputs(
                  inputs, {},
                  [&](analyzer::Trace& trace) -> Status {
                    serial.Analyze(trace);
                    serial_order.emplace_back(trace.trace_id);
                    return OkStatus();
                  },
                  &stats)
                  .ok());
  ASSERT_EQ(serial_order.size(), static_cast<size_t>(kTraces));

  // Threaded, with and without the finders' thread.
  for (const bool finders : {true, false}) {
    SCOPED_TRACE(finders ? "with finders" : "without finders");
    analyzer::AnalysisOptions o = options;
    o.find_bottlenecks = finders;
    analyzer::TraceAnalyzer threaded(o);
    analyzer::TraceAnalyzer reference(o);
    std::vector<std::string> order;
    std::ostringstream err;
    Result<IngestResult> read = Ingest(
        IngestOptions{{file}, false, nullptr}, threaded,
        [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
          order.emplace_back(trace.trace_id);
          EXPECT_FALSE(path.sections.empty());
        },
        err);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(order, serial_order);
    if (finders) {
      EXPECT_EQ(Digest(threaded), Digest(serial));
      EXPECT_NE(Digest(threaded).find("finding"), std::string::npos);
    } else {
      EXPECT_EQ(threaded.findings().Build(o.detectors).size(), 0u);
      EXPECT_EQ(threaded.profile().traces(), serial.profile().traces());
    }
  }
}

}  // namespace
}  // namespace trace_analyze::cli
