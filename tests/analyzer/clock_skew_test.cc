#include "analyzer/clock_skew.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/normalize.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using ::testing::ElementsAre;
using trace_analyze::testing::TraceBuilder;

int64_t StartOf(const Trace& t, std::string_view id) {
  for (const Span& s : t.spans) {
    if (s.span_id == id) return s.start_us;
  }
  ADD_FAILURE() << "no span " << id;
  return -1;
}

std::vector<std::string> ChildIds(const Trace& t, SpanIndex parent) {
  std::vector<std::string> out;
  for (SpanIndex c : t.topology.ChildrenOf(parent)) out.emplace_back(t.spans[c].span_id);
  return out;
}

Trace Adjusted(TraceBuilder& b, const ClockSkewOptions& options = {}) {
  Trace t = b.Build();
  Normalize(t);
  AdjustClockSkew(t, options);
  return t;
}

// p [100,200] on h1; c [500,540] on h2 with a same-host child g [510,520].
TraceBuilder SkewedChild() {
  TraceBuilder b;
  b.Span("p", "", "a", "p", 100, 100).Host("h1");
  b.Span("c", "p", "b", "c", 500, 40).Host("h2");
  b.Span("g", "c", "b", "g", 510, 10).Host("h2");
  return b;
}

TEST(ClockSkewTest, OtherHostChildCentredInParentWithItsSubtree) {
  TraceBuilder b = SkewedChild();
  const Trace t = Adjusted(b);
  // delta = 100 + (100 - 40) / 2 - 500 = -370.
  EXPECT_EQ(StartOf(t, "p"), 100);
  EXPECT_EQ(StartOf(t, "c"), 130);
  EXPECT_EQ(StartOf(t, "g"), 140);
  EXPECT_EQ(t.quality.clock_skew_adjusted, 2u);
}

TEST(ClockSkewTest, SameOrUnknownHostNotAdjusted) {
  for (auto [parent_host, child_host] :
       {std::pair<std::string, std::string>{"h1", "h1"}, {"h1", ""}, {"", "h2"}, {"", ""}}) {
    TraceBuilder b;
    b.Span("p", "", "a", "p", 100, 100).Host(parent_host);
    b.Span("c", "p", "b", "c", 500, 40).Host(child_host);
    const Trace t = Adjusted(b);
    EXPECT_EQ(StartOf(t, "c"), 500) << parent_host << "/" << child_host;
    EXPECT_EQ(t.quality.clock_skew_adjusted, 0u);
  }
}

TEST(ClockSkewTest, HostIsInheritedThroughSpansWithoutOne) {
  // m has no host, so it counts as h1; c on h2 is skewed against m.
  TraceBuilder b;
  b.Span("p", "", "a", "p", 100, 100).Host("h1");
  b.Span("m", "p", "a", "m", 110, 80);
  b.Span("c", "m", "b", "c", 500, 40).Host("h2");
  const Trace t = Adjusted(b);
  EXPECT_EQ(StartOf(t, "m"), 110);
  EXPECT_EQ(StartOf(t, "c"), 130);  // 110 + (80 - 40) / 2
}

TEST(ClockSkewTest, LongerChildOnlyMovedToTheParentsStart) {
  TraceBuilder b;
  b.Span("p", "", "a", "p", 100, 100).Host("h1");
  b.Span("early", "p", "b", "c", 50, 200).Host("h2");
  b.Span("late", "p", "b", "c", 150, 250).Host("h2");
  const Trace t = Adjusted(b);
  EXPECT_EQ(StartOf(t, "early"), 100);
  EXPECT_EQ(StartOf(t, "late"), 150);
  EXPECT_EQ(t.quality.clock_skew_adjusted, 1u);
}

TEST(ClockSkewTest, ChildInsideItsParentNotAdjusted) {
  TraceBuilder b;
  b.Span("p", "", "a", "p", 100, 100).Host("h1");
  b.Span("c", "p", "b", "c", 100, 100).Host("h2");
  const Trace t = Adjusted(b);
  EXPECT_EQ(StartOf(t, "c"), 100);
  EXPECT_EQ(t.quality.clock_skew_adjusted, 0u);
}

TEST(ClockSkewTest, HalfLatencyRoundsTowardZero) {
  TraceBuilder b;
  b.Span("p", "", "a", "p", 100, 101).Host("h1");
  b.Span("c", "p", "b", "c", 0 + 1, 40).Host("h2");
  const Trace t = Adjusted(b);
  EXPECT_EQ(StartOf(t, "c"), 130);  // 100 + 61 / 2
}

TEST(ClockSkewTest, GrandchildOnThirdHostSkewedAgainstAdjustedParent) {
  TraceBuilder b = SkewedChild();
  b.Span("x", "c", "c", "x", 600, 10).Host("h3");
  const Trace t = Adjusted(b);
  EXPECT_EQ(StartOf(t, "c"), 130);
  EXPECT_EQ(StartOf(t, "x"), 145);  // 130 + (40 - 10) / 2
  EXPECT_EQ(t.quality.clock_skew_adjusted, 3u);
}

TEST(ClockSkewTest, DeltasAboveTheLimitAreNotApplied) {
  ClockSkewOptions small;
  small.max_adjust_us = 369;
  TraceBuilder b = SkewedChild();
  const Trace t = Adjusted(b, small);
  EXPECT_EQ(StartOf(t, "c"), 500);
  EXPECT_EQ(StartOf(t, "g"), 510);  // inherits the skipped delta: stays with c
  EXPECT_EQ(t.quality.clock_skew_adjusted, 0u);

  ClockSkewOptions enough;
  enough.max_adjust_us = 370;
  TraceBuilder b2 = SkewedChild();
  EXPECT_EQ(StartOf(Adjusted(b2, enough), "c"), 130);
}

TEST(ClockSkewTest, SkippedWhenSpanIdsWereDuplicated) {
  TraceBuilder b = SkewedChild();
  b.Span("g", "c", "b", "g-other", 520, 10).Host("h2");
  const Trace t = Adjusted(b);
  EXPECT_EQ(t.quality.duplicate_span_ids, 1u);
  EXPECT_EQ(StartOf(t, "c"), 500);
  EXPECT_EQ(t.quality.clock_skew_adjusted, 0u);
}

TEST(ClockSkewTest, ChildrenOrderReestablished) {
  TraceBuilder b = SkewedChild();
  b.Span("a", "p", "a", "a", 150, 10).Host("h1");
  b.Span("t", "p", "a", "tie", 130, 10).Host("h1");  // ties with c after the shift
  Trace t = b.Build();
  Normalize(t);
  EXPECT_THAT(ChildIds(t, 0), ElementsAre("t", "a", "c"));
  AdjustClockSkew(t);
  // Equal starts keep input order: c (index 1) before t (index 4).
  EXPECT_THAT(ChildIds(t, 0), ElementsAre("c", "t", "a"));
}

TEST(ClockSkewTest, SecondCallChangesNothing) {
  TraceBuilder b = SkewedChild();
  Trace t = Adjusted(b);
  AdjustClockSkew(t);
  EXPECT_EQ(StartOf(t, "c"), 130);
  EXPECT_EQ(StartOf(t, "g"), 140);
  EXPECT_EQ(t.quality.clock_skew_adjusted, 2u);
}

}  // namespace
}  // namespace trace_analyze::analyzer
