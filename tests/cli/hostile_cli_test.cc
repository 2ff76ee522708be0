// A hostile input file end to end through the CLI, every subcommand and
// format: it must exit 0 with the anomalies counted in the report, or exit 2
// with a clear message, never crash (the sanitizer build runs this too).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;  // "\0…"s keeps embedded NULs

std::string Span(const std::string& id, const std::string& parent, const std::string& start,
                 const std::string& duration, const std::string& op = "op") {
  const std::string refs =
      parent.empty() ? "" : R"({"refType":"CHILD_OF","spanID":")" + parent + R"("})";
  return R"({"spanID":")" + id + R"(","operationName":")" + op + R"(","references":[)" + refs +
         R"(],"startTime":)" + start + R"(,"duration":)" + duration + R"(,"processID":"p1"})";
}

std::string Trace(const std::string& id, const std::string& spans) {
  return R"({"traceID":")" + id + R"(","spans":[)" + spans +
         R"(],"processes":{"p1":{"serviceName":"svc\u001b[31m<b>"}}})";
}

TEST(HostileCliTest, AnomaliesAreCountedAndReportedInEveryFormat) {
  TempDir dir;
  const std::string file = dir.File(
      "hostile.json",
      R"({"data":[)" +
          // Times at the int64 limits.
          Trace("01", Span("a", "", "9223372036854775807", "9223372036854775807") + "," +
                          Span("b", "a", "-9223372036854775808", "-9223372036854775808")) +
          "," +
          // A parent cycle, a self reference and a duplicate id.
          Trace("02", Span("a", "c", "1000", "100") + "," + Span("b", "a", "1010", "50") + "," +
                          Span("c", "b", "1020", "10") + "," + Span("s", "s", "1030", "5") + "," +
                          Span("s", "", "1031", "5")) +
          "," +
          // Undecodable: skipped and listed.
          R"({"traceID":"03","spans":[{"spanID":"x","startTime":1e400}]})" + "," +
          Trace("04", Span("a", "", "1000", "0") + "," + Span("b", "a", "1000", "-5")) + "]}");
  for (const char* command : {"analyze", "critical-path"}) {
    for (const char* format : {"text", "json", "markdown", "html", "junit", "collapsed"}) {
      for (const char* mode : {"jaeger", "causal"}) {
        const CliRun run =
            RunTool({command, file, "--format", format, "--cp-mode", mode, "--adjust-clock-skew"});
        EXPECT_EQ(run.exit_code, 0) << command << " " << format << " " << mode << ": " << run.err;
        EXPECT_THAT(run.err, HasSubstr("skipped")) << command << " " << format;
        EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << format;
      }
    }
  }
  const CliRun json = RunTool({"analyze", file, "--format", "json", "--cp-mode", "causal"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json q = nlohmann::json::parse(json.out)["dataQuality"];
  EXPECT_EQ(q["outOfRangeTimes"], 2);
  EXPECT_EQ(q["negativeDurations"], 2);
  EXPECT_EQ(q["parentCycles"], 2);
  EXPECT_EQ(q["duplicateSpanIds"], 1);
  EXPECT_EQ(q["skippedTraces"], 1);
  EXPECT_EQ(q["traces"], 3);

  // --strict turns the skipped trace into exit 2 with its location.
  const CliRun strict = RunTool({"analyze", file, "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_THAT(strict.err, HasSubstr("hostile.json: byte"));
}

TEST(HostileCliTest, InputErrorsAreClearAndExitTwo) {
  TempDir dir;
  const struct {
    std::string content;
    const char* message;
  } cases[] = {
      {std::string(100'000, '['), "is not closed"}, {"\x1f\x8b\x08\x00garbage"s, "gzip"},
      {"\x28\xb5\x2f\xfd\x00garbage"s, "zstd"},     {"", "empty input"},
      {"\xff\xfe\x00\x00"s, "expected '{' or '['"},
  };
  int n = 0;
  for (const auto& tc : cases) {
    const std::string file = dir.File("in" + std::to_string(n++) + ".json", tc.content);
    const CliRun run = RunTool({"analyze", file});
    EXPECT_EQ(run.exit_code, 2) << tc.message;
    EXPECT_THAT(run.err, HasSubstr(tc.message));
  }
}

}  // namespace
}  // namespace trace_analyze::testing
