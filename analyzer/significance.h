// Significance tests and confidence intervals for before/after comparisons:
// Mann–Whitney U, a bootstrap confidence interval of the change of a
// percentile, and tests for error rates and throughput. Rules and thresholds:
// docs/diff.md ("Statistics"). Every function is deterministic: the bootstrap
// draws from a seeded std::mt19937_64 through our own samplers (the standard
// library's distributions differ between implementations).
#ifndef TRACE_ANALYZE_ANALYZER_SIGNIFICANCE_H_
#define TRACE_ANALYZE_ANALYZER_SIGNIFICANCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace trace_analyze::analyzer {

struct SignificanceOptions {
  double alpha = 0.05;     // two-sided significance level
  size_t min_samples = 8;  // per side; below it nothing is tested ("insufficient data")
  size_t bootstrap_resamples = 2000;
  uint64_t bootstrap_seed = 42;  // mixed with each row's key (see BootstrapPercentileChange)
};

// Mann–Whitney U test (two-sided), normal approximation with tie and
// continuity correction.
struct RankTest {
  bool tested = false;  // false: a side has fewer than min_samples values
  double u = 0;         // pairs (baseline, candidate) with candidate > baseline; ties count ½
  double z = 0;         // > 0: the candidate tends to be larger
  double p_value = 1;   // 1 when not tested or when every value is tied
  // U / (n1 × n2): P(candidate > baseline) + ½ P(tie), the common-language
  // effect size (0.5 = no tendency).
  double prob_candidate_greater = 0.5;
};
RankTest MannWhitneyU(std::span<const int64_t> baseline, std::span<const int64_t> candidate,
                      const SignificanceOptions& options = {});

// Welch's t-test of equal means (two-sided; unequal variances), with the
// Welch–Satterthwaite degrees of freedom and the Student-t distribution.
struct MeanTest {
  bool tested = false;  // false: a side has fewer than min_samples values
  double t = 0;         // > 0: the candidate's mean is larger
  double df = 0;
  double p_value = 1;
};
MeanTest WelchTTest(std::span<const int64_t> baseline, std::span<const int64_t> candidate,
                    const SignificanceOptions& options = {});

// P(|T| >= |t|) for Student's t with `df` > 0 degrees of freedom.
double StudentTwoSidedP(double t, double df);

// A two-sided confidence interval of a relative change, in percent.
struct ChangeCi {
  double low_pct = 0;
  double high_pct = 0;
  // The bootstrap test of "no change" that the interval inverts: 2 × the
  // smaller share of resamples on one side of 0 (≤ 0 or ≥ 0), at most 1.
  // p_value < alpha exactly when the (1 − alpha) interval excludes 0.
  double p_value = 1;
  bool ExcludesZero() const { return low_pct > 0 || high_pct < 0; }
};

// Percentile-bootstrap (1 − alpha) CI of 100 × (P_c − P_b) / P_b, and its
// p-value (ChangeCi::p_value), where P is the nearest-rank p-th percentile of
// a resample of each side (a resampled baseline percentile of 0 counts as
// 1 µs). The interval trims the same number of resamples from each end
// (NearestRankIndex(resamples, 100 × alpha / 2)). Both inputs must be sorted
// ascending. Each of the `bootstrap_resamples` resamples draws the percentile's
// order statistic directly (exact: see docs/diff.md), so the cost does not
// depend on the sample sizes. `key` (e.g. a hash of the row's name) is mixed
// into the seed so every row has its own, stable stream. nullopt when a side
// has fewer than min_samples values.
std::optional<ChangeCi> BootstrapPercentileChange(std::span<const int64_t> baseline_sorted,
                                                  std::span<const int64_t> candidate_sorted,
                                                  double p, uint64_t key,
                                                  const SignificanceOptions& options = {});

// Compares two proportions x1/n1 and x2/n2 (two-sided): a pooled two-proportion
// z-test, or Fisher's exact test when any expected cell count is below 5.
struct ProportionTest {
  bool tested = false;  // false: a side has fewer than min_samples trials
  bool exact = false;   // Fisher's exact test was used
  double p_value = 1;
};
ProportionTest CompareProportions(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2,
                                  const SignificanceOptions& options = {});

// Compares two Poisson rates, events1 in exposure1 and events2 in exposure2
// (any unit, the same for both): under equal rates events2 given the total is
// binomial with p = exposure2 / (exposure1 + exposure2); normal approximation
// with continuity correction.
struct RateTest {
  bool tested = false;  // false: fewer than min_samples events on a side, or no exposure
  double p_value = 1;
};
RateTest CompareRates(uint64_t events1, double exposure1, uint64_t events2, double exposure2,
                      const SignificanceOptions& options = {});

// 100 × (candidate − baseline) / baseline; nullopt when baseline is 0.
std::optional<double> RelativeChangePct(double baseline, double candidate);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_SIGNIFICANCE_H_
