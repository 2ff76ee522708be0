// The gRPC sources (api_v2, api_v3) against an in-process grpc++ server
// built from the project's protos.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "jaeger_client/fetcher.h"
#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"

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

class GrpcSourceTest : public ::testing::TestWithParam<ApiKind> {};

TEST_P(GrpcSourceTest, ListsSearchesAndFetches) {
  FakeJaegerStore store = MakeStore(4);
  store.Add(MakeFakeTrace("00000000000c0000", kBaseUs, 25));  // 26 spans: 3 api_v2 chunks
  FakeJaegerGrpc server(&store, {});
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, GetParam());

  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_THAT(services.value(), ElementsAre("driver", "frontend"));
  auto ops = source->Operations("frontend");
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  EXPECT_THAT(ops.value(), ElementsAre(jaeger_client::OperationInfo{"GET /dispatch", "server"}));

  Collected found;
  auto n = source->Search(Search(3), found.Callback(), &found.stats);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n.value(), 3u);
  EXPECT_EQ(found.traces.size(), 3u);

  Collected big;
  ASSERT_TRUE(source->GetTrace("00000000000c0000", big.Callback(), &big.stats).ok());
  ASSERT_EQ(big.traces.size(), 1u);
  EXPECT_EQ(big.traces[0].spans.size(), 26u);
  if (GetParam() == ApiKind::kGrpcV2) {
    EXPECT_EQ(server.max_chunk_spans(), 10);
  }

  Collected missing;
  jaeger_client::CallStatus status =
      source->GetTrace("00000000000bbbbb", missing.Callback(), &missing.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kNotFound) << status.error().message;
  EXPECT_THAT(status.error().message, HasSubstr(server.url()));
  EXPECT_THAT(status.error().message, HasSubstr("GetTrace(00000000000bbbbb)"));
}

TEST_P(GrpcSourceTest, RetriesUnavailableThenSucceeds) {
  const FakeJaegerStore store = MakeStore(2);
  FakeGrpcBehaviour flaky;
  flaky.fail_first = 2;
  FakeJaegerGrpc server(&store, flaky);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  auto source = MakeSource(options, GetParam());
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(server.calls(), 3);
}

TEST_P(GrpcSourceTest, DeadlineExceededIsATimeout) {
  const FakeJaegerStore store = MakeStore(1);
  FakeGrpcBehaviour slow;
  slow.delay_ms = 800;
  FakeJaegerGrpc server(&store, slow);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.timeout_ms = 200;
  auto source = MakeSource(options, GetParam());
  const auto start = std::chrono::steady_clock::now();
  auto services = source->Services();
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kTimeout);
  EXPECT_THAT(services.error().message, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_P(GrpcSourceTest, SendsTokenAsMetadataNeverInMessages) {
  const FakeJaegerStore store = MakeStore(1);
  FakeGrpcBehaviour secured;
  secured.required_token = "gr9c-t0ken";
  FakeJaegerGrpc server(&store, secured);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.headers = {{"X-Team", "latency"}};
  options.tenant = "acme";
  std::vector<std::string> log;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto anonymous = MakeSource(options, GetParam());
  auto refused = anonymous->Services();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, CallErrorKind::kAuth);

  options.bearer_token = "gr9c-t0ken";
  auto source = MakeSource(options, GetParam());
  ASSERT_TRUE(source->Services().ok());
  EXPECT_THAT(server.SeenMetadata(), ::testing::Contains("authorization: Bearer gr9c-t0ken"));
  EXPECT_THAT(server.SeenMetadata(), ::testing::Contains("x-team: latency"));
  EXPECT_THAT(server.SeenMetadata(), ::testing::Contains("x-tenant: acme"));
  for (const std::string& line : log) EXPECT_THAT(line, Not(HasSubstr("gr9c-t0ken")));
}

INSTANTIATE_TEST_SUITE_P(Apis, GrpcSourceTest,
                         ::testing::Values(ApiKind::kGrpcV2, ApiKind::kGrpcV3),
                         [](const auto& info) {
                           return info.param == ApiKind::kGrpcV2 ? "ApiV2" : "ApiV3";
                         });

TEST(GrpcApiV3Test, TraceLargerThanFourMebibytesArrivesWhole) {
  FakeJaegerStore store;
  store.Add(MakeBigFakeTrace("00000000000d0000", kBaseUs));
  ASSERT_GT(ToOtlpProto(store.traces()[0]).ByteSizeLong(), size_t{4} << 20);
  FakeJaegerGrpc server(&store, {});
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.timeout_ms = 10000;
  auto source = MakeSource(options, ApiKind::kGrpcV3);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000d0000", c.Callback(), &c.stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(c.traces[0].spans.size(), 6001u);
}

TEST(GrpcAutoTest, FallsBackToApiV2WhenApiV3IsUnimplemented) {
  const FakeJaegerStore store = MakeStore(3);
  FakeGrpcBehaviour old_server;
  old_server.serve_v3 = false;
  FakeJaegerGrpc server(&store, old_server);
  std::vector<std::string> log;
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto source = MakeSource(options, ApiKind::kAuto);
  Collected c;
  auto n = source->Search(Search(), c.Callback(), &c.stats);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n.value(), 3u);
  EXPECT_THAT(source->Describe(), HasSubstr("gRPC api_v2"));
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log[0], HasSubstr("UNIMPLEMENTED"));
  EXPECT_THAT(log[0], HasSubstr("falling back"));
}

TEST(GrpcAutoTest, ConnectionRefusedIsUnavailable) {
  std::string url;
  {
    const FakeJaegerStore store;
    FakeJaegerGrpc server(&store, {});
    url = server.url();
  }
  jaeger_client::ClientOptions options = TestOptions(url);
  auto source = MakeSource(options, ApiKind::kGrpcV3);
  auto services = source->Services();
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kUnavailable) << services.error().message;
  EXPECT_THAT(services.error().message, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace trace_analyze::testing
