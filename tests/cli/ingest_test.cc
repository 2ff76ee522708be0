// Ingest() analyses each trace on the thread that decoded it (two for big
// inputs) and adds it up in input order: the result must be exactly that of
// one TraceAnalyzer fed the same traces in input order on one thread, and
// callbacks must come in input order.
#include "cli/ingest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "formats/jaeger_json_writer.h"
#include "input/input.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::cli {
namespace {

constexpr int64_t kEpoch = 1'700'000'000'000'000;

// Trace `i`: a handler calling three services one after the other, an N+1
// loop of SELECTs and a repeated identical call, with durations that vary
// by trace so that every aggregate depends on which traces it saw.
analyzer::Trace MakeTrace(int i) {
  testing::TraceBuilder b(fmt::format("{:032x}", 0x1000 + i), kEpoch + int64_t{i} * 10'000);
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
                       e.critical_us, e.self_us, e.spans,
                       fmt::join(e.per_trace_critical_us.values(), ","));
  }
  for (const auto& [root, e] : analyzer.profile().by_root()) {
    out += fmt::format("root {}/{} durations {}\n", root.service, root.operation,
                       fmt::join(e.durations_us.values(), ","));
  }
  for (const analyzer::Finding& f : analyzer.findings().Build(analyzer.options().detectors)) {
    out += fmt::format("finding {} instances {} traces {} realistic {} optimistic {} examples {}\n",
                       f.fingerprint, f.instances, f.traces, f.realistic.total_us,
                       f.optimistic.total_us, fmt::join(f.example_trace_ids, ","));
  }
  return out;
}

TEST(IngestTest, ThreadedAnalysisEqualsSerialAnalysisInInputOrder) {
  constexpr int kTraces = 1500;
  std::string jsonl;
  for (int i = 0; i < kTraces; ++i) {
    formats::AppendJaegerUiTrace(MakeTrace(i), &jsonl);
    jsonl += '\n';
  }
  // Big enough to be decoded (and analysed) on two threads.
  ASSERT_GT(jsonl.size(), size_t{4} << 20);
  testing::TempDir dir;
  const std::string file = dir.File("traces.jsonl", jsonl);
  const std::vector<std::string> inputs = {file};

  for (const bool detectors : {true, false}) {
    SCOPED_TRACE(detectors ? "with detectors" : "without detectors");
    analyzer::AnalysisOptions o;
    o.find_bottlenecks = detectors;

    // Serial: one analyzer, on the delivering thread.
    analyzer::TraceAnalyzer serial(o);
    std::vector<std::string> serial_order;
    input::ReadStats stats;
    ASSERT_TRUE(input::ReadInputs(
                    inputs, {},
                    [&](analyzer::Trace& trace) -> Status {
                      serial.Analyze(trace);
                      serial_order.emplace_back(trace.trace_id);
                      return OkStatus();
                    },
                    &stats)
                    .ok());
    ASSERT_EQ(serial_order.size(), static_cast<size_t>(kTraces));

    // Any number of decoding threads (0: the cores available) adds up the
    // same, in the same order.
    for (const size_t threads : {0, 1, 2, 3, 8}) {
      SCOPED_TRACE(fmt::format("{} threads", threads));
      analyzer::TraceAnalyzer threaded(o);
      std::vector<std::string> order;
      std::ostringstream err;
      Result<IngestResult> read = Ingest(
          IngestOptions{{file}, false, threads, nullptr}, threaded,
          [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
            order.emplace_back(trace.trace_id);
            EXPECT_FALSE(path.sections.empty());
          },
          err);
      ASSERT_TRUE(read.ok()) << read.error().message;
      EXPECT_EQ(order, serial_order);
      EXPECT_EQ(Digest(threaded), Digest(serial));
      EXPECT_EQ(Digest(threaded).find("finding") != std::string::npos, detectors);
    }
  }
}

// Traces assembled from spans (Zipkin here) are prepared at the end of their
// input, 32 per lane at a time: the same result as one thread.
TEST(IngestTest, TracesAssembledFromSpansAddUpAsOnOneThread) {
  std::string zipkin = "[";
  for (int i = 0; i < 300; ++i) {
    const std::string trace_id = fmt::format("{:016x}", 0x5000 + i);
    const int64_t start = kEpoch + int64_t{i} * 10'000;
    auto span = [&](int id, int parent, const char* service, const char* name, int64_t at,
                    int64_t duration) {
      if (zipkin.size() > 1) zipkin += ',';
      zipkin += fmt::format(
          R"({{"traceId":"{}","id":"{:016x}",{}"name":"{}","timestamp":{},"duration":{},)"
          R"("localEndpoint":{{"serviceName":"{}"}}}})",
          trace_id, id, parent == 0 ? "" : fmt::format(R"("parentId":"{:016x}",)", parent), name,
          start + at, duration, service);
    };
    span(1, 0, "api", "handle", 0, 2000 + 10 * (i % 7));
    span(2, 1, "auth", "get /auth", 10, 300 + i % 5);
    for (int k = 0; k < 5; ++k) span(3 + k, 1, "db", "select", 400 + k * 250, 200 + i % 11);
  }
  zipkin += "]";
  testing::TempDir dir;
  const std::string file = dir.File("zipkin.json", zipkin);
  const std::vector<std::string> inputs = {file};

  const analyzer::AnalysisOptions o;
  analyzer::TraceAnalyzer serial(o);
  input::ReadStats stats;
  ASSERT_TRUE(input::ReadInputs(
                  inputs, {},
                  [&](analyzer::Trace& trace) -> Status {
                    serial.Analyze(trace);
                    return OkStatus();
                  },
                  &stats)
                  .ok());
  ASSERT_EQ(serial.profile().traces(), 300u);

  for (const size_t threads : {1, 2, 3, 8}) {
    SCOPED_TRACE(fmt::format("{} threads", threads));
    analyzer::TraceAnalyzer threaded(o);
    std::ostringstream err;
    Result<IngestResult> read = Ingest(IngestOptions{{file}, false, threads, nullptr}, threaded,
                                       AnalyzedTraceCallback(), err);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(Digest(threaded), Digest(serial));
    EXPECT_NE(Digest(threaded).find("finding"), std::string::npos);
  }
}

// Normalisation (run ahead, on the decoding thread) drops spans without a
// start time in Jaeger mode: a trace left without spans was still read, so
// it counts as a trace with missing start times, not as an empty one.
TEST(IngestTest, ATraceWhoseSpansAllLackAStartStillCounts) {
  testing::TempDir dir;
  const std::string file = dir.File(
      "zero-starts.json",
      R"({"data":[{"traceID":"f77950feed55c1ce","spans":[)"
      R"({"traceID":"f77950feed55c1ce","spanID":"a1","operationName":"op","references":[],)"
      R"("startTime":0,"duration":10,"processID":"p1"},)"
      R"({"traceID":"f77950feed55c1ce","spanID":"a2","operationName":"op","references":[],)"
      R"("startTime":0,"duration":5,"processID":"p1"}],)"
      R"("processes":{"p1":{"serviceName":"svc"}}}]})");
  analyzer::TraceAnalyzer analyzer{analyzer::AnalysisOptions{}};
  int calls = 0;
  std::ostringstream err;
  Result<IngestResult> read = Ingest(
      IngestOptions{{file}, false, 0, nullptr}, analyzer,
      [&](const analyzer::Trace&, const analyzer::CriticalPath&) { ++calls; }, err);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(analyzer.profile().traces(), 1u);
  EXPECT_EQ(read.value().quality.missing_start_times, 2u);
  EXPECT_EQ(read.value().quality.empty_traces, 0u);
}

}  // namespace
}  // namespace trace_analyze::cli
