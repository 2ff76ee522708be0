// QuantileSketch keeps its bound against the exact nearest-rank percentiles,
// is exact for small integers, zeros and the extremes, merges any split to
// the sketch of all the samples, and stays small whatever their number.
#include "analyzer/quantile_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "analyzer/state_io.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

constexpr double kAlpha = QuantileSketch::kRelativeAccuracy;

// Counts the values a Save writes.
class CountingWriter : public StateWriter {
 public:
  void U64(uint64_t) override { ++values; }
  void I64(int64_t) override { ++values; }
  void F64(double) override { ++values; }
  void Str(std::string_view) override { ++values; }
  size_t values = 0;
};

std::vector<double> Ps() {
  std::vector<double> ps;
  for (double p = 0; p <= 100; p += 0.5) ps.push_back(p);
  ps.push_back(99.9);
  return ps;
}

// Log-uniform over [1, 10^9], one sample in ten 0.
std::vector<int64_t> Samples(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(0, 9);
  std::vector<int64_t> v;
  for (size_t i = 0; i < n; ++i) {
    v.push_back(i % 10 == 3 ? 0 : std::llround(std::pow(10.0, exponent(rng))));
  }
  return v;
}

TEST(QuantileSketchTest, EveryPercentileIsWithinTheBoundOfTheExactOne) {
  for (size_t n : {1, 2, 7, 100, 10'000, 200'000}) {
    const std::vector<int64_t> samples = Samples(n, n);
    QuantileSketch sketch;
    for (int64_t v : samples) sketch.Add(v);
    std::vector<int64_t> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sketch.count(), n);
    for (double p : Ps()) {
      const int64_t exact = PercentileOfSorted(sorted, p);
      const int64_t approx = sketch.Percentile(p);
      EXPECT_LE(std::abs(static_cast<double>(approx - exact)),
                kAlpha * static_cast<double>(exact) + 0.5)
          << "n " << n << " p " << p << " exact " << exact << " approx " << approx;
    }
    EXPECT_EQ(sketch.Percentile(0), sorted.front());
    EXPECT_EQ(sketch.Percentile(100), sorted.back());
  }
  EXPECT_EQ(QuantileSketch().Percentile(50), 0);
}

TEST(QuantileSketchTest, SmallIntegersZerosAndNegativesAreExact) {
  QuantileSketch sketch;
  std::vector<int64_t> sorted;
  for (int64_t v = -3; v <= 100; ++v) {
    for (int k = 0; k < 3; ++k) {
      sketch.Add(v);
      sorted.push_back(v);
    }
  }
  for (double p : Ps()) EXPECT_EQ(sketch.Percentile(p), PercentileOfSorted(sorted, p)) << p;
}

TEST(QuantileSketchTest, AnySplitMergesToTheSketchOfAllSamples) {
  const std::vector<int64_t> samples = Samples(50'000, 11);
  QuantileSketch whole;
  for (int64_t v : samples) whole.Add(v);
  std::mt19937_64 rng(5);
  for (int round = 0; round < 5; ++round) {
    std::vector<QuantileSketch> parts(2 + rng() % 15);
    for (int64_t v : samples) parts[rng() % parts.size()].Add(v);
    std::shuffle(parts.begin(), parts.end(), rng);
    QuantileSketch merged;
    for (const QuantileSketch& part : parts) merged.Merge(part);
    ASSERT_EQ(merged.count(), whole.count());
    for (double p : Ps()) EXPECT_EQ(merged.Percentile(p), whole.Percentile(p)) << p;
  }
}

TEST(QuantileSketchTest, SizeIsBoundedByTheRangeNotTheCount) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> exponent(0, 12);
  QuantileSketch sketch;
  size_t values_at_100k = 0;
  for (int i = 1; i <= 1'000'000; ++i) {
    sketch.Add(std::llround(std::pow(10.0, exponent(rng))));
    if (i == 100'000) {
      CountingWriter w;
      sketch.Save(w);
      values_at_100k = w.values;
    }
  }
  CountingWriter w;
  sketch.Save(w);
  // ln(10^12) / ln(γ) ≈ 2,763 buckets, two values each, at most.
  EXPECT_LE(w.values, 2 * 2'800u);
  EXPECT_LE(w.values, values_at_100k + 20);
}

}  // namespace
}  // namespace trace_analyze::analyzer
