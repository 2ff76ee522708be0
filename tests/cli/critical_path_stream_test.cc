// `critical-path` streams its reports: each trace is rendered as it is read
// (in every requested format at once, spilling past a few MB), and the files
// and stdout hold exactly what the writers render from the collected result.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "cli/ingest.h"
#include "formats/jaeger_json_writer.h"
#include "reports/writer.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kEpoch = 1'700'000'000'000'000;

// Trace `i`: a root calling a few services in turn, one of them twice in
// parallel, names with characters every format escapes in some traces.
analyzer::Trace MakeTrace(int i) {
  TraceBuilder b(fmt::format("{:032x}", 0xabc000 + i), kEpoch + int64_t{i} * 10'000);
  const int64_t step = 50 + (i % 11) * 7;
  b.Span("r", "", "api", i % 97 == 0 ? "GET /a\"b<c>|d;e" : "GET /", 0, 12 * step);
  int64_t at = 5;
  for (int k = 0; k < 4 + i % 3; ++k) {
    b.Span(fmt::format("s{}", k), "r", fmt::format("svc-{}", k), fmt::format("op {}", k % 2), at,
           step);
    at += step + 3;
  }
  b.Span("p1", "r", "cache", "get", at, step / 2);
  b.Span("p2", "r", "cache", "get", at + 1, step / 2 + i % 5);
  return b.Build();
}

// What the writers render from every trace collected, as `critical-path`
// rendered before it streamed.
analyzer::CriticalPathResult Collect(const std::string& file) {
  analyzer::CriticalPathResult result;
  analyzer::TraceAnalyzer analyzer{analyzer::AnalysisOptions{}};
  std::ostringstream err;
  Result<cli::IngestResult> read = cli::Ingest(
      cli::IngestOptions{{file}, false, 0, nullptr}, analyzer,
      [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
        result.traces.push_back(analyzer::MakeTracePath(trace, path));
        if (result.traces.size() <= reports::ReportWriter::kTimelineTraces) {
          analyzer::AddTimeline(trace, path, reports::ReportWriter::kTimelineSpans,
                                &result.traces.back());
        }
      },
      err);
  EXPECT_TRUE(read.ok()) << read.error().message;
  result.cp_mode = "jaeger";
  result.input = read.value().input;
  result.quality = read.value().quality;
  return result;
}

TEST(CriticalPathStreamTest, EveryFormatStreamedEqualsTheWholeResult) {
  constexpr int kTraces = 5000;
  std::string jsonl;
  for (int i = 0; i < kTraces; ++i) {
    formats::AppendJaegerUiTrace(MakeTrace(i), &jsonl);
    jsonl += '\n';
  }
  TempDir dir;
  const std::string file = dir.File("traces.jsonl", jsonl);
  const analyzer::CriticalPathResult result = Collect(file);
  ASSERT_EQ(result.traces.size(), static_cast<size_t>(kTraces));

  // Every format at once: the text report on stdout, the others in files.
  std::vector<std::string> args = {"critical-path", file};
  for (const std::string& format : reports::ReportWriterNames()) {
    if (format != "text")
      args.push_back(fmt::format("--report={}={}/{}", format, dir.path().string(), format));
  }
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const reports::ReportWriter* writer : reports::AllReportWriters()) {
    SCOPED_TRACE(writer->name());
    std::ostringstream expected;
    writer->WriteCriticalPath(result, reports::WriteOptions{}, expected);
    const std::string streamed =
        writer->name() == "text" ? run.out : ReadFile(dir.path() / std::string(writer->name()));
    EXPECT_EQ(streamed.size(), expected.str().size());
    EXPECT_TRUE(streamed == expected.str());  // no 10 MB dump on a failure
  }
  // The JSON report spilled past the memory limit (WriteOptions::spill_bytes).
  EXPECT_GT(fs::file_size(dir.path() / "json"), reports::WriteOptions{}.spill_bytes);
}

}  // namespace
}  // namespace trace_analyze::testing
