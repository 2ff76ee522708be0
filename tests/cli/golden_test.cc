// Golden reports over fixtures/traces: every subcommand x every format.
// Regenerate after an intended change with:
//   TA_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden
// and review the diff of tests/golden/ like any other change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "reports/writer.h"
#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

struct GoldenCase {
  std::string name;  // golden file stem
  std::vector<std::string> args;
  int exit_code = 0;  // 1: a gate fails, and the report shows it
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class GoldenTest : public ::testing::TestWithParam<std::tuple<GoldenCase, std::string>> {};

TEST_P(GoldenTest, MatchesGolden) {
  const auto& [c, format] = GetParam();
  std::vector<std::string> args = c.args;
  args.insert(args.end(), {"--format", format});
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, c.exit_code) << run.err;
  const std::string ext = format == "text" ? "txt" : format;
  const std::filesystem::path path = "tests/golden/" + c.name + "." + ext;
  if (std::getenv("TA_UPDATE_GOLDEN") != nullptr) {
    WriteFile(path, run.out);
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; run with TA_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(path), run.out) << "regenerate: TA_UPDATE_GOLDEN=1 ctest -R Golden";
}

std::vector<GoldenCase> Cases() {
  return {
      {"analyze-fixtures", {"analyze", "fixtures/traces"}},
      {"analyze-fixtures-causal", {"analyze", "fixtures/traces", "--cp-mode", "causal"}},
      {"critical-path-hotel",
       {"critical-path", "fixtures/traces/dsb-hotelreservation_single_00202d6c6c17bfe5.json"}},
      {"critical-path-yelp", {"critical-path", "fixtures/traces/zipkin-lens_yelp.json"}},
      // fixtures/diff: a chain that became concurrent; every gate kind.
      {"diff-checkout",
       {"diff", "--baseline", "fixtures/diff/baseline.json", "--candidate",
        "fixtures/diff/candidate.json", "--target", "p95_latency_reduction>=30%", "--target",
        "error_rate_increase<=0", "--target", "throughput_increase>=20%/0%", "--target",
        "overlap_share>=90%", "--budget", "frontend:POST /checkout=50ms/80ms"}},
      // Targets that fail: the FAIL verdict, failing JUnit testcases, exit 1.
      {"diff-checkout-fail",
       {"diff", "--baseline", "fixtures/diff/baseline.json", "--candidate",
        "fixtures/diff/candidate.json", "--target", "p95_latency_reduction>=90%/50%", "--target",
        "p50_latency<=1ms", "--budget", "cart:GetCart=1ms"},
       1},
      {"verify-checkout",
       {"verify", "--baseline", "fixtures/diff/baseline.json", "--candidate",
        "fixtures/diff/candidate.json", "--expect",
        "frontend:POST /checkout>cart:GetCart,pricing:Quote,inventory:Reserve"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::ValuesIn(reports::ReportWriterNames())),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param).name + "_" + std::get<1>(info.param);
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace trace_analyze::testing
