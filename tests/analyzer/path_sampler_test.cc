#include "analyzer/path_sampler.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using testing::TraceBuilder;

// Trace i: a root of 1000 + 37·(i mod 50) µs with one child, so durations
// repeat (ties) and paths have two or three sections.
Trace MakeTrace(int i) {
  const int64_t d = 1000 + 37 * (i % 50);
  return TraceBuilder(fmt::format("{:032x}", 0x1000 + i))
      .Span("a", "", "gw", "GET /", 5000, d)
      .Span("b", "a", "db", "query", 5000 + 100, d / 2)
      .Build();
}

struct Offered {
  Trace trace;
  CriticalPath path;
};

std::vector<Offered> MakeInput(int n) {
  std::vector<Offered> out;
  for (int i = 0; i < n; ++i) {
    Offered o{MakeTrace(i), {}};
    TraceAnalyzer analyzer(AnalysisOptions{});
    o.path = analyzer.Analyze(o.trace);
    out.push_back(std::move(o));
  }
  return out;
}

constexpr std::array<double, 4> kPs = {0, 50, 95, 100};

// Label, percentile and the chosen trace's id and sections, for comparing.
std::vector<std::string> Describe(const PathSampler& sampler) {
  std::vector<std::string> out;
  for (const RepresentativeTrace& r : sampler.Representatives(kPs)) {
    std::string line =
        fmt::format("{} {} {} {}", r.label, r.percentile_us, r.path.trace_id, r.path.duration_us);
    for (const PathSection& s : r.path.sections) {
      line += fmt::format(" {}:{}-{}", s.span_id, s.start_us, s.end_us);
    }
    out.push_back(line);
  }
  return out;
}

TEST(PathSamplerTest, RepresentativesAreTheClosestHeldTraces) {
  const std::vector<Offered> input = MakeInput(10);
  PathSampler sampler(16);
  for (const Offered& o : input) sampler.Offer(o.trace, o.path);
  // Durations 1000, 1037, ..., 1333: nearest-rank p50 is 1148, p95 1333.
  const std::vector<RepresentativeTrace> r = sampler.Representatives(kPs);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].label, "p0");
  EXPECT_EQ(r[0].path.duration_us, 1000);
  EXPECT_EQ(r[1].label, "p50");
  EXPECT_EQ(r[1].path.duration_us, r[1].percentile_us);
  EXPECT_EQ(r[3].path.duration_us, 1333);
  EXPECT_EQ(r[3].path.trace_id, fmt::format("{:032x}", 0x1000 + 9));
  EXPECT_EQ(r[1].path.sections.size(), 3u);  // gw, db, gw
}

TEST(PathSamplerTest, EmptyWhenNothingOffered) {
  PathSampler sampler;
  EXPECT_TRUE(sampler.Representatives(kPs).empty());
}

TEST(PathSamplerTest, SampleDoesNotDependOnOrder) {
  std::vector<Offered> input = MakeInput(300);
  PathSampler forward(20);
  for (const Offered& o : input) forward.Offer(o.trace, o.path);
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(input.begin(), input.end(), rng);
    PathSampler shuffled(20);
    for (const Offered& o : input) shuffled.Offer(o.trace, o.path);
    EXPECT_EQ(Describe(shuffled), Describe(forward)) << "round " << round;
  }
}

TEST(PathSamplerTest, MergedShardsEqualOneSampler) {
  const std::vector<Offered> input = MakeInput(300);
  PathSampler all(20);
  std::array<PathSampler, 3> shards = {PathSampler(20), PathSampler(20), PathSampler(20)};
  for (size_t i = 0; i < input.size(); ++i) {
    all.Offer(input[i].trace, input[i].path);
    shards[(i * 7) % 3].Offer(input[i].trace, input[i].path);
  }
  PathSampler merged = std::move(shards[2]);
  merged.Merge(std::move(shards[0]));
  merged.Merge(std::move(shards[1]));
  EXPECT_EQ(Describe(merged), Describe(all));
}

TEST(PathSamplerTest, SectionBudgetIsOrderIndependentToo) {
  // Each path has 3 sections; a budget of 10 holds the paths of the first 3
  // members in key order, whatever the order or sharding.
  std::vector<Offered> input = MakeInput(100);
  PathSampler forward(8, 1, 10), a(8, 1, 10), b(8, 1, 10);
  for (size_t i = 0; i < input.size(); ++i) {
    forward.Offer(input[i].trace, input[i].path);
    (i % 2 ? a : b).Offer(input[input.size() - 1 - i].trace, input[input.size() - 1 - i].path);
  }
  a.Merge(std::move(b));
  EXPECT_EQ(Describe(a), Describe(forward));
  EXPECT_FALSE(Describe(forward).empty());
}

TEST(PathSamplerTest, OfferingTheSameTraceTwiceKeepsOneMember) {
  const std::vector<Offered> input = MakeInput(3);
  PathSampler once(2), twice(2);
  for (const Offered& o : input) {
    once.Offer(o.trace, o.path);
    twice.Offer(o.trace, o.path);
    twice.Offer(o.trace, o.path);
  }
  // Durations are counted per offer (the percentiles see both), members once.
  const auto r = twice.Representatives(kPs);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_NE(r[0].path.trace_id, "");
  EXPECT_EQ(once.Representatives(kPs)[3].path.trace_id, r[3].path.trace_id);
}

}  // namespace
}  // namespace trace_analyze::analyzer
