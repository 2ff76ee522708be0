// `diff` and `verify` as CI sees them: the exit code of every gate, strict
// target syntax, input errors, and the JSON document's shape. Inputs are the
// fixtures/diff pair (fixtures/diff/README.md): checkouts whose three calls
// became concurrent, searches unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kBaseline = "fixtures/diff/baseline.json";
const std::string kCandidate = "fixtures/diff/candidate.json";
const std::string kCalls = "frontend:POST /checkout>cart:GetCart,pricing:Quote,inventory:Reserve";

CliRun Diff(std::vector<std::string> extra, const std::string& command = "diff",
            const std::string& candidate = kCandidate) {
  std::vector<std::string> args = {command, "--baseline", kBaseline, "--candidate", candidate};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunTool(args);
}

TEST(DiffCliTest, HelpShowsExamplesTargetsAndExitCodes) {
  for (const char* cmd : {"diff", "verify"}) {
    const CliRun run = RunTool({cmd, "--help"});
    EXPECT_EQ(run.exit_code, 0) << cmd;
    EXPECT_THAT(run.out, HasSubstr("Examples:")) << cmd;
    EXPECT_THAT(run.out, HasSubstr("p95_latency_reduction")) << cmd;
    EXPECT_THAT(run.out, HasSubstr("Exit codes: 0 every target holds")) << cmd;
  }
}

TEST(DiffCliTest, NoTargetsPassesAndSaysSo) {
  const CliRun run = Diff({});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Verdict: PASS — no targets: nothing to gate"));
  EXPECT_THAT(run.out, HasSubstr("1. parallel — frontend POST /checkout"));
}

TEST(DiffCliTest, EveryHoldingGateExitsZero) {
  const CliRun run = Diff({"--target", "p95_latency_reduction>=30%", "--target",
                           "p50_latency_reduction[frontend:POST /checkout]>=40%", "--target",
                           "error_rate_increase<=0", "--target", "throughput_reduction<=0",
                           "--target", "overlap_share>=90%", "--target", "realised_saving>=80%",
                           "--budget", "frontend:POST /checkout=50ms/80ms", "--expect", kCalls});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("Verdict: PASS — all 8 targets hold"));
  EXPECT_THAT(run.out, Not(HasSubstr("FAIL")));
}

TEST(DiffCliTest, AcceptableDoesNotFailTheGate) {
  const CliRun run = Diff({"--budget", "frontend:POST /checkout=40ms/50ms"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("ACCEPTABLE"));
  EXPECT_THAT(run.out, HasSubstr("(1 only at the acceptable level)"));
}

// Each kind of gate, failing on its own, exits 1 and names itself.
TEST(DiffCliTest, EveryFailingGateExitsOne) {
  const struct {
    std::vector<std::string> args;
    std::string candidate;
    std::string failed;
  } cases[] = {
      // The same traces on both sides: no reduction at all.
      {{"--target", "p95_latency_reduction>=30%"}, kBaseline, "p95_latency_reduction"},
      {{"--target", "p99_latency[frontend:GET /search]<=10ms"},
       kCandidate,
       "p99_latency[frontend:GET /search]"},
      // +25 % but not significant with 60 traces a side.
      {{"--target", "throughput_increase>=20%"}, kCandidate, "throughput_increase"},
      {{"--target", "error_rate<=1%"}, kCandidate, "error_rate"},
      {{"--target", "error_rate_reduction>=1%"}, kCandidate, "error_rate_reduction"},
      // The chain stayed sequential.
      {{"--target", "overlap_share>=90%"}, kBaseline, "overlap_share[50ef4b4cb7614a9a]"},
      {{"--expect", kCalls}, kBaseline, "overlap_share[" + kCalls + "]"},
      // An expected pattern that does not exist: absent, never a success.
      {{"--expect", "frontend:POST /checkout>cart:GetCart,fraud:Check"},
       kCandidate,
       "overlap_share[frontend:POST /checkout>cart:GetCart,fraud:Check]"},
      {{"--budget", "frontend:POST /checkout=20ms/30ms"},
       kCandidate,
       "p95_duration[frontend:POST /checkout]"},
      {{"--budget", "payment:Refund=20ms"}, kCandidate, "p95_duration[payment:Refund]"},
  };
  for (const auto& c : cases) {
    const CliRun run = Diff(c.args, "diff", c.candidate);
    EXPECT_EQ(run.exit_code, 1) << c.failed << "\n" << run.out << run.err;
    EXPECT_THAT(run.out, HasSubstr("Verdict: FAIL — 1 of 1 target failed: " + c.failed));
    EXPECT_EQ(run.err, "") << c.failed;
  }
}

TEST(DiffCliTest, BadTargetsBudgetsAndExpectationsAreUsageErrors) {
  const std::vector<std::vector<std::string>> cases = {
      {"--target", "p95_latency_reduction>=30"},
      {"--target", "p95_latency_reduction=>30%"},
      {"--target", "latency_reduction>=30%"},
      {"--target", "throughput_increase[x]>=5%"},
      {"--budget", "checkout=100"},
      {"--budget", "checkout:100ms"},
      {"--expect", "checkout"},
  };
  for (const auto& args : cases) {
    const CliRun run = Diff(args);
    EXPECT_EQ(run.exit_code, 2) << args[1];
    EXPECT_THAT(run.err, StartsWith("trace-analyze: error: ")) << args[1];
    EXPECT_EQ(run.out, "") << args[1];
  }
  EXPECT_THAT(Diff({"--target", "p95_latency_reduction>=30"}).err,
              HasSubstr("target 'p95_latency_reduction>=30': '30' needs a percent sign"));
}

TEST(DiffCliTest, InputErrorsExitTwo) {
  TempDir dir;
  CliRun run =
      RunTool({"diff", "--baseline", "/nonexistent/before.json", "--candidate", kCandidate});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("baseline: "));
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/before.json"));

  const std::string empty = (dir.path() / "empty").string();
  std::filesystem::create_directories(empty);
  run = RunTool({"diff", "--baseline", kBaseline, "--candidate", empty});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("candidate: no traces"));

  run = RunTool({"diff", "--baseline", kBaseline});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--candidate"));

  // --strict: a broken trace in a side is fatal.
  std::string broken = ReadFile(kCandidate);
  broken.insert(broken.rfind(']'), R"(,{"traceID":"bb","spans":[{"spanID":"01","duration":"x"}]})");
  const std::string path = dir.File("broken.json", broken);
  run = RunTool({"diff", "-b", kBaseline, "-c", path});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: skipped"));
  EXPECT_THAT(run.out, HasSubstr("Skipped candidate input (1 problem)"));
  run = RunTool({"diff", "-b", kBaseline, "-c", path, "--strict"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
}

TEST(DiffCliTest, SidesTakeSeveralInputs) {
  // Repeated flags and several values after one flag both work.
  CliRun run = RunTool(
      {"diff", "-b", kBaseline, "-b", kBaseline, "-c", kCandidate, kCandidate, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("baselineTraces": 120)"));
  EXPECT_THAT(run.out, HasSubstr(R"("files": 2)"));
}

TEST(DiffCliTest, ConfigFileTargetsBudgetsAndExpectations) {
  TempDir dir;
  const std::string config = dir.File("c.json", R"({
    // CI gate
    "targets": ["p95_latency_reduction >= 30%", "error_rate_increase <= 0"],
    "budgets": [{"operation": "frontend:POST /checkout", "percentile": 99,
                 "target": "40ms", "acceptable": "60ms"}],
    "verify": {"parallelShare": 0.8,
               "expectations": [{"name": "checkout fan-out", "parent": "frontend:POST /checkout",
                                 "children": ["cart:GetCart", "pricing:Quote", "inventory:Reserve"],
                                 "minOverlapShare": 0.95}]}})");
  CliRun run = Diff({"--config", config, "--format", "json"}, "verify");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("name": "p99_duration[frontend:POST /checkout]")"));
  EXPECT_THAT(run.out, HasSubstr(R"("status": "ACCEPTABLE")"));
  EXPECT_THAT(run.out, HasSubstr(R"("name": "overlap_share[checkout fan-out]")"));
  EXPECT_THAT(run.out, HasSubstr(R"("origin": "config budgets[0]")"));
  EXPECT_THAT(run.out, HasSubstr(R"("minOverlapShare": 0.95)"));
  // The same expectation against the unchanged baseline fails the gate.
  run = Diff({"--config", config}, "verify", kBaseline);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("overlap_share[checkout fan-out]"));

  const std::string bad = dir.File("bad.json", R"({"targets": ["p95_latency_reduction >= 30"]})");
  run = Diff({"--config", bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("bad.json: 'targets[0]': target 'p95_latency_reduction >= 30'"));
}

TEST(DiffCliTest, VerifyJsonIsTheDiffDocument) {
  const CliRun verify = Diff({"--format", "json"}, "verify");
  const CliRun diff = Diff({"--format", "json"}, "diff");
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  for (const char* key :
       {R"("schema": "trace-analyze/diff/v1")", R"("verdict": "pass")", R"("targets": [])",
        R"("verify": [)", R"("latency": [)", R"("throughput": {)", R"("errorRate": {)",
        R"("findings": {)", R"("status": "parallel")"}) {
    EXPECT_THAT(verify.out, HasSubstr(key)) << key;
  }
  EXPECT_THAT(verify.out, HasSubstr(R"("command": "verify")"));
  EXPECT_THAT(diff.out, HasSubstr(R"("command": "diff")"));
  // Apart from the command, the documents are identical.
  std::string v = verify.out;
  v.replace(v.find("\"verify\""), 8, "\"diff\"");
  EXPECT_EQ(v, diff.out);
}

TEST(DiffCliTest, ReportFileIsWrittenAndTheGateStillCounts) {
  TempDir dir;
  const std::string report = (dir.path() / "diff.json").string();
  const CliRun run =
      Diff({"--format", "json", "-o", report, "--target", "p95_latency_reduction>=80%"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(ReadFile(report), HasSubstr(R"("verdict": "fail")"));
  const CliRun over = Diff({"-o", kBaseline});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_THAT(over.err, HasSubstr("refusing to overwrite an input"));
}

}  // namespace
}  // namespace trace_analyze::testing
