#include "analyzer/stats.h"

#include <gtest/gtest.h>

#include <vector>

namespace trace_analyze::analyzer {
namespace {

TEST(StatsTest, NearestRankPercentiles) {
  const std::vector<int64_t> sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(PercentileOfSorted(sorted, 50), 50);
  EXPECT_EQ(PercentileOfSorted(sorted, 90), 90);
  EXPECT_EQ(PercentileOfSorted(sorted, 95), 100);
  EXPECT_EQ(PercentileOfSorted(sorted, 99), 100);
  EXPECT_EQ(PercentileOfSorted(sorted, 100), 100);
  EXPECT_EQ(PercentileOfSorted(sorted, 0), 10);
  EXPECT_EQ(PercentileOfSorted(sorted, 10), 10);
  EXPECT_EQ(PercentileOfSorted(sorted, 11), 20);
}

TEST(StatsTest, ExactRankIsNotRoundedUpByFloatError) {
  // 0.95 * 100 is 95.00000000000001 in binary floating point.
  std::vector<int64_t> sorted(100);
  for (int i = 0; i < 100; ++i) sorted[i] = i + 1;
  EXPECT_EQ(PercentileOfSorted(sorted, 95), 95);
  EXPECT_EQ(PercentileOfSorted(sorted, 99), 99);
}

TEST(StatsTest, EmptyAndSingle) {
  EXPECT_EQ(PercentileOfSorted({}, 50), 0);
  const std::vector<int64_t> one = {7};
  EXPECT_EQ(PercentileOfSorted(one, 50), 7);
  EXPECT_EQ(PercentileOfSorted(one, 99), 7);
}

TEST(StatsTest, PercentilesSortsACopy) {
  const std::vector<int64_t> samples = {5, 1, 4, 2, 3};
  const std::vector<double> ps = {50, 100};
  EXPECT_EQ(Percentiles(samples, ps), (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(samples.front(), 5);
}

}  // namespace
}  // namespace trace_analyze::analyzer
