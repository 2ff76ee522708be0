// Exit codes and messages of the CLI, as a user and a CI job see them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::string_literals;  // "\0…"s keeps embedded NULs

constexpr const char* kTrace = R"({"data":[{"traceID":"00000000000000aa","spans":[
 {"traceID":"00000000000000aa","spanID":"0000000000000001","operationName":"GET /",
  "references":[],"startTime":1000,"duration":100,"tags":[],"logs":[],"processID":"p1"},
 {"traceID":"00000000000000aa","spanID":"0000000000000002","operationName":"query",
  "references":[{"refType":"CHILD_OF","traceID":"00000000000000aa","spanID":"0000000000000001"}],
  "startTime":1010,"duration":30,"tags":[],"logs":[],"processID":"p2"}],
 "processes":{"p1":{"serviceName":"gw","tags":[]},"p2":{"serviceName":"db","tags":[]}}}]})";

TEST(CliTest, NoArgumentsIsUsageError) {
  const CliRun run = RunTool({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("subcommand"));
}

TEST(CliTest, HelpExitsZeroAndShowsExamplesAndExitCodes) {
  for (const char* cmd : {"analyze", "critical-path", "services", "operations", "fetch"}) {
    const CliRun run = RunTool({cmd, "--help"});
    EXPECT_EQ(run.exit_code, 0) << cmd;
    EXPECT_THAT(run.out, HasSubstr("Examples:")) << cmd;
    EXPECT_THAT(run.out, HasSubstr("Exit codes:")) << cmd;
  }
  EXPECT_EQ(RunTool({"--help"}).exit_code, 0);
}

TEST(CliTest, UnknownFormatIsUsageError) {
  TempDir dir;
  const CliRun run = RunTool({"analyze", dir.File("t.json", kTrace), "--format", "yaml"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--format"));
}

TEST(CliTest, MissingFileIsInputError) {
  const CliRun run = RunTool({"analyze", "/nonexistent/trace.json"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/trace.json"));
  EXPECT_EQ(run.out, "");
}

TEST(CliTest, MalformedInputsNameTheFileAndExitTwo) {
  TempDir dir;
  const struct {
    const char* name;
    std::string content;
  } cases[] = {
      {"truncated.json", std::string(kTrace).substr(0, 200)},
      {"empty.json", ""},
      {"garbage.json", "\x00\x01\xff\xfe binary \x89PNG\x00"s},
      {"wrongtype.json", R"({"data":[{"traceID":"aa","spans":"not a list"}]})"},
  };
  for (const auto& c : cases) {
    const std::string path = dir.File(c.name, c.content);
    const CliRun run = RunTool({"analyze", path});
    EXPECT_EQ(run.exit_code, 2) << c.name << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(path)) << c.name;
    EXPECT_THAT(run.err, StartsWith("trace-analyze: ")) << c.name;
    EXPECT_EQ(run.out, "") << c.name << ": no half-written report";
  }
}

TEST(CliTest, TruncatedFileErrorGivesByteOffset) {
  TempDir dir;
  const std::string path = dir.File("t.json", std::string(kTrace).substr(0, 200));
  const CliRun run = RunTool({"analyze", path});
  EXPECT_THAT(run.err, HasSubstr("byte "));
}

TEST(CliTest, OneBadTraceIsSkippedReportedAndTheRestAnalysed) {
  TempDir dir;
  std::string two = kTrace;
  // Append a broken second trace inside the same envelope.
  two.insert(two.rfind(']'), R"(,{"traceID":"bb","spans":[{"spanID":"01","duration":"slow"}]})");
  const std::string path = dir.File("mixed.json", two);
  const CliRun run = RunTool({"analyze", path, "--format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: skipped"));
  EXPECT_THAT(run.err, HasSubstr("mixed.json"));
  EXPECT_THAT(run.out, HasSubstr(R"("skippedTraces": 1)"));
  EXPECT_THAT(run.out, HasSubstr(R"("traces": 1,)"));

  const CliRun strict = RunTool({"analyze", path, "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_EQ(strict.out, "");
  EXPECT_THAT(strict.err, HasSubstr("mixed.json"));
}

TEST(CliTest, ABrokenFileAmongGoodOnesIsSkippedAndReported) {
  TempDir dir;
  const std::string good = dir.File("good.json", kTrace);
  const std::string truncated = dir.File("truncated.json", std::string(kTrace).substr(0, 200));
  const std::string empty = dir.File("empty.json", "");
  const CliRun run = RunTool({"analyze", good, truncated, empty, "--format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: skipped " + truncated + ": byte 200: unexpected end"));
  EXPECT_THAT(run.err, HasSubstr("warning: skipped " + empty + ": byte 0: empty input"));
  EXPECT_THAT(run.out, HasSubstr(R"("traces": 1,)"));
  EXPECT_THAT(run.out, HasSubstr("the rest of this input was skipped"));

  const CliRun strict = RunTool({"analyze", good, truncated, "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_EQ(strict.out, "");
  EXPECT_THAT(strict.err, HasSubstr(truncated));
}

TEST(CliTest, CriticalPathJsonHasTheDocumentedShape) {
  TempDir dir;
  const CliRun run =
      RunTool({"critical-path", dir.File("t.json", kTrace), "--format", "json", "--trace", "AA"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("schema": "trace-analyze/critical-path/v1")"));
  EXPECT_THAT(run.out, HasSubstr(R"("traceID": "00000000000000aa")"));
  EXPECT_THAT(run.out, HasSubstr(R"("durationUs": 100)"));
  // gw [1000,1010], db [1010,1040], gw [1040,1100] in ascending start order.
  const size_t first = run.out.find(R"("startUs": 1000,)");
  const size_t db = run.out.find(R"("startUs": 1010,)");
  const size_t last = run.out.find(R"("startUs": 1040,)");
  EXPECT_NE(first, std::string::npos);
  EXPECT_LT(first, db);
  EXPECT_LT(db, last);
}

TEST(CliTest, UnknownTraceIdIsAnError) {
  TempDir dir;
  const CliRun run = RunTool({"critical-path", dir.File("t.json", kTrace), "--trace", "ff"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("trace 00000000000000ff not found"));
}

TEST(CliTest, OutputFileIsWrittenAtomicallyAndNeverOverAnInput) {
  TempDir dir;
  const std::string input = dir.File("t.json", kTrace);
  const std::string report = (dir.path() / "report.json").string();
  CliRun run = RunTool({"analyze", input, "--format", "json", "-o", report});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(ReadFile(report), StartsWith("{\n  \"schema\": \"trace-analyze/analyze/v1\""));
  // No temporary files are left behind.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);

  run = RunTool({"analyze", input, "-o", input});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("refusing to overwrite an input"));
  EXPECT_EQ(ReadFile(input), kTrace);
}

TEST(CliTest, TextReportHasNoColourWhenNotATerminal) {
  TempDir dir;
  const CliRun run = RunTool({"analyze", dir.File("t.json", kTrace)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos);
  EXPECT_THAT(run.out, HasSubstr("Critical path by service"));
  EXPECT_THAT(run.out, HasSubstr("Data quality"));
}

}  // namespace
}  // namespace trace_analyze::testing

namespace trace_analyze::testing {
namespace {

// Two traces where gw runs A, B, C back to back, in different orders: one
// high-confidence sequential finding.
std::string PermutedChains() {
  std::string data = R"({"data":[)";
  const char* orders[2][3] = {{"A", "B", "C"}, {"B", "A", "C"}};
  for (int t = 0; t < 2; ++t) {
    const std::string id = "00000000000000a" + std::to_string(t);
    data += std::string(t ? "," : "") + R"({"traceID":")" + id + R"(","spans":[)" +
            R"({"traceID":")" + id + R"(","spanID":"0000000000000001","operationName":"handle",)" +
            R"("references":[],"startTime":1000000,"duration":11000,"tags":[],"processID":"p1"})";
    for (int i = 0; i < 3; ++i) {
      data += R"(,{"traceID":")" + id + R"(","spanID":"000000000000000)" + std::to_string(i + 2) +
              R"(","operationName":")" + orders[t][i] +
              R"(","references":[{"refType":"CHILD_OF","traceID":")" + id +
              R"(","spanID":"0000000000000001"}],"startTime":)" +
              std::to_string(1001000 + i * 3100) +
              R"(,"duration":3000,"tags":[],"processID":"p1"})";
    }
    data += R"(],"processes":{"p1":{"serviceName":"gw","tags":[]}}})";
  }
  return data + "]}";
}

TEST(CliGateTest, FailOnFindingsExitsOneAndJunitShowsTheFailure) {
  TempDir dir;
  const std::string input = dir.File("t.json", PermutedChains());
  CliRun run = RunTool({"analyze", input});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("[sequential] high confidence"));
  const std::string junit = (dir.path() / "results.xml").string();
  run = RunTool({"analyze", input, "--fail-on-findings", "--report", "junit=" + junit});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("--fail-on-findings"));
  EXPECT_THAT(ReadFile(junit), HasSubstr("failures=\"1\""));
  // Suppressing the finding makes the gate pass.
  const std::string config =
      dir.File("c.json", R"({"ignore":[{"service":"gw","reason":"accepted"}]})");
  run = RunTool({"analyze", input, "--fail-on-findings", "--config", config});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST(CliGateTest, SeveralReportsInOneRun) {
  TempDir dir;
  const std::string input = dir.File("t.json", PermutedChains());
  const std::string md = (dir.path() / "s.md").string();
  const std::string html = (dir.path() / "r.html").string();
  const CliRun run = RunTool({"analyze", input, "--format", "json", "--report", "markdown=" + md,
                              "--report", "html=" + html});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("{"));
  EXPECT_THAT(ReadFile(md), StartsWith("✅ **trace-analyze**"));
  EXPECT_THAT(ReadFile(html), StartsWith("<!DOCTYPE html>"));
  EXPECT_EQ(RunTool({"analyze", input, "--report", "pdf=x.pdf"}).exit_code, 2);
  EXPECT_EQ(RunTool({"analyze", input, "--report", "html"}).exit_code, 2);
}

TEST(CliGateTest, StacksAreFoldedWhenOnlyAnExtraReportShowsThem) {
  // The analysis folds stacks only for the collapsed and HTML writers; asked
  // through --report next to a JSON report, the file must be the same as the
  // collapsed report on its own.
  TempDir dir;
  const std::string collapsed = (dir.path() / "s.folded").string();
  const CliRun run = RunTool(
      {"analyze", "fixtures/traces", "--format", "json", "--report", "collapsed=" + collapsed});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CliRun alone = RunTool({"analyze", "fixtures/traces", "--format", "collapsed"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_FALSE(alone.out.empty());
  EXPECT_EQ(ReadFile(collapsed), alone.out);
  EXPECT_EQ(ReadFile(collapsed), ReadFile("tests/golden/analyze-fixtures.collapsed"));
}

}  // namespace
}  // namespace trace_analyze::testing
