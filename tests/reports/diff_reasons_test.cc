// The sentences the diff reports give for targets and verified patterns
// (TargetReason, VerifyReason), rendered from what the analyzer measured on
// synthetic traces with known answers, or from hand-made rows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "analyzer/targets.h"
#include "reports/diff_format.h"
#include "tests/analyzer/diff_test_util.h"

namespace trace_analyze::reports {
namespace {

using ::testing::HasSubstr;
using trace_analyze::testing::Checkouts;
using trace_analyze::testing::RunDiff;

analyzer::VerifyConfig Expect(const std::string& text) {
  analyzer::VerifyConfig verify;
  std::string error;
  verify.expectations.push_back(*analyzer::ParseExpectation(text, &error));
  return verify;
}

TEST(DiffReasonsTest, AParallelPatternCountsItsOverlappingInstances) {
  const analyzer::DiffResult r = RunDiff(Checkouts("b", 20, false), Checkouts("c", 20, true));
  ASSERT_EQ(r.verify.size(), 1u);
  const std::string reason = VerifyReason(r.verify[0]);
  EXPECT_THAT(reason, HasSubstr("all members overlapped in 20 of 20 instances (100.0%; parallel "
                                "from 90%), only some of them in 0, none in 0; concurrency "));
  EXPECT_THAT(reason, HasSubstr(" per trace (p50; "));
}

// Faster members that still run one after another saved nothing by
// concurrency, and the sentence does not claim otherwise.
TEST(DiffReasonsTest, StillSequentialMembersSaveNothingByConcurrency) {
  const analyzer::DiffResult r = RunDiff(Checkouts("b", 20, false), Checkouts("c", 20, false));
  ASSERT_FALSE(r.verify.empty());
  const std::string reason = VerifyReason(r.verify[0]);
  EXPECT_THAT(reason, HasSubstr("concurrency saves 0 µs per trace"));
  EXPECT_THAT(reason, ::testing::Not(HasSubstr(" saved ")));
}

TEST(DiffReasonsTest, AnAbsentPatternNamesWhatWasLookedFor) {
  std::vector<analyzer::Trace> candidate;
  for (int i = 0; i < 10; ++i) {
    candidate.push_back(trace_analyze::testing::TraceBuilder(
                            trace_analyze::testing::Id("c", i),
                            trace_analyze::testing::kEpoch + int64_t{i} * 1'000'000)
                            .Span("p", "", "api", "handle", 0, 500)
                            .Span("a", "p", "svc", "A", 100, 300)
                            .Build());
  }
  const analyzer::DiffResult r = RunDiff(Checkouts("b", 10, false), std::move(candidate), {},
                                         Expect("api:handle>svc:A,svc:B,svc:C"));
  ASSERT_EQ(r.verify.size(), 1u);
  EXPECT_EQ(VerifyReason(r.verify[0]),
            "no instance in the candidate: no api handle span with svc A, svc B and svc C among "
            "its children or grandchildren (renamed, removed, or not in the sample); not a "
            "success");
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(TargetReason(r, r.targets[0]),
            "cannot be measured: pattern absent: " + VerifyReason(r.verify[0]));
}

TEST(DiffReasonsTest, AnUnknownFingerprintCannotBeMeasured) {
  const analyzer::DiffResult r =
      RunDiff(Checkouts("b", 10, false), Checkouts("c", 10, true), {}, Expect("0123456789abcdef"));
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_THAT(TargetReason(r, r.targets[0]),
              HasSubstr("cannot be measured: pattern unknown: fingerprint 0123456789abcdef is not "
                        "among the baseline's sequential patterns"));
}

// An expectation the baseline never flagged: nothing was predicted.
TEST(DiffReasonsTest, APatternTheBaselineDidNotFlagHasNoPrediction) {
  analyzer::VerifyRow v;
  v.status = analyzer::VerifyStatus::kParallel;
  v.instances_candidate = v.parallel_candidate = 10;
  v.overlap_share = 1.0;
  v.concurrency = 2.0;
  v.min_overlap_share = 0.8;
  v.concurrency_saving_us = 300;
  v.candidate_duration_us = 600;
  v.candidate_critical_us = 300;
  EXPECT_EQ(VerifyReason(v),
            "all members overlapped in 10 of 10 instances (100.0%; parallel from 80%), only some "
            "of them in 0, none in 0; concurrency 2.00; concurrency saves 300 µs per trace (p50: "
            "their durations minus their union); no prediction to compare: the baseline did not "
            "flag the pattern");
}

TEST(DiffReasonsTest, ABudgetShowsTheBaselineAndTheDistance) {
  analyzer::DiffResult r;
  const analyzer::DurationSamples d{
      "checkout", {150'000, 160'000, 170'000}, {120'000, 130'000, 140'000}};
  analyzer::EvaluateTargets({analyzer::ParseBudget("checkout=100ms/200ms", "--budget").value()},
                            {d}, &r);
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(TargetReason(r, r.targets[0]),
            "140.000 ms misses the target <= 100.000 ms by 40.000 ms (baseline 170.000 ms over 3 "
            "spans); within the acceptable level <= 200.000 ms");
}

analyzer::TargetRow LatencyReduction(double value, analyzer::TargetStatus status) {
  analyzer::TargetRow t;
  t.op = ">=";
  t.unit = "%";
  t.value = value;
  t.target = 30;
  t.distance = value - 30;
  t.status = status;
  t.evidence.kind = analyzer::TargetEvidence::Kind::kTested;
  t.evidence.p_value = 0.001;
  t.evidence.ci_low_pct = -45;
  t.evidence.ci_high_pct = -35;
  return t;
}

TEST(DiffReasonsTest, AChangeShowsItsTest) {
  const analyzer::DiffResult r;
  EXPECT_EQ(TargetReason(r, LatencyReduction(40, analyzer::TargetStatus::kOk)),
            "40.0% meets the target >= 30.0% (p = 0.001, 95% CI of the change -45.0%..-35.0%)");
  analyzer::TargetRow unproven = LatencyReduction(40, analyzer::TargetStatus::kFail);
  unproven.unproven = true;
  unproven.evidence.p_value = 0.0001;
  unproven.evidence.ci_low_pct.reset();
  EXPECT_EQ(TargetReason(r, unproven),
            "40.0% would meet the target >= 30.0%, but the change is not significant (p < 0.001); "
            "a target that needs a change needs evidence");
  analyzer::TargetRow untested = LatencyReduction(10, analyzer::TargetStatus::kFail);
  untested.acceptable = 20;
  untested.evidence = {};
  untested.evidence.kind = analyzer::TargetEvidence::Kind::kNotTested;
  untested.evidence.baseline_count = 5;
  untested.evidence.candidate_count = 5;
  untested.evidence.min_samples = 8;
  EXPECT_EQ(TargetReason(r, untested),
            "10.0% misses the target >= 30.0% by 20.0% (not tested: 5 baseline / 5 candidate "
            "traces, need 8 per side); also misses the acceptable level >= 20.0%");
}

}  // namespace
}  // namespace trace_analyze::reports
