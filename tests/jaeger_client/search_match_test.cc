// Which spans a search matches on the client, and which window of a split
// search owns a trace (jaeger_client/search_match.h).
#include "jaeger_client/search_match.h"

#include <gtest/gtest.h>

#include "tests/testing/trace_builder.h"

namespace trace_analyze::jaeger_client {
namespace {

using testing::TraceBuilder;

constexpr int64_t kEpoch = 1'000'000'000;

SearchQuery Query(int64_t start_us, int64_t end_us) {
  SearchQuery q;
  q.service = "frontend";
  q.start_us = kEpoch + start_us;
  q.end_us = kEpoch + end_us;
  return q;
}

TEST(SearchMatchTest, SpanMatchesServiceOperationTagsAndItsOwnDuration) {
  const analyzer::Trace t = TraceBuilder("t", kEpoch)
                                .Span("a", "", "frontend", "GET /", 0, 500)
                                .Attr("customer", "123")
                                .Attr("error", "true")
                                .Span("b", "a", "driver", "Find", 10, 50)
                                .Build();
  SearchQuery q = Query(0, 1000);
  EXPECT_TRUE(SpanMatchesSearch(t, t.spans[0], q));
  EXPECT_FALSE(SpanMatchesSearch(t, t.spans[1], q));  // another service
  q.operation = "GET /";
  q.tags = {{"customer", "123"}, {"error", "true"}};
  EXPECT_TRUE(SpanMatchesSearch(t, t.spans[0], q));
  q.tags.emplace_back("customer", "124");
  EXPECT_FALSE(SpanMatchesSearch(t, t.spans[0], q));
  q = Query(0, 1000);
  q.operation = "POST /";
  EXPECT_FALSE(SpanMatchesSearch(t, t.spans[0], q));
  q = Query(0, 1000);
  q.min_duration_us = 500;
  EXPECT_TRUE(SpanMatchesSearch(t, t.spans[0], q));
  q.min_duration_us = 501;
  EXPECT_FALSE(SpanMatchesSearch(t, t.spans[0], q));
  q = Query(0, 1000);
  q.max_duration_us = 499;
  EXPECT_FALSE(SpanMatchesSearch(t, t.spans[0], q));
}

TEST(SearchMatchTest, EarliestMatchingSpanFromTheSearchStartDecidesTheWindow) {
  // Windows [0, 99], [100, 199], [200, 299] of a search from 0. The root
  // (gateway) starts in the first window, frontend spans in the second and
  // third: Jaeger returns the trace to windows 2 and 3, and window 2 owns it.
  const analyzer::Trace t = TraceBuilder("t", kEpoch)
                                .Span("r", "", "gateway", "GET /", 50, 300)
                                .Span("a", "r", "frontend", "GET /", 150, 10)
                                .Span("b", "r", "frontend", "GET /", 250, 10)
                                .Build();
  EXPECT_FALSE(TraceOwnedByEarlierWindow(t, Query(0, 99), kEpoch));
  EXPECT_FALSE(TraceOwnedByEarlierWindow(t, Query(100, 199), kEpoch));
  EXPECT_TRUE(TraceOwnedByEarlierWindow(t, Query(200, 299), kEpoch));
  // A search that starts after the first frontend span: the window that
  // returns the second one owns it.
  EXPECT_FALSE(TraceOwnedByEarlierWindow(t, Query(200, 299), kEpoch + 160));
  // A span exactly at a window's start belongs to that window.
  EXPECT_FALSE(TraceOwnedByEarlierWindow(t, Query(150, 299), kEpoch));
  EXPECT_TRUE(TraceOwnedByEarlierWindow(t, Query(151, 299), kEpoch));
}

}  // namespace
}  // namespace trace_analyze::jaeger_client
