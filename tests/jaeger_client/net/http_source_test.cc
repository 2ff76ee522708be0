// The HTTP sources (/api and /api/v3) against an in-process HTTP server that
// answers as Jaeger does, including version differences and faults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "jaeger_client/fetcher.h"
#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

using jaeger_client::ApiKind;
using jaeger_client::CallErrorKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

jaeger_client::SearchQuery Search(int limit = 100) {
  jaeger_client::SearchQuery q;
  q.service = "frontend";
  q.start_us = kBaseUs - 1000000;
  q.end_us = kBaseUs + 3600LL * 1000000;
  q.limit = limit;
  return q;
}

TEST(HttpSourceTest, ApiV1ListsSearchesAndFetches) {
  const FakeJaegerStore store = MakeStore(5);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);

  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_THAT(services.value(), ElementsAre("driver", "frontend"));
  auto ops = source->Operations("driver");
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  EXPECT_THAT(ops.value(), ElementsAre(jaeger_client::OperationInfo{"FindDriver", "client"}));

  Collected found;
  auto n = source->Search(Search(3), found.Callback(), &found.stats);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n.value(), 3u);
  ASSERT_EQ(found.traces.size(), 3u);
  // Newest first, as the fake server orders them; ids normalised.
  EXPECT_EQ(found.traces[0].trace_id, "00000000000a0004");
  EXPECT_EQ(found.traces[2].trace_id, "000000000000feed00000000000a0002");

  Collected one;
  ASSERT_TRUE(source->GetTrace("00000000000a0001", one.Callback(), &one.stats).ok());
  ASSERT_EQ(one.traces.size(), 1u);
  EXPECT_EQ(one.traces[0].trace_id, "00000000000a0001");
  EXPECT_EQ(one.traces[0].spans.size(), 4u);
  EXPECT_EQ(one.traces[0].spans[0].service, "frontend");
  EXPECT_EQ(one.traces[0].spans[0].host, "host-frontend");
}

TEST(HttpSourceTest, ApiV3SpeaksOtlpJsonAndTreats404AsNoTraces) {
  const FakeJaegerStore store = MakeStore(4);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV3);

  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_THAT(services.value(), ElementsAre("driver", "frontend"));

  Collected found;
  auto n = source->Search(Search(), found.Callback(), &found.stats);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n.value(), 4u);
  EXPECT_EQ(server.RequestsTo("/api/v3/traces"), 1);

  jaeger_client::SearchQuery nothing = Search();
  nothing.service = "nobody";
  Collected none;
  auto zero = source->Search(nothing, none.Callback(), &none.stats);
  ASSERT_TRUE(zero.ok()) << zero.error().message;  // 404 "No traces found" = empty
  EXPECT_EQ(zero.value(), 0u);

  Collected missing;
  jaeger_client::CallStatus status =
      source->GetTrace("00000000000bbbbb", missing.Callback(), &missing.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kNotFound);
  EXPECT_THAT(status.error().message, HasSubstr("No traces found"));
  EXPECT_THAT(status.error().message, HasSubstr(server.url()));
  EXPECT_THAT(status.error().message, HasSubstr("HTTP /api/v3"));
}

TEST(HttpSourceTest, NotFoundTraceNamesServerApiCallAndCause) {
  const FakeJaegerStore store = MakeStore(1);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000bbbbb", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kNotFound);
  EXPECT_EQ(
      status.error().message,
      server.url() + " (HTTP /api): GET /api/traces/00000000000bbbbb: HTTP 404: trace not found");
}

TEST(HttpSourceTest, BadRequestCarriesJaegersMessageFromTextPlainBody) {
  const FakeJaegerStore store = MakeStore(1);
  FakeJaegerHttp server(&store, {});
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  jaeger_client::SearchQuery q = Search();
  q.service = "";
  Collected c;
  auto n = source->Search(q, c.Callback(), &c.stats);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, CallErrorKind::kBadRequest);
  EXPECT_THAT(n.error().message, HasSubstr("HTTP 400: parameter 'service' is required"));
  EXPECT_EQ(server.requests(), 1);  // 400 is not retried
}

TEST(HttpSourceTest, AutoFallsBackToApiV3WhenSearchEndpointsAreGone) {
  const FakeJaegerStore store = MakeStore(3);
  FakeHttpBehaviour after_v2_20;
  after_v2_20.legacy_search_removed = true;
  FakeJaegerHttp server(&store, after_v2_20);
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kAuto);

  Collected found;
  auto n = source->Search(Search(), found.Callback(), &found.stats);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n.value(), 3u);
  EXPECT_THAT(source->Describe(), HasSubstr("HTTP /api/v3"));
  // The next search goes straight to /api/v3.
  ASSERT_TRUE(source->Search(Search(), found.Callback(), &found.stats).ok());
  EXPECT_EQ(server.RequestsTo("/api/traces"), 1);
  EXPECT_EQ(server.RequestsTo("/api/v3/traces"), 2);

  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(services.value().size(), 2u);

  // Fetch by id still uses /api/traces/{id}, which every version keeps.
  Collected one;
  ASSERT_TRUE(source->GetTrace("00000000000a0000", one.Callback(), &one.stats).ok());
  EXPECT_EQ(server.RequestsTo("/api/traces/"), 1);
}

TEST(HttpSourceTest, HtmlIndexPageIsDetectedAsEndpointNotServed) {
  const FakeJaegerStore store = MakeStore(2);
  FakeHttpBehaviour old_router;
  old_router.legacy_search_removed = true;
  old_router.html_for_unknown = true;
  FakeJaegerHttp server(&store, old_router);
  const jaeger_client::ClientOptions options = TestOptions(server.url());

  auto v1 = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  auto n = v1->Search(Search(), c.Callback(), &c.stats);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, CallErrorKind::kNotServed);
  EXPECT_THAT(n.error().message, HasSubstr("HTML"));

  auto automatic = MakeSource(options, ApiKind::kAuto);
  auto found = automatic->Search(Search(), c.Callback(), &c.stats);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found.value(), 2u);
}

TEST(HttpSourceTest, RetriesServerErrorsWithBackoffThenSucceeds) {
  const FakeJaegerStore store = MakeStore(2);
  FakeHttpBehaviour flaky;
  flaky.fail_first = 2;
  flaky.fail_status = 503;
  FakeJaegerHttp server(&store, flaky);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(server.requests(), 3);
}

TEST(HttpSourceTest, GivesUpAfterRetriesAndSaysSo) {
  const FakeJaegerStore store = MakeStore(2);
  FakeHttpBehaviour down;
  down.fail_first = 100;
  down.fail_status = 500;
  FakeJaegerHttp server(&store, down);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kServer);
  EXPECT_THAT(status.error().message, HasSubstr("HTTP 500: storage unavailable"));
  EXPECT_THAT(status.error().message, HasSubstr("after 3 attempts"));
  EXPECT_EQ(server.requests(), 3);
  EXPECT_TRUE(c.traces.empty());
}

TEST(HttpSourceTest, SlowServerTimesOut) {
  const FakeJaegerStore store = MakeStore(1);
  FakeHttpBehaviour slow;
  slow.delay_ms = 800;
  FakeJaegerHttp server(&store, slow);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.timeout_ms = 200;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const auto start = std::chrono::steady_clock::now();
  auto services = source->Services();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kTimeout);
  EXPECT_THAT(services.error().message, HasSubstr("GET /api/services"));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(HttpSourceTest, DroppedConnectionIsRetriedAndReported) {
  const FakeJaegerStore store = MakeStore(1);
  FakeHttpBehaviour dropping;
  dropping.drop_first = 1;
  FakeJaegerHttp server(&store, dropping);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  auto once = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus failed = once->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(jaeger_client::IsRetryable(failed.error().kind)) << failed.error().message;
  EXPECT_THAT(failed.error().message, HasSubstr("GET /api/traces/00000000000a0000"));
  EXPECT_TRUE(c.traces.empty());

  FakeJaegerHttp server2(&store, dropping);
  jaeger_client::ClientOptions retrying = TestOptions(server2.url());
  retrying.retry.max_attempts = 2;
  auto twice = MakeSource(retrying, ApiKind::kHttpV1);
  ASSERT_TRUE(twice->GetTrace("00000000000a0000", c.Callback(), &c.stats).ok());
  EXPECT_EQ(c.traces.size(), 1u);
}

TEST(HttpSourceTest, ConnectionRefusedIsUnavailable) {
  int port = 0;
  {
    const FakeJaegerStore store;
    FakeJaegerHttp server(&store, {});  // bind, then close: the port is free again
    port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
  }
  const jaeger_client::ClientOptions options =
      TestOptions(fmt::format("http://127.0.0.1:{}", port));
  auto source = MakeSource(options, ApiKind::kHttpV1);
  auto services = source->Services();
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kUnavailable);
  EXPECT_THAT(services.error().message, HasSubstr("connection failed"));
}

TEST(HttpSourceTest, SendsHeadersTokenAndTenantButNeverLogsTheToken) {
  const FakeJaegerStore store = MakeStore(1);
  FakeHttpBehaviour secured;
  secured.required_token = "s3cr3t-t0ken";
  FakeJaegerHttp server(&store, secured);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.headers = {{"X-Team", "latency"}, {"X-Api-Key", "k3y-value"}};
  options.tenant = "acme";
  std::vector<std::string> log;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto source = MakeSource(options, ApiKind::kHttpV1);

  // Without the token: 401, an auth error that names no secret.
  auto refused = source->Services();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, CallErrorKind::kAuth);

  options.bearer_token = "s3cr3t-t0ken";
  auto authed = MakeSource(options, ApiKind::kHttpV1);
  auto services = authed->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  const std::vector<std::string> headers = server.SeenHeaders();
  EXPECT_THAT(headers, ::testing::Contains("authorization: Bearer s3cr3t-t0ken"));
  EXPECT_THAT(headers, ::testing::Contains("x-team: latency"));
  EXPECT_THAT(headers, ::testing::Contains("x-tenant: acme"));
  EXPECT_THAT(headers, ::testing::Contains(HasSubstr("gzip")));  // accept-encoding
  ASSERT_FALSE(log.empty());
  for (const std::string& line : log) {
    EXPECT_THAT(line, Not(HasSubstr("s3cr3t-t0ken")));
    EXPECT_THAT(line, Not(HasSubstr("k3y-value")));
  }
  EXPECT_THAT(log[0], HasSubstr("X-Team: latency"));
  EXPECT_THAT(refused.error().message, Not(HasSubstr("s3cr3t")));
}

TEST(HttpSourceTest, BasePathPrefixesEveryRoute) {
  const FakeJaegerStore store = MakeStore(1);
  FakeJaegerHttp server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url() + "/jaeger/");
  EXPECT_EQ(options.server.base_path, "/jaeger");
  auto source = MakeSource(options, ApiKind::kHttpV1);
  auto services = source->Services();  // the fake serves no base path: 404 page
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kNotServed);
  EXPECT_THAT(server.SeenPaths(), ElementsAre("/jaeger/api/services"));
}

}  // namespace
}  // namespace trace_analyze::testing
