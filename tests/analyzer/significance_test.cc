// The statistics behind `diff`: known textbook values, the small-sample
// rules, determinism, and the exact order-statistic bootstrap against a
// brute-force one (docs/diff.md, "Statistics").
#include "analyzer/significance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t x = from; x <= to; ++x) v.push_back(x);
  return v;
}

TEST(MannWhitneyTest, CompleteSeparationMatchesTheNormalApproximation) {
  // U = 100 of 100 pairs; z = (50 − ½) / sqrt(10·10/12 · 21) (scipy's
  // mannwhitneyu(method="asymptotic") gives the same p).
  const RankTest r = MannWhitneyU(Range(1, 10), Range(11, 20));
  ASSERT_TRUE(r.tested);
  EXPECT_DOUBLE_EQ(r.u, 100);
  EXPECT_DOUBLE_EQ(r.prob_candidate_greater, 1.0);
  EXPECT_NEAR(r.z, 3.7418482827913495, 1e-9);
  EXPECT_NEAR(r.p_value, 0.0001826717911095504, 1e-12);
  // The other direction has the same p and a negative z.
  const RankTest down = MannWhitneyU(Range(11, 20), Range(1, 10));
  EXPECT_NEAR(down.z, -r.z, 1e-12);
  EXPECT_NEAR(down.p_value, r.p_value, 1e-15);
}

TEST(MannWhitneyTest, TiesGetMidRanksAndAllTiedIsNoEvidence) {
  const std::vector<int64_t> same(12, 500);
  const RankTest tied = MannWhitneyU(same, same);
  EXPECT_TRUE(tied.tested);
  EXPECT_DOUBLE_EQ(tied.u, 72);  // every pair a tie: ½ · 12 · 12
  EXPECT_DOUBLE_EQ(tied.p_value, 1.0);

  // Identical samples: no evidence of a difference at all.
  const RankTest equal = MannWhitneyU(Range(1, 30), Range(1, 30));
  EXPECT_DOUBLE_EQ(equal.prob_candidate_greater, 0.5);
  EXPECT_DOUBLE_EQ(equal.p_value, 1.0);
}

TEST(MannWhitneyTest, FewerThanMinSamplesIsNotTested) {
  const RankTest r = MannWhitneyU(Range(1, 7), Range(100, 200));
  EXPECT_FALSE(r.tested);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  SignificanceOptions loose;
  loose.min_samples = 3;
  EXPECT_TRUE(MannWhitneyU(Range(1, 7), Range(100, 200), loose).tested);
}

TEST(BootstrapTest, CiCoversTheShiftAndIsDeterministic) {
  // Candidate = baseline × 0.5 exactly: every resample pair is drawn
  // independently, but the interval must surround −50 %.
  std::vector<int64_t> base, cand;
  for (int64_t i = 1; i <= 200; ++i) {
    base.push_back(1000 + 10 * i);
    cand.push_back((1000 + 10 * i) / 2);
  }
  const auto ci = BootstrapPercentileChange(base, cand, 50, /*key=*/7);
  ASSERT_TRUE(ci.has_value());
  EXPECT_LT(ci->low_pct, -50.0);
  EXPECT_GT(ci->high_pct, -50.0);
  EXPECT_LT(ci->high_pct, 0.0);
  EXPECT_TRUE(ci->ExcludesZero());
  // No resample comes near 0: the smallest p the 2000 resamples can show.
  EXPECT_EQ(ci->p_value, 0.0);
  const auto again = BootstrapPercentileChange(base, cand, 50, 7);
  EXPECT_EQ(ci->low_pct, again->low_pct);
  EXPECT_EQ(ci->high_pct, again->high_pct);
  EXPECT_EQ(ci->p_value, again->p_value);
}

TEST(BootstrapTest, EqualSamplesGiveAnIntervalAroundZero) {
  const std::vector<int64_t> v = Range(1000, 1100);
  for (double p : {50.0, 90.0, 95.0, 99.0}) {
    const auto ci = BootstrapPercentileChange(v, v, p, 1);
    ASSERT_TRUE(ci.has_value());
    EXPECT_LE(ci->low_pct, 0.0) << p;
    EXPECT_GE(ci->high_pct, 0.0) << p;
    EXPECT_FALSE(ci->ExcludesZero()) << p;
    EXPECT_GE(ci->p_value, 0.05) << p;
  }
}

// The p-value is the share of resamples on the far side of 0, doubled, and
// p < alpha exactly when the interval excludes 0: checked by re-running the
// same resamples by hand, on shifts from none to large, for several alphas.
TEST(BootstrapTest, PValueAgreesWithTheIntervalAndCountsResamples) {
  std::mt19937_64 gen(5);
  int significant = 0, not_significant = 0;
  for (int shift = 0; shift <= 300; shift += 15) {
    std::vector<int64_t> base, cand;
    for (int i = 0; i < 40; ++i) base.push_back(1000 + static_cast<int64_t>(gen() % 1000));
    for (int i = 0; i < 40; ++i) cand.push_back(1000 + shift + static_cast<int64_t>(gen() % 1000));
    std::sort(base.begin(), base.end());
    std::sort(cand.begin(), cand.end());
    for (double alpha : {0.05, 0.01, 0.2}) {
      for (double p : {50.0, 95.0}) {
        SignificanceOptions options;
        options.alpha = alpha;
        options.bootstrap_resamples = 1000;
        const auto ci = BootstrapPercentileChange(base, cand, p, 3, options);
        ASSERT_TRUE(ci.has_value());
        EXPECT_EQ(ci->p_value < alpha, ci->ExcludesZero())
            << "shift " << shift << " alpha " << alpha << " p" << p << " p-value " << ci->p_value
            << " ci " << ci->low_pct << ".." << ci->high_pct;
        EXPECT_GE(ci->p_value, 0.0);
        EXPECT_LE(ci->p_value, 1.0);
        // Resolution: a multiple of 2 / resamples (or 1).
        const double steps = ci->p_value * 1000 / 2;
        EXPECT_TRUE(ci->p_value == 1.0 || std::abs(steps - std::round(steps)) < 1e-9);
        (ci->ExcludesZero() ? significant : not_significant)++;
      }
    }
  }
  // The sweep covered both verdicts.
  EXPECT_GT(significant, 10);
  EXPECT_GT(not_significant, 10);
}

TEST(BootstrapTest, SmallSamplesHaveNoInterval) {
  EXPECT_FALSE(BootstrapPercentileChange(Range(1, 7), Range(1, 100), 50, 0).has_value());
}

// The order-statistic sampler must give the same distribution as resampling
// every value: compare the two methods' intervals for a skewed sample.
TEST(BootstrapTest, MatchesBruteForceResampling) {
  std::mt19937_64 gen(3);
  std::vector<int64_t> base, cand;
  for (int i = 0; i < 60; ++i) base.push_back(1000 + static_cast<int64_t>(gen() % 4000));
  for (int i = 0; i < 50; ++i) cand.push_back(800 + static_cast<int64_t>(gen() % 3000));
  std::sort(base.begin(), base.end());
  std::sort(cand.begin(), cand.end());
  SignificanceOptions options;
  options.bootstrap_resamples = 20000;
  for (double p : {50.0, 95.0}) {
    const auto fast = BootstrapPercentileChange(base, cand, p, 11, options);
    ASSERT_TRUE(fast.has_value());
    std::vector<double> changes;
    std::vector<int64_t> rb(base.size()), rc(cand.size());
    for (size_t b = 0; b < options.bootstrap_resamples; ++b) {
      for (int64_t& x : rb) x = base[gen() % base.size()];
      for (int64_t& x : rc) x = cand[gen() % cand.size()];
      std::sort(rb.begin(), rb.end());
      std::sort(rc.begin(), rc.end());
      const double pb = static_cast<double>(PercentileOfSorted(rb, p));
      const double pc = static_cast<double>(PercentileOfSorted(rc, p));
      changes.push_back(100.0 * (pc - pb) / pb);
    }
    std::sort(changes.begin(), changes.end());
    const double low = changes[NearestRankIndex(changes.size(), 2.5)];
    const double high = changes[NearestRankIndex(changes.size(), 97.5)];
    // Monte-Carlo error of a 2.5 % quantile at 20000 draws is well under 2
    // points here; the two methods agree to within that.
    EXPECT_NEAR(fast->low_pct, low, 3.0) << p;
    EXPECT_NEAR(fast->high_pct, high, 3.0) << p;
  }
}

TEST(WelchTest, StudentTailsMatchTheTables) {
  EXPECT_NEAR(StudentTwoSidedP(2.228138852, 10), 0.05, 1e-8);
  EXPECT_NEAR(StudentTwoSidedP(4.032142984, 5), 0.01, 1e-8);
  EXPECT_NEAR(StudentTwoSidedP(12.70620474, 1), 0.05, 1e-8);
  EXPECT_NEAR(StudentTwoSidedP(-1.959963985, 1e7), 0.05, 1e-6);
  EXPECT_DOUBLE_EQ(StudentTwoSidedP(0, 10), 1.0);
}

TEST(WelchTest, MeansAndDegreesOfFreedom) {
  // Equal variances and sizes: df = 2n − 2 and t = Δ / sqrt(2 s² / n).
  const MeanTest t = WelchTTest(Range(1, 10), Range(4, 13));
  ASSERT_TRUE(t.tested);
  EXPECT_NEAR(t.df, 18, 1e-9);
  EXPECT_NEAR(t.t, 3.0 / std::sqrt(2 * (55.0 / 6.0) / 10), 1e-9);
  EXPECT_NEAR(t.p_value, StudentTwoSidedP(t.t, 18), 1e-15);
  EXPECT_FALSE(WelchTTest(Range(1, 7), Range(1, 7)).tested);
  const std::vector<int64_t> a(10, 5), b(10, 6);
  EXPECT_DOUBLE_EQ(WelchTTest(a, b).p_value, 0.0);
  EXPECT_DOUBLE_EQ(WelchTTest(a, a).p_value, 1.0);
}

TEST(ProportionTest, ZTestForLargeCounts) {
  const ProportionTest t = CompareProportions(50, 1000, 80, 1000);
  ASSERT_TRUE(t.tested);
  EXPECT_FALSE(t.exact);
  EXPECT_NEAR(t.p_value, 0.006506597483637838, 1e-12);
}

TEST(ProportionTest, FisherForSmallCounts) {
  SignificanceOptions options;
  options.min_samples = 1;
  // Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70.
  const ProportionTest tea = CompareProportions(3, 4, 1, 4, options);
  EXPECT_TRUE(tea.exact);
  EXPECT_NEAR(tea.p_value, 34.0 / 70.0, 1e-9);
  // No errors on either side: nothing to see.
  const ProportionTest none = CompareProportions(0, 40, 0, 40);
  EXPECT_TRUE(none.exact);
  EXPECT_DOUBLE_EQ(none.p_value, 1.0);
  // 0 of 40 vs 12 of 40 is a real change.
  EXPECT_LT(CompareProportions(0, 40, 12, 40).p_value, 0.001);
  EXPECT_FALSE(CompareProportions(0, 7, 7, 7).tested);
}

TEST(RateTest, PoissonRatesConditionalOnTheTotal) {
  const RateTest t = CompareRates(100, 10, 150, 10);
  ASSERT_TRUE(t.tested);
  EXPECT_NEAR(t.p_value, 0.0019415397850404195, 1e-12);
  // Same rate over different windows: no difference.
  EXPECT_GT(CompareRates(100, 10, 200, 20).p_value, 0.9);
  EXPECT_FALSE(CompareRates(5, 10, 100, 10).tested);
  EXPECT_FALSE(CompareRates(50, 0, 100, 10).tested);
}

TEST(RelativeChangeTest, PercentOfBaseline) {
  EXPECT_DOUBLE_EQ(*RelativeChangePct(200, 150), -25.0);
  EXPECT_FALSE(RelativeChangePct(0, 10).has_value());
}

}  // namespace
}  // namespace trace_analyze::analyzer
