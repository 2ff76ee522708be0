#include "cli/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::cli {
namespace {

using ::testing::HasSubstr;

// The example in docs/config.md must stay valid and mean what it says.
TEST(ConfigTest, DocumentedExampleParses) {
  const std::string doc = testing::ReadFile("docs/config.md");
  const size_t begin = doc.find("```jsonc\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```", begin + 9);
  analyzer::DetectorConfig config;
  const Status s = ParseConfig(doc.substr(begin + 9, end - begin - 9), "docs/config.md", &config);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(config.sequential.min_saving_us, 500);
  EXPECT_EQ(config.n_plus_one.min_calls, 5u);
  ASSERT_EQ(config.ignore.size(), 2u);
  EXPECT_EQ(config.ignore[0].fingerprint, "3f2a9c0d51e8b7a4");
  EXPECT_EQ(config.ignore[1].service_regex, "legacy-.*");
  ASSERT_EQ(config.dependencies.size(), 2u);
  EXPECT_TRUE(config.dependencies[0].dependent);
  EXPECT_FALSE(config.dependencies[1].dependent);
  EXPECT_EQ(config.dependencies[1].second, "ads");
}

TEST(ConfigTest, DocumentedExampleHasTheDiffSections) {
  const std::string doc = testing::ReadFile("docs/config.md");
  const size_t begin = doc.find("```jsonc\n");
  const size_t end = doc.find("```", begin + 9);
  ConfigFile config;
  const Status s = ParseConfig(doc.substr(begin + 9, end - begin - 9), "docs/config.md", &config);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(config.targets.size(), 4u);
  EXPECT_EQ(config.targets[2].Name(), "throughput_increase");
  EXPECT_DOUBLE_EQ(*config.targets[2].acceptable, 20);
  EXPECT_EQ(config.targets[3].Name(), "p95_duration[cart:checkout]");
  ASSERT_EQ(config.verify.expectations.size(), 2u);
  EXPECT_EQ(config.verify.expectations[1].name, "checkout fan-out");
  EXPECT_EQ(config.verify.expectations[1].pattern->members.size(), 3u);
}

// The gate of docs/ci.md is what its CI examples run.
TEST(ConfigTest, CiGuideExampleParses) {
  const std::string doc = testing::ReadFile("docs/ci.md");
  const size_t begin = doc.find("```jsonc\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```", begin + 9);
  ConfigFile config;
  const Status s = ParseConfig(doc.substr(begin + 9, end - begin - 9), "docs/ci.md", &config);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(config.targets.size(), 4u);
  EXPECT_EQ(config.targets[0].Name(), "p95_latency_increase");
  EXPECT_EQ(config.targets[2].Name(), "p99_latency[frontend:POST /checkout]");
  EXPECT_EQ(config.targets[3].Name(), "p95_duration[cart:GetCart]");
}

TEST(ConfigTest, DefaultsMatchTheDocumentedOnes) {
  // docs/detectors.md and docs/config.md state these defaults.
  const analyzer::DetectorConfig d;
  EXPECT_EQ(d.sequential.min_chain_length, 2u);
  EXPECT_EQ(d.sequential.max_gap_us, 1000);
  EXPECT_DOUBLE_EQ(d.sequential.max_gap_fraction, 0.25);
  EXPECT_DOUBLE_EQ(d.sequential.overlap_tolerance_fraction, 0.01);
  EXPECT_EQ(d.sequential.min_span_us, 100);
  EXPECT_EQ(d.sequential.min_saving_us, 500);
  EXPECT_EQ(d.n_plus_one.min_calls, 5u);
  EXPECT_EQ(d.n_plus_one.min_distinct_params, 2u);
  EXPECT_EQ(d.repeated.min_calls, 2u);
  EXPECT_EQ(d.max_examples, 3u);
  // docs/diff.md, "Defaults".
  const analyzer::SignificanceOptions stats;
  EXPECT_DOUBLE_EQ(stats.alpha, 0.05);
  EXPECT_EQ(stats.min_samples, 8u);
  EXPECT_EQ(stats.bootstrap_resamples, 2000u);
  EXPECT_EQ(stats.bootstrap_seed, 42u);
  EXPECT_DOUBLE_EQ(analyzer::VerifyConfig{}.parallel_share, 0.9);
}

TEST(ConfigTest, ErrorsNameTheFileAndKey) {
  analyzer::DetectorConfig c;
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {R"({"sequentail": {}})", "c.json: unknown key 'sequentail'"},
      {R"({"sequential": {"minGap": 1}})", "c.json: unknown key 'sequential.minGap'"},
      {R"({"nPlusOne": {"minCalls": "five"}})",
       "c.json: 'nPlusOne.minCalls' must be a non-negative integer"},
      {R"({"ignore": [{"service": "(", "reason": "x"}]})",
       "c.json: 'ignore[0].service': invalid regular expression '('"},
      {R"({"ignore": [{"reason": "x"}]})", "needs a fingerprint, service or operation"},
      {R"({"dependencies": [{"operations": ["a"]}]})", "must be a list of two names"},
      {R"({"dependencies": [{"operations": ["a", "b"], "relation": "maybe"}]})",
       "must be \"dependent\" or \"independent\""},
      {"{not json", "c.json: byte "},
  };
  for (const auto& tc : cases) {
    const Status s = ParseConfig(tc.text, "c.json", &c);
    ASSERT_FALSE(s.ok()) << tc.text;
    EXPECT_THAT(s.error().message, HasSubstr(tc.message)) << tc.text;
  }
}

TEST(ConfigTest, DiffSectionsParse) {
  ConfigFile c;
  const Status s = ParseConfig(R"({
    "targets": ["p95_latency_reduction >= 30%/20%"],
    "budgets": [{"operation": "checkout", "target": "100ms", "acceptable": "200ms"},
                {"operation": "cart:get", "percentile": 99, "target": "5ms"}],
    "verify": {"parallelShare": 0.75, "expectations": [
      {"fingerprint": "3f2a9c0d51e8b7a4"},
      {"parent": "api:handle", "children": ["svc:A", "svc:B"], "minOverlapShare": 0.5}]}})",
                               "c.json", &c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(c.targets.size(), 3u);
  EXPECT_EQ(c.targets[0].Name(), "p95_latency_reduction");
  EXPECT_EQ(c.targets[0].origin, "config targets[0]");
  EXPECT_DOUBLE_EQ(*c.targets[0].acceptable, 20);
  EXPECT_EQ(c.targets[1].Name(), "p95_duration[checkout]");
  EXPECT_DOUBLE_EQ(*c.targets[1].acceptable, 200'000);
  EXPECT_EQ(c.targets[2].Name(), "p99_duration[cart:get]");
  EXPECT_DOUBLE_EQ(c.verify.parallel_share, 0.75);
  ASSERT_EQ(c.verify.expectations.size(), 2u);
  EXPECT_EQ(c.verify.expectations[0].name, "3f2a9c0d51e8b7a4");
  EXPECT_EQ(c.verify.expectations[1].name, "api:handle>svc:A,svc:B");
  EXPECT_DOUBLE_EQ(*c.verify.expectations[1].min_overlap_share, 0.5);
  // `analyze` accepts the same file and keeps only the detector settings.
  analyzer::DetectorConfig d;
  EXPECT_TRUE(ParseConfig(R"({"targets": ["error_rate <= 1%"]})", "c.json", &d).ok());
}

TEST(ConfigTest, DiffSectionErrorsNameTheKey) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {R"({"targets": "p95_latency_reduction >= 30%"})", "'targets' must be a list of strings"},
      {R"({"targets": [30]})", "'targets[0]' must be a string"},
      {R"({"targets": ["p95 >= 30%"]})", "'targets[0]': target 'p95 >= 30%': unknown metric"},
      {R"({"budgets": [{"operation": "x"}]})", "'budgets[0]' needs an operation and a target"},
      {R"({"budgets": [{"operation": "x", "target": "1ms", "percentile": 97}]})",
       "'budgets[0].percentile' must be 50, 90, 95 or 99"},
      {R"({"budgets": [{"operation": "x", "target": "1"}]})", "needs a time unit"},
      {R"({"budgets": [{"operation": "x", "target": "1ms", "max": "2ms"}]})",
       "unknown key 'budgets[0].max'"},
      {R"({"verify": {"parallelShare": 1.5}})", "'verify.parallelShare' must be a share in (0, 1]"},
      {R"({"verify": {"expectations": [{}]}})",
       "'verify.expectations[0]' needs either a fingerprint or a parent and children"},
      {R"({"verify": {"expectations": [{"fingerprint": "XYZ"}]}})",
       "'verify.expectations[0].fingerprint' must be 16 lower-case hex digits"},
      {R"({"verify": {"expectations": [{"parent": "api:h", "children": ["svc:A"]}]}})",
       "'verify.expectations[0]': a pattern needs at least two children"},
      {R"({"verify": {"expectations": [{"parent": "h", "children": ["s:A", "s:B"]}]}})",
       "'h' must be service:operation"},
      {R"({"verify": {"expectations": [{"parent": "a:h", "children": "s:A"}]}})",
       "'verify.expectations[0].children' must be a list of names"},
  };
  for (const auto& tc : cases) {
    ConfigFile c;
    const Status s = ParseConfig(tc.text, "c.json", &c);
    ASSERT_FALSE(s.ok()) << tc.text;
    EXPECT_THAT(s.error().message, HasSubstr(tc.message)) << tc.text;
  }
}

// Found by the config fuzzer (fuzz/crashers/config/): nlohmann throws
// out_of_range, not parse_error, for a number beyond double, which escaped.
TEST(ConfigTest, HostileDocumentsAreErrorsNotCrashes) {
  analyzer::DetectorConfig c;
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {R"({"maxExamples": 88888888888888888888888888881e308})", "number overflow"},
      {R"({"sequential": {"maxGapFraction": 1e400}})", "number overflow"},
      {R"({"maxExamples": 18446744073709551615})", "must be a non-negative integer"},
      {R"({"maxExamples": -1})", "must be a non-negative integer"},
      {R"({"ignore": )" + deep + "}", "'ignore[0]' must be an object"},
      {R"({"dependencies": [)" + deep + "]}", "'dependencies[0]' must be an object"},
      {"{\"ignore\": [{\"service\": \"\xff\xfe\"}]}", "not valid JSON"},
      {"", "not valid JSON"},
      // Found by the config fuzzer: std::regex overflows a long on this.
      {R"x({"ignore":[{"service":"(a\\18446744073709551615885)","reason":"x"}]})x",
       "a number of more than 9 digits"},
      {R"({"ignore":[{"service":")" + std::string(5000, '|') + R"("}]})", "longer than 1000 bytes"},
  };
  for (const auto& tc : cases) {
    const Status s = ParseConfig(tc.text, "c.json", &c);
    ASSERT_FALSE(s.ok()) << tc.text.substr(0, 80);
    EXPECT_THAT(s.error().message, HasSubstr(tc.message)) << tc.text.substr(0, 80);
  }
}

TEST(ConfigTest, ExtremeThresholdsDoNotOverflowTheAnalysis) {
  // Fractions and gaps near the limits of double and int64 reach the
  // sequential detector's arithmetic (the sanitizer build checks it).
  testing::TempDir dir;
  const std::string config = dir.File("c.json", R"({"sequential": {"maxGapUs": 9223372036854775807,
    "maxGapFraction": 1e308, "overlapToleranceFraction": 1e308, "minSpanUs": 0, "minSavingUs": 0},
    "nPlusOne": {"minTotalUs": 9223372036854775807}, "repeatedCalls": {"minWastedUs": 0}})");
  for (const char* mode : {"jaeger", "causal"}) {
    const auto run = testing::RunTool(
        {"analyze", "fixtures/traces", "--format", "json", "--config", config, "--cp-mode", mode});
    EXPECT_EQ(run.exit_code, 0) << run.err;
  }
}

TEST(ConfigTest, CliUsesConfigAndFlagsOverride) {
  testing::TempDir dir;
  const std::string config = dir.File("c.json", R"({"nPlusOne": {"minCalls": 3}})");
  const std::string bad = dir.File("bad.json", R"({"nope": 1})");
  const std::string trace = dir.File("t.json", R"({"data":[{"traceID":"a1","spans":[
    {"traceID":"a1","spanID":"01","operationName":"list","references":[],"startTime":1000,
     "duration":1000,"tags":[],"processID":"p1"},
    {"traceID":"a1","spanID":"02","operationName":"GET /item/1","references":[
      {"refType":"CHILD_OF","traceID":"a1","spanID":"01"}],"startTime":1010,"duration":100,
     "tags":[],"processID":"p1"},
    {"traceID":"a1","spanID":"03","operationName":"GET /item/2","references":[
      {"refType":"CHILD_OF","traceID":"a1","spanID":"01"}],"startTime":1120,"duration":100,
     "tags":[],"processID":"p1"},
    {"traceID":"a1","spanID":"04","operationName":"GET /item/3","references":[
      {"refType":"CHILD_OF","traceID":"a1","spanID":"01"}],"startTime":1230,"duration":100,
     "tags":[],"processID":"p1"}],
    "processes":{"p1":{"serviceName":"shop","tags":[]}}}]})");
  auto run = testing::RunTool({"analyze", trace, "--format", "json", "--config", config});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("kind": "n_plus_one")"));
  run = testing::RunTool(
      {"analyze", trace, "--format", "json", "--config", config, "--n-plus-one-min-calls", "4"});
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr(R"("kind": "n_plus_one")")));
  run = testing::RunTool({"analyze", trace, "--config", bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("bad.json: unknown key 'nope'"));
}

}  // namespace
}  // namespace trace_analyze::cli
