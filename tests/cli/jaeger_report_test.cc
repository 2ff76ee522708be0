// Reports of traces read from a Jaeger server: the partial-result label in
// every format, and trace ids linked to the Jaeger UI in HTML and Markdown.
// Goldens run against an in-process server; its random port is replaced by
// PORT before comparing. Regenerate with:
//   TA_UPDATE_GOLDEN=1 ./build/tests/cli_tests --gtest_filter='*Golden*'
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "reports/writer.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kBaseUs = 1700000000LL * 1000000;  // 2023-11-14T22:13:20Z

// Three traces in which frontend calls driver and then route one after the
// other (500 µs each): a sequential finding with example trace ids.
FakeJaegerStore Store() {
  FakeJaegerStore store;
  for (int i = 0; i < 3; ++i) {
    const int64_t start = kBaseUs + i * 60LL * 1000000;
    FakeTrace t = MakeFakeTrace(fmt::format("{:016x}", 0xa0000 + i), start, 2, i == 2);
    t.spans[0].duration_us = 1200;
    t.spans[1].start_us = start + 50;
    t.spans[1].duration_us = 500;
    t.spans[2].start_us = start + 600;
    t.spans[2].duration_us = 500;
    t.spans[2].service = "route";
    t.spans[2].operation = "FindRoute";
    store.Add(std::move(t));
  }
  return store;
}

// Two traces found, one requested id missing: a partial result.
std::vector<std::string> PartialAnalyze(const std::string& url) {
  return {"analyze",    "--jaeger",         url,          "--trace-id", "a0000",
          "--trace-id", "0000000000bbbbbb", "--trace-id", "a0002",      "--no-cache"};
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct JaegerGoldenCase {
  std::string name;  // golden file stem
  std::vector<std::string> (*args)(const std::string& url);
};

void PrintTo(const JaegerGoldenCase& c, std::ostream* os) { *os << c.name; }

class JaegerGoldenTest
    : public ::testing::TestWithParam<std::tuple<JaegerGoldenCase, std::string>> {};

TEST_P(JaegerGoldenTest, MatchesGolden) {
  const auto& [c, format] = GetParam();
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  std::vector<std::string> args = c.args(server.url());
  args.insert(args.end(), {"--format", format});
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 3) << run.err;  // partial: reported, then exit 3
  const std::string out = Replace(run.out, server.url(), "http://127.0.0.1:PORT");
  const std::string ext = format == "text" ? "txt" : format;
  const std::filesystem::path path = "tests/golden/" + c.name + "." + ext;
  if (std::getenv("TA_UPDATE_GOLDEN") != nullptr) {
    WriteFile(path, out);
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; run with TA_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(path), out) << "regenerate: TA_UPDATE_GOLDEN=1 ctest -R Golden";
}

std::vector<JaegerGoldenCase> GoldenCases() {
  return {
      {"analyze-jaeger-partial", &PartialAnalyze},
      {"critical-path-jaeger-partial",
       [](const std::string& url) -> std::vector<std::string> {
         return {"critical-path", "--jaeger", url,      "--trace",
                 "a0001",         "--trace",  "cccccc", "--no-cache"};
       }},
  };
}

INSTANTIATE_TEST_SUITE_P(JaegerServer, JaegerGoldenTest,
                         ::testing::Combine(::testing::ValuesIn(GoldenCases()),
                                            ::testing::ValuesIn(reports::ReportWriterNames())),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param).name + "_" + std::get<1>(info.param);
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(JaegerReportTest, HtmlAndMarkdownLinkExampleTracesToTheUi) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string html = (dir.path() / "r.html").string();
  const std::string md = (dir.path() / "r.md").string();
  std::vector<std::string> args = PartialAnalyze(server.url());
  args.insert(args.end(), {"--report", "html=" + html, "--report", "markdown=" + md});
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 3) << run.err;
  const std::string page = ReadFile(html);
  const std::string link = server.url() + "/trace/00000000000a0000";
  // Findings examples and the representative traces link to the UI.
  EXPECT_THAT(page, HasSubstr("examples: <a href=\"" + link +
                              "\" title=\"open in the Jaeger UI\"><code>00000000000a0000</code>"
                              "</a>"));
  EXPECT_THAT(page, HasSubstr("trace: <a href=\"" + server.url() + "/trace/"));
  const std::string markdown = ReadFile(md);
  EXPECT_THAT(markdown, HasSubstr("example traces: [`00000000000a0000`](" + link + ")"));
}

TEST(JaegerReportTest, LinksFollowUiUrlOverrideAndBasePath) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  std::vector<std::string> args = PartialAnalyze(server.url());
  args.insert(args.end(),
              {"--jaeger-ui-url", "https://ui.example/jaeger/", "--format", "markdown"});
  CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.out,
              HasSubstr("[`00000000000a0000`](https://ui.example/jaeger/trace/00000000000a0000)"));
  EXPECT_THAT(run.out, Not(HasSubstr("](" + server.url())));

  // JSON carries the UI base for tools that build their own links.
  args.back() = "json";
  run = RunTool(args);
  EXPECT_EQ(nlohmann::json::parse(run.out)["input"]["uiUrl"], "https://ui.example/jaeger");
}

TEST(JaegerReportTest, GrpcLinksOnlyWithUiUrl) {
  const FakeJaegerStore store = Store();
  FakeJaegerGrpc server(&store, {});
  std::vector<std::string> args = {"analyze",    "--jaeger", server.url(), "--trace-id", "a0000",
                                   "--trace-id", "a0001",    "--no-cache", "--format",   "html"};
  CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("<code>00000000000a0000</code>"));
  EXPECT_THAT(run.out, Not(HasSubstr("href=")));  // the gRPC port serves no UI
  EXPECT_THAT(run.out, HasSubstr(" from " + server.url() + " (gRPC api_v"));

  args.insert(args.end(), {"--jaeger-ui-url", "http://jaeger-ui:16686"});
  run = RunTool(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("<a href=\"http://jaeger-ui:16686/trace/00000000000a0000\""));
}

TEST(JaegerReportTest, EveryReportOfAPartialRunIsLabelled) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  std::vector<std::string> args = PartialAnalyze(server.url());
  for (const std::string& format : reports::ReportWriterNames()) {
    args.push_back("--report");
    args.push_back(format + "=" + (dir.path() / format).string());
  }
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 3) << run.err;
  const auto read = [&](const std::string& format) { return ReadFile(dir.path() / format); };
  EXPECT_THAT(read("text"), ::testing::StartsWith("PARTIAL RESULTS"));
  EXPECT_EQ(nlohmann::json::parse(read("json"))["input"]["partial"], true);
  EXPECT_THAT(read("markdown"), HasSubstr("— **partial results**"));
  EXPECT_THAT(read("markdown"), HasSubstr("> ⚠️ **Partial results**"));
  EXPECT_THAT(read("markdown"), HasSubstr("0000000000bbbbbb"));
  EXPECT_THAT(read("html"), HasSubstr("<div class=\"partial\" role=\"alert\">"));
  EXPECT_THAT(read("html"), HasSubstr("0000000000bbbbbb"));
  EXPECT_THAT(read("junit"), HasSubstr("<property name=\"partial\" value=\"true\"/>"));
  EXPECT_THAT(read("junit"),
              HasSubstr("<failure message=\"partial results: not every requested trace could be "
                        "read from " +
                        server.url()));
  // Folded stacks have no place for a label; the exit code and stderr say it.
  EXPECT_THAT(run.err, HasSubstr("partial results: 1 requested trace not found"));
}

TEST(JaegerReportTest, CompleteRunsAreNotLabelledPartial) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  for (const char* format : {"text", "markdown", "html", "junit"}) {
    const CliRun run = RunTool({"analyze", "--jaeger", server.url(), "--trace-id", "a0000",
                                "--no-cache", "--format", format});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::string lower = run.out;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_THAT(lower, Not(HasSubstr("partial results"))) << format;
    EXPECT_THAT(run.out, Not(HasSubstr("class=\"partial\""))) << format;
  }
}

TEST(JaegerReportTest, BadUiUrlsAreUsageErrors) {
  for (const char* ui : {"javascript:alert(1)", "ftp://x", "http://user:pw@host",
                         "http://host/?q=1", "http://host/a b", "http://"}) {
    const CliRun run = RunTool({"analyze", "--jaeger", "http://127.0.0.1:1", "--trace-id", "ab",
                                "--jaeger-ui-url", ui, "--retries", "0", "--no-cache"});
    EXPECT_EQ(run.exit_code, 2) << ui << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr("--jaeger-ui-url")) << ui;
  }
  TempDir dir;
  const std::string file = dir.File("t.json", "{\"data\":[]}");
  const CliRun run = RunTool({"analyze", file, "--jaeger-ui-url", "http://ui"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--jaeger-ui-url requires --jaeger"));
}

}  // namespace
}  // namespace trace_analyze::testing
