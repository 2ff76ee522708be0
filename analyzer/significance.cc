#include "analyzer/significance.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

// Two-sided p-value of a standard normal statistic.
double TwoSidedP(double z) { return std::min(1.0, std::erfc(std::fabs(z) / std::numbers::sqrt2)); }

// Normal approximation with continuity correction: |d| is reduced by ½.
double ContinuityZ(double d, double sd) {
  if (sd <= 0) return 0;
  const double corrected = std::max(0.0, std::fabs(d) - 0.5);
  return std::copysign(corrected / sd, d);
}

// SplitMix64 finaliser: spreads seed ^ key over all 64 bits.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Samplers over std::mt19937_64 (whose output the standard fixes), so results
// are the same with every standard library.
class Sampler {
 public:
  explicit Sampler(uint64_t seed) : rng_(seed) {}

  // Uniform in the open interval (0, 1).
  double Uniform() { return (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal (Box–Muller, one value per pair of uniforms).
  double Normal() {
    const double u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  // Gamma(shape, 1) for shape >= 1 (Marsaglia and Tsang, 2000).
  double Gamma(double shape) {
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      const double x = Normal();
      double v = 1.0 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = Uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Beta(a, b) for a, b >= 1.
  double Beta(double a, double b) {
    const double x = Gamma(a);
    const double y = Gamma(b);
    return x / (x + y);
  }

  // The index, in the sorted original sample of size n, of the k-th smallest
  // value (1-based) of a bootstrap resample of size n. A resample is n
  // indices floor(n·V_j) with V_j uniform; floor is monotone, so its k-th
  // smallest index is floor(n·V_(k)), and V_(k) ~ Beta(k, n − k + 1).
  size_t ResampledOrderStatistic(size_t n, size_t k) {
    const double v = Beta(static_cast<double>(k), static_cast<double>(n - k + 1));
    return std::min(n - 1, static_cast<size_t>(std::floor(static_cast<double>(n) * v)));
  }

 private:
  std::mt19937_64 rng_;
};

double LogChoose(uint64_t n, uint64_t k) {
  return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) -
         std::lgamma(static_cast<double>(n - k) + 1);
}

// Fisher's exact test, two-sided: the probability, under fixed margins, of
// every table at most as likely as the observed one.
double FisherExactP(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2) {
  const uint64_t total = n1 + n2;
  const uint64_t k = x1 + x2;  // column margin: successes
  const uint64_t lo = k > n2 ? k - n2 : 0;
  const uint64_t hi = std::min(k, n1);
  const double log_denominator = LogChoose(total, n1);
  const auto log_p = [&](uint64_t a) {
    return LogChoose(k, a) + LogChoose(total - k, n1 - a) - log_denominator;
  };
  const double observed = log_p(x1);
  double p = 0;
  for (uint64_t a = lo; a <= hi; ++a) {
    const double lp = log_p(a);
    // Relative tolerance so tables as likely as the observed one count.
    if (lp <= observed + 1e-7) p += std::exp(lp);
  }
  return std::min(1.0, p);
}

// Continued fraction of the incomplete beta function (modified Lentz),
// converging for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double dm = m;
    double num = dm * (b - dm) * x / ((a + 2 * dm - 1) * (a + 2 * dm));
    for (int step = 0; step < 2; ++step) {
      d = 1 + num * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1 + num / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1 / d;
      h *= d * c;
      num = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1));
    }
    if (std::fabs(d * c - 1) < kEpsilon) break;
  }
  return h;
}

// The regularised incomplete beta function I_x(a, b).
double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

}  // namespace

double StudentTwoSidedP(double t, double df) {
  if (!(df > 0)) return 1;
  return std::clamp(IncompleteBeta(df / 2, 0.5, df / (df + t * t)), 0.0, 1.0);
}

MeanTest WelchTTest(std::span<const int64_t> baseline, std::span<const int64_t> candidate,
                    const SignificanceOptions& options) {
  MeanTest out;
  const size_t n1 = baseline.size(), n2 = candidate.size();
  if (n1 < options.min_samples || n2 < options.min_samples || n1 < 2 || n2 < 2) return out;
  out.tested = true;
  // Summed in ascending order: the result is a function of the samples, not
  // of the order traces were read or shards merged in (docs/scale-out.md).
  const auto moments = [](std::span<const int64_t> samples) {
    std::vector<int64_t> v(samples.begin(), samples.end());
    std::sort(v.begin(), v.end());
    double mean = 0;
    for (int64_t x : v) mean += static_cast<double>(x);
    mean /= static_cast<double>(v.size());
    double ss = 0;
    for (int64_t x : v) ss += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
    return std::pair(mean, ss / static_cast<double>(v.size() - 1));
  };
  const auto [m1, v1] = moments(baseline);
  const auto [m2, v2] = moments(candidate);
  const double s1 = v1 / static_cast<double>(n1), s2 = v2 / static_cast<double>(n2);
  if (s1 + s2 <= 0) {  // both sides constant: any difference is certain
    out.p_value = m1 == m2 ? 1.0 : 0.0;
    return out;
  }
  out.t = (m2 - m1) / std::sqrt(s1 + s2);
  out.df = (s1 + s2) * (s1 + s2) /
           (s1 * s1 / static_cast<double>(n1 - 1) + s2 * s2 / static_cast<double>(n2 - 1));
  out.p_value = StudentTwoSidedP(out.t, out.df);
  return out;
}

RankTest MannWhitneyU(std::span<const int64_t> baseline, std::span<const int64_t> candidate,
                      const SignificanceOptions& options) {
  RankTest out;
  const size_t n1 = baseline.size(), n2 = candidate.size();
  if (n1 < options.min_samples || n2 < options.min_samples || n1 == 0 || n2 == 0) return out;
  out.tested = true;
  std::vector<int64_t> a(baseline.begin(), baseline.end());
  std::vector<int64_t> b(candidate.begin(), candidate.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // Walk both sorted sides in step; each run of equal values gets its mid-rank.
  double rank_sum_b = 0, ties = 0, position = 0;  // ranks before the current run
  for (size_t i = 0, j = 0; i < n1 || j < n2;) {
    const int64_t v = (j == n2 || (i < n1 && a[i] <= b[j])) ? a[i] : b[j];
    size_t in_a = 0, in_b = 0;
    for (; i < n1 && a[i] == v; ++i) ++in_a;
    for (; j < n2 && b[j] == v; ++j) ++in_b;
    const double t = static_cast<double>(in_a + in_b);
    rank_sum_b += static_cast<double>(in_b) * (position + (t + 1) / 2);
    ties += t * t * t - t;
    position += t;
  }
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  const double total = dn1 + dn2;
  out.u = rank_sum_b - dn2 * (dn2 + 1) / 2;
  out.prob_candidate_greater = out.u / (dn1 * dn2);
  const double variance = dn1 * dn2 / 12.0 * ((total + 1) - ties / (total * (total - 1)));
  if (variance <= 0) return out;  // every value tied: no evidence either way
  out.z = ContinuityZ(out.u - dn1 * dn2 / 2, std::sqrt(variance));
  out.p_value = TwoSidedP(out.z);
  return out;
}

std::optional<ChangeCi> BootstrapPercentileChange(std::span<const int64_t> baseline_sorted,
                                                  std::span<const int64_t> candidate_sorted,
                                                  double p, uint64_t key,
                                                  const SignificanceOptions& options) {
  const size_t n1 = baseline_sorted.size(), n2 = candidate_sorted.size();
  if (n1 < options.min_samples || n2 < options.min_samples || n1 == 0 || n2 == 0 ||
      options.bootstrap_resamples == 0) {
    return std::nullopt;
  }
  Sampler sampler(Mix(options.bootstrap_seed ^ Mix(key)));
  const size_t k1 = NearestRankIndex(n1, p) + 1;
  const size_t k2 = NearestRankIndex(n2, p) + 1;
  std::vector<double> changes(options.bootstrap_resamples);
  for (double& change : changes) {
    const double b = static_cast<double>(
        std::max<int64_t>(1, baseline_sorted[sampler.ResampledOrderStatistic(n1, k1)]));
    const double c = static_cast<double>(candidate_sorted[sampler.ResampledOrderStatistic(n2, k2)]);
    change = 100.0 * (c - b) / b;
  }
  std::sort(changes.begin(), changes.end());
  // The same number of resamples trimmed from each end: then p_value < alpha
  // exactly when the interval excludes 0.
  const size_t trimmed = NearestRankIndex(changes.size(), 100.0 * options.alpha / 2);
  ChangeCi ci{changes[trimmed], changes[changes.size() - 1 - trimmed]};
  const auto at_most_zero =
      static_cast<size_t>(std::upper_bound(changes.begin(), changes.end(), 0.0) - changes.begin());
  const auto at_least_zero =
      static_cast<size_t>(changes.end() - std::lower_bound(changes.begin(), changes.end(), 0.0));
  ci.p_value = std::min(1.0, 2.0 * static_cast<double>(std::min(at_most_zero, at_least_zero)) /
                                 static_cast<double>(changes.size()));
  return ci;
}

ProportionTest CompareProportions(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2,
                                  const SignificanceOptions& options) {
  ProportionTest out;
  if (n1 < options.min_samples || n2 < options.min_samples || n1 == 0 || n2 == 0) return out;
  out.tested = true;
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  const double pooled = static_cast<double>(x1 + x2) / (dn1 + dn2);
  const double min_expected =
      std::min({dn1 * pooled, dn1 * (1 - pooled), dn2 * pooled, dn2 * (1 - pooled)});
  if (min_expected < 5) {
    out.exact = true;
    out.p_value = FisherExactP(x1, n1, x2, n2);
    return out;
  }
  const double sd = std::sqrt(pooled * (1 - pooled) * (1 / dn1 + 1 / dn2));
  const double diff = static_cast<double>(x2) / dn2 - static_cast<double>(x1) / dn1;
  out.p_value = sd > 0 ? TwoSidedP(diff / sd) : 1.0;
  return out;
}

RateTest CompareRates(uint64_t events1, double exposure1, uint64_t events2, double exposure2,
                      const SignificanceOptions& options) {
  RateTest out;
  if (events1 < options.min_samples || events2 < options.min_samples || exposure1 <= 0 ||
      exposure2 <= 0) {
    return out;
  }
  out.tested = true;
  const double total = static_cast<double>(events1 + events2);
  const double share = exposure2 / (exposure1 + exposure2);
  const double z = ContinuityZ(static_cast<double>(events2) - total * share,
                               std::sqrt(total * share * (1 - share)));
  out.p_value = TwoSidedP(z);
  return out;
}

std::optional<double> RelativeChangePct(double baseline, double candidate) {
  if (baseline == 0) return std::nullopt;
  return 100.0 * (candidate - baseline) / baseline;
}

}  // namespace trace_analyze::analyzer
