// Fetching many traces over real protocols: window splitting and
// de-duplication, fetch by id with missing traces, the cache, and the four
// APIs agreeing on the same traces.
#include "jaeger_client/fetcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "jaeger_client/time_parse.h"
#include "jaeger_client/trace_cache.h"
#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"
#include "tests/testing/temp_dir.h"

namespace trace_analyze::testing {
namespace {

using jaeger_client::ApiKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

jaeger_client::SearchQuery HourSearch(int limit) {
  jaeger_client::SearchQuery q;
  q.service = "frontend";
  q.start_us = kBaseUs - 1000000;
  q.end_us = kBaseUs + 3600LL * 1000000;
  q.limit = limit;
  return q;
}

TEST(FetcherTest, SplitsTheWindowToGetMoreThanTheLimitWithoutDuplicates) {
  const FakeJaegerStore store = MakeStore(50);  // one a minute: 50 minutes
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  jaeger_client::FetchOptions fetch;
  fetch.max_traces = 35;
  Collected c;
  jaeger_client::FetchReport report;
  jaeger_client::CallStatus status =
      jaeger_client::SearchTraces(*source, HourSearch(10), fetch, c.Callback(), &report);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(c.traces.size(), 35u);
  const std::vector<std::string> ids = c.Ids();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_GT(report.search_calls, 3u);
  EXPECT_FALSE(report.partial());
  EXPECT_EQ(report.traces, 35u);
}

TEST(FetcherTest, GetsEverythingWhenTheTargetExceedsWhatMatches) {
  const FakeJaegerStore store = MakeStore(30);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV3);
  jaeger_client::FetchOptions fetch;
  fetch.max_traces = 1000;
  Collected c;
  jaeger_client::FetchReport report;
  jaeger_client::CallStatus status =
      jaeger_client::SearchTraces(*source, HourSearch(7), fetch, c.Callback(), &report);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(c.traces.size(), 30u);
  EXPECT_FALSE(report.search_truncated);
}

TEST(FetcherTest, BoundedSplitDepthReportsATruncatedSearch) {
  const FakeJaegerStore store = MakeStore(40);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  jaeger_client::FetchOptions fetch;
  fetch.max_traces = 100;
  fetch.max_split_depth = 1;
  Collected c;
  jaeger_client::FetchReport report;
  jaeger_client::CallStatus status =
      jaeger_client::SearchTraces(*source, HourSearch(5), fetch, c.Callback(), &report);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(report.search_calls, 3u);
  EXPECT_TRUE(report.search_truncated);
  EXPECT_TRUE(report.partial());
  ASSERT_EQ(report.PartialReasons().size(), 1u);
  EXPECT_THAT(report.PartialReasons()[0], HasSubstr("search truncated"));
}

TEST(FetcherTest, FetchesIdsInOrderAndReportsTheMissingOnes) {
  const FakeJaegerStore store = MakeStore(12);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const std::vector<std::string> ids = {"00000000000a0007", "00000000000bbbbb", "00000000000a0001",
                                        "00000000000a0007", "00000000000a0004", "00000000000ccccc"};
  jaeger_client::FetchOptions fetch;
  fetch.concurrency = 3;
  std::vector<std::pair<size_t, size_t>> progress;
  fetch.progress = [&](size_t done, size_t total) { progress.emplace_back(done, total); };
  Collected c;
  jaeger_client::FetchReport report;
  ASSERT_TRUE(jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report).ok());
  EXPECT_THAT(c.Ids(), ElementsAre("00000000000a0007", "00000000000a0001", "00000000000a0004"));
  EXPECT_THAT(report.not_found, ElementsAre("00000000000bbbbb", "00000000000ccccc"));
  EXPECT_TRUE(report.partial());
  EXPECT_THAT(report.PartialReasons()[0],
              HasSubstr("2 requested traces not found on the server: 00000000000bbbbb, "
                        "00000000000ccccc"));
  EXPECT_EQ(progress.back(), std::make_pair(size_t{5}, size_t{5}));
  EXPECT_EQ(server.RequestsTo("/api/traces/"), 5);  // the duplicate was fetched once
}

TEST(FetcherTest, ServerErrorsOnSomeTracesMakeAPartialResult) {
  const FakeJaegerStore store = MakeStore(4);
  FakeHttpBehaviour flaky;
  flaky.fail_first = 1;
  flaky.fail_status = 500;
  FakeJaegerHttp server(&store, flaky);
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const std::vector<std::string> ids = {"00000000000a0000", "00000000000a0001"};
  jaeger_client::FetchOptions fetch;
  fetch.concurrency = 1;
  Collected c;
  jaeger_client::FetchReport report;
  ASSERT_TRUE(jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report).ok());
  EXPECT_EQ(c.traces.size(), 1u);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_THAT(report.failed[0], HasSubstr("HTTP 500"));
  EXPECT_TRUE(report.partial());
}

TEST(FetcherTest, RefusedConnectionAbortsTheWholeFetch) {
  std::string url;
  {
    const FakeJaegerStore store;
    FakeJaegerHttp server(&store, {});
    url = server.url();
  }
  const jaeger_client::ClientOptions options = TestOptions(url);
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const std::vector<std::string> ids = {"00000000000a0000", "00000000000a0001", "00000000000a0002"};
  Collected c;
  jaeger_client::FetchReport report;
  jaeger_client::CallStatus status =
      jaeger_client::FetchByIds(*source, ids, {}, c.Callback(), &report);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, jaeger_client::CallErrorKind::kUnavailable);
}

TEST(FetcherTest, CacheServesSettledTracesOnTheSecondRun) {
  FakeJaegerStore store = MakeStore(3);
  const int64_t now = jaeger_client::NowUs();
  store.Add(MakeFakeTrace("00000000000e0000", now - 1000000));  // ended a second ago
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  TempDir dir;
  const std::vector<std::string> ids = {"00000000000a0000", "000000000000feed00000000000a0002",
                                        "00000000000e0000"};
  std::vector<std::string> first_run;
  for (int run = 0; run < 2; ++run) {
    jaeger_client::TraceCache cache(dir.path(), options.server.Display(), options.server.Display(),
                                    5LL * 60 * 1000000);
    jaeger_client::FetchOptions fetch;
    fetch.cache = &cache;
    Collected c;
    jaeger_client::FetchReport report;
    ASSERT_TRUE(jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report).ok());
    ASSERT_EQ(c.traces.size(), 3u);
    std::vector<std::string> summary;
    for (const analyzer::Trace& t : c.traces) {
      for (const std::string& line : TraceSummary(t)) summary.push_back(line);
    }
    if (run == 0) {
      first_run = summary;
      EXPECT_EQ(report.cache_hits, 0u);
      EXPECT_EQ(cache.stores(), 2u);  // the young trace may still grow: not cached
    } else {
      EXPECT_EQ(summary, first_run);  // the cache gives back the same traces
      EXPECT_EQ(report.cache_hits, 2u);
    }
  }
  EXPECT_EQ(server.RequestsTo("/api/traces/"), 4);  // 3 + only the young one again
}

TEST(FetcherTest, CorruptCacheEntryIsAMissAndIsReplaced) {
  const FakeJaegerStore store = MakeStore(1);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  TempDir dir;
  jaeger_client::TraceCache cache(dir.path(), options.server.Display(), "key", 0);
  std::filesystem::create_directories(cache.folder());
  std::ofstream(cache.folder() + "/00000000000a0000.json.zst") << "not zstd";
  jaeger_client::FetchOptions fetch;
  fetch.cache = &cache;
  Collected c;
  jaeger_client::FetchReport report;
  const std::vector<std::string> ids = {"00000000000a0000"};
  ASSERT_TRUE(jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report).ok());
  EXPECT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(report.cache_hits, 0u);
  EXPECT_EQ(cache.stores(), 1u);
}

// The same traces read through /api (UI JSON), /api/v3 (OTLP JSON), gRPC
// api_v2 and gRPC api_v3 become the same model traces.
TEST(FetcherTest, AllFourApisAgree) {
  const FakeJaegerStore store = MakeStore(6);
  FakeJaegerHttp http(&store, {});
  FakeJaegerGrpc grpc(&store, {});
  const std::vector<std::string> ids = {"00000000000a0000", "000000000000feed00000000000a0002",
                                        "00000000000a0003"};
  std::vector<std::vector<std::string>> results;
  for (const auto& [url, api] :
       std::vector<std::pair<std::string, ApiKind>>{{http.url(), ApiKind::kHttpV1},
                                                    {http.url(), ApiKind::kHttpV3},
                                                    {grpc.url(), ApiKind::kGrpcV2},
                                                    {grpc.url(), ApiKind::kGrpcV3}}) {
    const jaeger_client::ClientOptions options = TestOptions(url);
    auto source = MakeSource(options, api);
    Collected c;
    jaeger_client::FetchReport report;
    jaeger_client::CallStatus status =
        jaeger_client::FetchByIds(*source, ids, {}, c.Callback(), &report);
    ASSERT_TRUE(status.ok()) << status.error().message;
    std::vector<std::string> summary;
    for (const analyzer::Trace& t : c.traces) {
      for (const std::string& line : TraceSummary(t)) summary.push_back(line);
    }
    results.push_back(summary);
  }
  ASSERT_FALSE(results[0].empty());
  EXPECT_THAT(results[0], ::testing::Contains(HasSubstr("kind=server error=false status=200")));
  EXPECT_THAT(results[0], ::testing::Contains(HasSubstr("kind=client error=true")));
  for (size_t i = 1; i < results.size(); ++i) EXPECT_EQ(results[i], results[0]) << "api " << i;
}

}  // namespace
}  // namespace trace_analyze::testing
