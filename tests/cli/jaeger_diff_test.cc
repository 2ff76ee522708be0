// `diff` and `verify` with sides searched on a Jaeger server (in-process fake
// servers): explicit windows and --deploy-time giving the same exact numbers,
// window boundaries, relative times, a partial side labelled in every format
// with exit 3, mixed sides, and every usage error. Regenerate the goldens with:
//   TA_UPDATE_GOLDEN=1 ./build/tests/cli_tests --gtest_filter='*Golden*'
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "jaeger_client/time_parse.h"
#include "reports/writer.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kMinute = 60LL * 1000000;
constexpr int64_t kDeployUs = 1700000000LL * 1000000;  // 2023-11-14T22:13:20Z
const std::string kDeploy = "2023-11-14T22:13:20Z";
const std::string kBefore = "2023-11-14T21:43:20Z..2023-11-14T22:13:20Z";  // 30 min before
const std::string kAfter = "2023-11-14T22:13:20Z..2023-11-14T22:43:20Z";   // 30 min after

// frontend "GET /dispatch" calling driver then route. Before the deploy the
// calls run one after the other (root 1200 + 10·i µs); after it they run
// concurrently (root 600 + 10·i µs).
FakeTrace DispatchTrace(int64_t start, int i, bool concurrent) {
  FakeTrace t =
      MakeFakeTrace(fmt::format("{:016x}", (concurrent ? 0xc0000 : 0xb0000) + i), start, 2, false);
  t.spans[0].duration_us = (concurrent ? 600 : 1200) + 10 * i;
  t.spans[1].start_us = start + 50;
  t.spans[1].duration_us = 500;
  t.spans[2].start_us = start + (concurrent ? 50 : 600);
  t.spans[2].duration_us = 500;
  t.spans[2].service = "route";
  t.spans[2].operation = "FindRoute";
  return t;
}

// 10 sequential traces every 3 min from `before_start`, 12 concurrent ones
// every 2 min from `after_start`.
FakeJaegerStore DeployStore(int64_t before_start, int64_t after_start) {
  FakeJaegerStore store;
  for (int i = 0; i < 10; ++i) store.Add(DispatchTrace(before_start + 3 * kMinute * i, i, false));
  for (int i = 0; i < 12; ++i) store.Add(DispatchTrace(after_start + 2 * kMinute * i, i, true));
  return store;
}

// Around kDeployUs: the first baseline trace starts exactly at the start of
// the 30-minute window before, the first candidate trace exactly at the
// deploy; two slow traces lie just outside the windows and must not count.
FakeJaegerStore Store() {
  FakeJaegerStore store = DeployStore(kDeployUs - 30 * kMinute, kDeployUs);
  FakeTrace early = DispatchTrace(kDeployUs - 31 * kMinute, 98, false);
  early.spans[0].duration_us = 9000;
  store.Add(std::move(early));
  FakeTrace late = DispatchTrace(kDeployUs + 30 * kMinute, 99, true);  // the window's end
  late.spans[0].duration_us = 9000;
  store.Add(std::move(late));
  return store;
}

std::vector<std::string> Args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::vector<std::string> Jaeger(const std::string& url) {
  return {"--jaeger", url, "--service", "frontend", "--no-cache", "--retries", "0"};
}

const nlohmann::json& Latency(const nlohmann::json& doc, const std::string& percentile) {
  for (const nlohmann::json& row : doc["latency"]) {
    if (row["rootOperation"] == "all" && row["percentile"] == percentile) return row;
  }
  static const nlohmann::json kNone;
  return kNone;
}

TEST(JaegerDiffTest, WindowsGiveExactNumbersAndAVerdict) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  const CliRun run =
      RunTool(Args({"diff", "--baseline-window", kBefore, "--candidate-window", kAfter},
                   Args(Jaeger(server.url()), {"--target", "p50_latency_reduction>=40%", "--target",
                                               "overlap_share>=90%", "--format", "json"})));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  // The trace at the deploy instant is a candidate only; the ones outside
  // the windows count nowhere.
  EXPECT_EQ(doc["baseline"]["traces"], 10);
  EXPECT_EQ(doc["candidate"]["traces"], 12);
  const nlohmann::json& p50 = Latency(doc, "p50");
  EXPECT_EQ(p50["baselineUs"], 1240);  // nearest rank: the 5th of 1200..1290
  EXPECT_EQ(p50["candidateUs"], 650);  // the 6th of 600..710
  EXPECT_EQ(p50["changePct"], -47.58);
  EXPECT_EQ(p50["significant"], true);
  EXPECT_EQ(Latency(doc, "p99")["baselineUs"], 1290);
  EXPECT_EQ(Latency(doc, "p99")["candidateUs"], 710);
  EXPECT_EQ(doc["verdict"], "pass");
  ASSERT_EQ(doc["verify"].size(), 1u);
  EXPECT_EQ(doc["verify"][0]["status"], "parallel");
  EXPECT_EQ(doc["verify"][0]["overlapShare"], 1.0);
  for (const char* side : {"baseline", "candidate"}) {
    EXPECT_EQ(doc[side]["input"]["server"], server.url() + " (HTTP /api)") << side;
    EXPECT_EQ(doc[side]["input"]["partial"], false) << side;
    EXPECT_EQ(doc[side]["input"]["uiUrl"], server.url()) << side;
  }
  EXPECT_EQ(doc["baseline"]["window"],
            (nlohmann::json{{"start", "2023-11-14T21:43:20Z"}, {"end", "2023-11-14T22:13:20Z"}}));
  EXPECT_EQ(doc["candidate"]["window"],
            (nlohmann::json{{"start", "2023-11-14T22:13:20Z"}, {"end", "2023-11-14T22:43:20Z"}}));
  EXPECT_EQ(run.err, "");
}

TEST(JaegerDiffTest, DeployTimeIsTheWindowBeforeAgainstTheWindowAfter) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  const std::vector<std::string> tail = Args(Jaeger(server.url()), {"--format", "json"});
  const CliRun windows =
      RunTool(Args({"diff", "--baseline-window", kBefore, "--candidate-window", kAfter}, tail));
  const CliRun deploy = RunTool(Args({"diff", "--deploy-time", kDeploy, "--window", "30m"}, tail));
  ASSERT_EQ(deploy.exit_code, 0) << deploy.err;
  EXPECT_EQ(deploy.out, windows.out);
  // Each side is its own search with the side's window (the end excluded).
  const std::vector<std::string> paths = server.SeenPaths();
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/api/traces"), 4);  // 2 runs × 2 sides
  // verify takes the same sides and prints the same document shape.
  const CliRun verify =
      RunTool(Args({"verify", "--deploy-time", kDeploy, "--window", "30m"}, tail));
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  const nlohmann::json doc = nlohmann::json::parse(verify.out);
  EXPECT_EQ(doc["command"], "verify");
  EXPECT_EQ(doc["verify"][0]["status"], "parallel");
}

TEST(JaegerDiffTest, GrpcServersToo) {
  const FakeJaegerStore store = Store();
  FakeJaegerGrpc server(&store, {});
  const CliRun run = RunTool(Args({"diff", "--deploy-time", kDeploy, "--window", "30m"},
                                  Args(Jaeger(server.url()), {"--format", "json"})));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["baseline"]["traces"], 10);
  EXPECT_EQ(doc["candidate"]["traces"], 12);
  EXPECT_EQ(Latency(doc, "p50")["changePct"], -47.58);
  EXPECT_THAT(doc["candidate"]["input"]["server"].get<std::string>(), HasSubstr("(gRPC api_v"));
}

TEST(JaegerDiffTest, RelativeWindowsAndTheFuture) {
  const int64_t now = jaeger_client::NowUs();
  const FakeJaegerStore store = DeployStore(now - 100 * kMinute, now - 50 * kMinute);
  FakeJaegerHttp server(&store, {});
  const std::vector<std::string> tail = Args(Jaeger(server.url()), {"--format", "json"});
  CliRun run =
      RunTool(Args({"diff", "--baseline-window", "2h..1h", "--candidate-window", "1h"}, tail));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["baseline"]["traces"], 10);
  EXPECT_EQ(doc["candidate"]["traces"], 12);

  run = RunTool(Args({"diff", "--deploy-time", "1h", "--window", "1h"}, tail));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["candidate"]["traces"], 12);

  // A window that has not ended yet holds only the traces so far: a warning.
  run = RunTool(Args({"diff", "--deploy-time", "60m", "--window", "90m"}, tail));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: the candidate window "));
  EXPECT_THAT(run.err, HasSubstr("ends in the future"));
  EXPECT_THAT(run.err, Not(HasSubstr("the baseline window")));
}

TEST(JaegerDiffTest, ASideMayBeFilesTheOtherAWindow) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string before = (dir.path() / "before.json").string();
  ASSERT_EQ(RunTool(Args({"fetch", "--from", "2023-11-14T21:43:20Z", "--to",
                          "2023-11-14T22:13:19.999999Z", "-o", before},
                         Jaeger(server.url())))
                .exit_code,
            0);
  const CliRun run = RunTool(Args({"diff", "--baseline", before, "--candidate-window", kAfter},
                                  Args(Jaeger(server.url()), {"--format", "json"})));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["baseline"]["traces"], 10);
  EXPECT_EQ(doc["baseline"]["input"]["files"], 1);
  EXPECT_EQ(doc["baseline"]["window"], nullptr);
  EXPECT_EQ(doc["candidate"]["traces"], 12);
  EXPECT_EQ(Latency(doc, "p50")["changePct"], -47.58);
}

TEST(JaegerDiffTest, ReversedWindowsOnlyWarn) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  const CliRun run =
      RunTool(Args({"diff", "--baseline-window", kAfter, "--candidate-window", kBefore},
                   Args(Jaeger(server.url()), {"--format", "json"})));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: the candidate window 2023-11-14T21:43:20Z.."
                                 "2023-11-14T22:13:20Z comes before the baseline window"));
  EXPECT_EQ(Latency(nlohmann::json::parse(run.out), "p50")["baselineUs"], 650);
}

// The searches of the candidate window after its first call fail (limit 3
// forces sub-windows): 10 of its 12 traces arrive, the baseline is complete.
std::vector<std::string> PartialCandidate(const std::string& url) {
  return Args({"diff", "--deploy-time", kDeploy, "--window", "30m", "--limit", "3", "--max-traces",
               "100", "--target", "p95_latency_reduction>=30%"},
              Jaeger(url));
}

FakeHttpBehaviour FailingCandidateSubWindows() {
  FakeHttpBehaviour b;
  b.fail_searches_starting_after_us = kDeployUs;
  return b;
}

TEST(JaegerDiffTest, APartialSideIsLabelledInEveryReportAndExitsThree) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, FailingCandidateSubWindows());
  TempDir dir;
  std::vector<std::string> args = PartialCandidate(server.url());
  for (const std::string& format : reports::ReportWriterNames()) {
    args.push_back("--report");
    args.push_back(format + "=" + (dir.path() / format).string());
  }
  const CliRun run = RunTool(args);
  // The target holds, but the candidate is incomplete: reports, then exit 3.
  ASSERT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: candidate: partial results: " + server.url() +
                                 " (HTTP /api): GET /api/traces?"));
  EXPECT_THAT(run.err, Not(HasSubstr("baseline: partial")));
  const auto read = [&](const std::string& format) { return ReadFile(dir.path() / format); };

  EXPECT_THAT(read("text"),
              StartsWith("PARTIAL RESULTS (candidate): not every requested trace could be read\n"
                         "  - " +
                         server.url() + " (HTTP /api): GET /api/traces?"));
  EXPECT_THAT(read("text"), Not(HasSubstr("PARTIAL RESULTS (baseline)")));
  EXPECT_THAT(read("text"), HasSubstr("Verdict: PASS"));

  const nlohmann::json doc = nlohmann::json::parse(read("json"));
  EXPECT_EQ(doc["baseline"]["input"]["partial"], false);
  EXPECT_EQ(doc["candidate"]["input"]["partial"], true);
  EXPECT_EQ(doc["candidate"]["input"]["partialReasons"].size(), 3u);  // 3 failed sub-windows
  EXPECT_EQ(doc["baseline"]["traces"], 10);
  EXPECT_EQ(doc["candidate"]["traces"], 10);  // the two in failed sub-windows are missing
  EXPECT_EQ(doc["verdict"], "pass");

  const std::string md = read("markdown");
  EXPECT_THAT(md, StartsWith("⚠️ **trace-analyze diff: PASS**"));
  EXPECT_THAT(md, HasSubstr(" — **partial results (candidate)**\n"));
  EXPECT_THAT(md, HasSubstr("> ⚠️ **Partial results (candidate)**: not every requested trace "
                            "could be read from "));
  EXPECT_THAT(md, Not(HasSubstr("Partial results (baseline)")));

  const std::string html = read("html");
  EXPECT_THAT(html, HasSubstr("<div class=\"partial\" role=\"alert\"><strong>&#9888; Partial "
                              "results (candidate):</strong>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict partial\">&#9888; <b>PASS</b>"));
  EXPECT_THAT(html, Not(HasSubstr("Partial results (baseline)")));

  const std::string xml = read("junit");
  EXPECT_THAT(xml, HasSubstr("<property name=\"candidate.partial\" value=\"true\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"baseline.partial\" value=\"false\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"candidate.window\" "
                             "value=\"2023-11-14T22:13:20Z..2023-11-14T22:43:20Z\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"candidate input is readable\">\n      <failure "
                             "message=\"partial results: not every requested trace could be "
                             "read from " +
                             server.url()));
  EXPECT_THAT(xml, HasSubstr("name=\"baseline input is readable\">\n      <system-out>"));
}

TEST(JaegerDiffTest, APartialSideOutranksAFailedTarget) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, FailingCandidateSubWindows());
  const CliRun run =
      RunTool(Args(PartialCandidate(server.url()), {"--target", "p95_latency_reduction>=90%"}));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Verdict: FAIL"));
}

TEST(JaegerDiffTest, ABackendFailureOnASideExitsThreeWithoutAReport) {
  const FakeJaegerStore store = Store();
  FakeHttpBehaviour down;
  down.fail_first = 1000;
  FakeJaegerHttp server(&store, down);
  const CliRun run =
      RunTool(Args({"diff", "--deploy-time", kDeploy, "--window", "30m"}, Jaeger(server.url())));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("error: baseline: " + server.url()));
  EXPECT_EQ(run.out, "");
}

TEST(JaegerDiffTest, AnEmptyWindowIsAnInputError) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  const CliRun run = RunTool(Args({"diff", "--baseline-window", kBefore, "--candidate-window",
                                   "2023-11-15T00:00:00Z..2023-11-15T01:00:00Z"},
                                  Jaeger(server.url())));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("error: candidate: no trace of service frontend started in "
                                 "2023-11-15T00:00:00Z..2023-11-15T01:00:00Z"));
}

TEST(JaegerDiffTest, UsageErrors) {
  // Nothing here reaches a server: port 1 would refuse.
  const std::string url = "http://127.0.0.1:1";
  const std::vector<std::string> jaeger = Jaeger(url);
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {Args({"diff", "-b", "fixtures/diff/baseline.json", "--baseline-window", kBefore,
             "--candidate-window", kAfter},
            jaeger),
       "--baseline INPUT and --baseline-window exclude each other"},
      {Args({"diff", "-c", "fixtures/diff/candidate.json", "--candidate-window", kAfter,
             "--baseline-window", kBefore},
            jaeger),
       "--candidate INPUT and --candidate-window exclude each other"},
      {{"diff", "--baseline-window", kBefore, "--candidate-window", kAfter, "--service", "x"},
       "--baseline-window searches a Jaeger server: give --jaeger URL"},
      {{"diff", "-b", "fixtures/diff/baseline.json", "--candidate-window", kAfter},
       "--candidate-window searches a Jaeger server: give --jaeger URL"},
      {{"diff", "--deploy-time", kDeploy, "--window", "30m"},
       "--deploy-time searches a Jaeger server: give --jaeger URL"},
      {Args({"diff", "--deploy-time", kDeploy}, jaeger), "--deploy-time needs --window"},
      {Args({"diff", "--window", "30m"}, jaeger), "--window needs --deploy-time"},
      {Args({"diff", "--deploy-time", kDeploy, "--window", "0s"}, jaeger),
       "--window '0s': expected a duration"},
      {Args({"diff", "--deploy-time", "yesterday", "--window", "30m"}, jaeger),
       "--deploy-time 'yesterday': expected RFC 3339"},
      {Args({"diff", "--deploy-time", kDeploy, "--window", "30m", "--baseline-window", kBefore},
            jaeger),
       "--deploy-time with --window sets both windows"},
      {Args({"diff", "--deploy-time", kDeploy, "--window", "30m", "-b",
             "fixtures/diff/baseline.json"},
            jaeger),
       "--deploy-time searches both sides on --jaeger: drop --baseline and --candidate"},
      {Args({"diff", "--baseline-window", kBefore}, jaeger), "no candidate: give --candidate"},
      {Args({"diff", "--candidate-window", kAfter}, jaeger), "no baseline: give --baseline"},
      {Args({"diff", "--baseline-window", "yesterday..now", "--candidate-window", kAfter}, jaeger),
       "--baseline-window 'yesterday..now': expected FROM..TO"},
      {Args({"diff", "--baseline-window", kBefore, "--candidate-window",
             "2023-11-14T23:00:00Z..2023-11-14T22:50:00Z"},
            jaeger),
       "--candidate-window '2023-11-14T23:00:00Z..2023-11-14T22:50:00Z': empty window"},
      // Overlapping windows would put the same traces on both sides.
      {Args({"diff", "--baseline-window", kBefore, "--candidate-window",
             "2023-11-14T22:13:19Z..2023-11-14T22:43:20Z"},
            jaeger),
       "the baseline window 2023-11-14T21:43:20Z..2023-11-14T22:13:20Z and the candidate "
       "window 2023-11-14T22:13:19Z..2023-11-14T22:43:20Z overlap"},
      {Args({"diff", "--baseline-window", "2023-11-14T21:00:00Z..2023-11-14T23:00:00Z",
             "--candidate-window", kAfter},
            jaeger),
       "overlap"},
      {{"diff", "--jaeger", url, "--baseline-window", kBefore, "--candidate-window", kAfter},
       "--baseline-window: a Jaeger search needs --service"},
      {Args({"diff", "-b", "fixtures/diff/baseline.json", "-c", "fixtures/diff/candidate.json"},
            jaeger),
       "--jaeger needs a window to search"},
      {Args({"diff", "--deploy-time", kDeploy, "--window", "30m", "--target", "nonsense"}, jaeger),
       "target 'nonsense': unknown metric"},
      // Windows are per side: the analysis commands' window and id flags do not apply.
      {Args({"diff", "--deploy-time", kDeploy, "--window", "30m", "--since", "1h"}, jaeger),
       "--since"},
      {Args({"verify", "--deploy-time", kDeploy, "--window", "30m", "--trace-id", "ab"}, jaeger),
       "--trace-id"},
      {{"verify", "--baseline-window", kBefore, "--candidate-window", kAfter, "--jaeger-ui-url",
        "http://ui"},
       "--jaeger-ui-url requires --jaeger"},
  };
  for (const auto& c : cases) {
    const CliRun run = RunTool(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.message << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << run.err;
    EXPECT_EQ(run.out, "") << c.message;
  }
}

TEST(JaegerDiffTest, HelpNamesTheJaegerForms) {
  const CliRun run = RunTool({"diff", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* flag : {"--baseline-window", "--candidate-window", "--deploy-time", "--window",
                           "--jaeger", "--service", "--max-traces"}) {
    EXPECT_THAT(run.out, HasSubstr(flag)) << flag;
  }
  EXPECT_THAT(run.out, Not(HasSubstr("--trace-ids")));
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The partial diff in every format, for review; its random port is replaced
// by PORT.
class JaegerDiffGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JaegerDiffGoldenTest, MatchesGolden) {
  const std::string& format = GetParam();
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, FailingCandidateSubWindows());
  const CliRun run = RunTool(Args(PartialCandidate(server.url()), {"--format", format}));
  ASSERT_EQ(run.exit_code, 3) << run.err;
  const std::string out = Replace(run.out, server.url(), "http://127.0.0.1:PORT");
  const std::string ext = format == "text" ? "txt" : format;
  const std::filesystem::path path = "tests/golden/diff-jaeger-partial." + ext;
  if (std::getenv("TA_UPDATE_GOLDEN") != nullptr) {
    WriteFile(path, out);
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; run with TA_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(path), out) << "regenerate: TA_UPDATE_GOLDEN=1 ctest -R Golden";
}

INSTANTIATE_TEST_SUITE_P(JaegerServer, JaegerDiffGoldenTest,
                         ::testing::ValuesIn(reports::ReportWriterNames()),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace trace_analyze::testing
