// Servers that misbehave, over real loopback connections: resets mid-body,
// endless trickles, bodies longer or far larger than announced, gzip, 5xx
// storms, malformed and truncated bodies (JSON and protobuf), gRPC streams
// that never end, authentication failures, and credentials echoed back in
// error messages. Every failure must be a clear CallError of the right kind
// within bounded time and memory, and partial data must never pass as whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "jaeger_client/fetcher.h"
#include "jaeger_client/redact.h"
#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"
#include "tests/testing/raw_http_server.h"

namespace trace_analyze::testing {
namespace {

using jaeger_client::ApiKind;
using jaeger_client::CallErrorKind;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

jaeger_client::SearchQuery HourSearch(int limit = 100) {
  jaeger_client::SearchQuery q;
  q.service = "frontend";
  q.start_us = kBaseUs - 1000000;
  q.end_us = kBaseUs + 3600LL * 1000000;
  q.limit = limit;
  return q;
}

// The /api body for one stored trace.
std::string UiBody(const FakeJaegerStore& store, const std::string& id) {
  return ToUiJsonEnvelope({store.Get(id)});
}

// ---- HTTP transport faults (raw sockets) ----

TEST(FailingHttpServerTest, GzipEncodedBodyIsDecoded) {
  const FakeJaegerStore store = MakeStore(2);
  const std::string body = UiBody(store, "00000000000a0001");
  RawHttpServer server([&](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    const std::string gz = Gzip(body);
    c.Send(HttpHead(200, "application/json", static_cast<long long>(gz.size()),
                    "Content-Encoding: gzip\r\n") +
           gz);
  });
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(c.traces[0].trace_id, "00000000000a0001");
  EXPECT_EQ(c.traces[0].spans.size(), 4u);
  ASSERT_EQ(server.SeenRequests().size(), 1u);
  EXPECT_THAT(server.SeenRequests()[0].Header("Accept-Encoding"), HasSubstr("gzip"));
}

TEST(FailingHttpServerTest, ConnectionResetMidBodyIsARetryableFailure) {
  const FakeJaegerStore store = MakeStore(1);
  const std::string body = UiBody(store, "00000000000a0000");
  RawHttpServer server([&](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    c.Send(HttpHead(200, "application/json", static_cast<long long>(body.size())) +
           body.substr(0, body.size() / 2));
    c.Sleep(20);  // let the client read the first half
    c.Reset();
  });
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 2;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().kind, AnyOf(CallErrorKind::kUnavailable, CallErrorKind::kMalformed))
      << status.error().message;
  EXPECT_THAT(status.error().message,
              HasSubstr(server.url() + " (HTTP /api): GET /api/traces/00000000000a0000: "));
  EXPECT_THAT(status.error().message, HasSubstr("after 2 attempts"));
  EXPECT_EQ(server.requests(), 2);
  EXPECT_TRUE(c.traces.empty());  // half a trace is never delivered
}

TEST(FailingHttpServerTest, EndlessTrickleHitsTheTotalTimeout) {
  RawHttpServer server([](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    // Headers, then one byte every 10 ms for ever: never idle long enough
    // for a stall detector, never finished.
    if (!c.Send(HttpHead(200, "application/json", -1, "Transfer-Encoding: chunked\r\n"))) return;
    while (c.Send("1\r\n \r\n") && c.Sleep(10)) {
    }
  });
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.timeout_ms = 300;
  options.retry.max_attempts = 2;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const auto start = Clock::now();
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  const int64_t elapsed = MsSince(start);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kTimeout) << status.error().message;
  EXPECT_THAT(status.error().message, HasSubstr("GET /api/traces/00000000000a0000: timeout"));
  EXPECT_EQ(server.requests(), 2);
  EXPECT_GE(elapsed, 2 * 300);
  EXPECT_LT(elapsed, 2 * 300 + 1500);
}

TEST(FailingHttpServerTest, BodyLongerThanAnnouncedIsCutAndTheConnectionNotReused) {
  const FakeJaegerStore store = MakeStore(2);
  RawHttpServer server([&](const RawHttpServer::Request& req, RawHttpServer::Connection& c) {
    const std::string body = UiBody(store, "00000000000a0001");
    if (req.path.find("a0000") != std::string::npos) {
      // Announces 20 bytes, sends the whole body and more, keeps the
      // connection: whatever follows the 20 bytes must not be read as the
      // next response.
      c.Send(HttpHead(200, "application/json", 20, "", /*keep_alive=*/true) + body + body);
    } else {
      c.Send(HttpHead(200, "application/json", static_cast<long long>(body.size()), "", true) +
             body);
    }
    c.KeepAlive();
  });
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus first = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, CallErrorKind::kMalformed) << first.error().message;
  EXPECT_THAT(first.error().message, HasSubstr("(20 bytes)"));
  EXPECT_TRUE(c.traces.empty());

  jaeger_client::CallStatus second = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(c.traces[0].trace_id, "00000000000a0001");
  EXPECT_EQ(server.connections(), 2);  // the polluted connection was dropped
}

TEST(FailingHttpServerTest, BodyAnnouncedLargerThanTheLimitIsRefusedUnread) {
  RawHttpServer server([](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    c.Send(HttpHead(200, "application/json", 10LL << 30));  // 10 GiB, never sent
    c.Sleep(2000);
  });
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  options.max_response_bytes = 1 << 20;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const auto start = Clock::now();
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kTooLarge) << status.error().message;
  EXPECT_THAT(status.error().message, HasSubstr("response too large"));
  EXPECT_THAT(status.error().message, HasSubstr("1048576 bytes"));
  EXPECT_EQ(server.requests(), 1);  // not retried
  EXPECT_LT(MsSince(start), 1500);
}

TEST(FailingHttpServerTest, EndlessBodyIsCutAtTheLimit) {
  RawHttpServer server([](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    // No Content-Length: the size is only known by reading.
    if (!c.Send(HttpHead(200, "application/json", -1) + "{\"data\":[")) return;
    const std::string chunk(64 << 10, ' ');
    while (c.Send(chunk)) {
    }
  });
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.max_response_bytes = 4 << 20;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  auto n = source->Search(HourSearch(), c.Callback(), &c.stats);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, CallErrorKind::kTooLarge) << n.error().message;
  EXPECT_THAT(n.error().message, HasSubstr("GET /api/traces?service=frontend"));
  EXPECT_THAT(n.error().message, HasSubstr("exceeds the limit of 4194304 bytes"));
}

TEST(FailingHttpServerTest, GzipBombIsCutAtTheLimitAfterDecompression) {
  const std::string bomb = Gzip("{\"data\":[" + std::string(32 << 20, ' '));  // ~32 KiB
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  RawHttpServer server([&](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    c.Send(HttpHead(200, "application/json", static_cast<long long>(bomb.size()),
                    "Content-Encoding: gzip\r\n") +
           bomb);
  });
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.max_response_bytes = 4 << 20;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kTooLarge) << status.error().message;
}

// ---- HTTP bodies that arrive whole but are not what was asked for ----

struct BadBody {
  const char* name;
  ApiKind api;
  int status;
  const char* content_type;
  const char* body;
  CallErrorKind kind;
  const char* says;
};

class MalformedBodyTest : public ::testing::TestWithParam<BadBody> {};

TEST_P(MalformedBodyTest, IsAClearErrorNamingServerApiAndCall) {
  const BadBody& bad = GetParam();
  const FakeJaegerStore store = MakeStore(3);
  FakeHttpBehaviour b;
  const std::string path = bad.api == ApiKind::kHttpV1 ? "/api/traces/00000000000a0001"
                                                       : "/api/v3/traces/00000000000a0001";
  b.canned[path] = {bad.status, bad.content_type, bad.body};
  FakeJaegerHttp server(&store, b);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, bad.api);
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, bad.kind) << status.error().message;
  EXPECT_THAT(status.error().message,
              HasSubstr(fmt::format("{} ({}): GET {}: ", server.url(),
                                    jaeger_client::ApiLabel(bad.api), path)));
  EXPECT_THAT(status.error().message, HasSubstr(bad.says));
  EXPECT_TRUE(c.traces.empty());
  // The other traces are unaffected.
  ASSERT_TRUE(source->GetTrace("00000000000a0000", c.Callback(), &c.stats).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedBodyTest,
    ::testing::Values(
        BadBody{"BadJson", ApiKind::kHttpV1, 200, "application/json", "{\"data\" [{}]}",
                CallErrorKind::kMalformed, "malformed"},
        BadBody{"TrailingGarbage", ApiKind::kHttpV1, 200, "application/json",
                "{\"data\":[]} <html>", CallErrorKind::kMalformed, "malformed"},
        BadBody{"TruncatedJson", ApiKind::kHttpV1, 200, "application/json",
                "{\"data\":[{\"traceID\":\"00000000000a0001\",\"spans\":[{\"traceID\":",
                CallErrorKind::kMalformed, "malformed"},
        BadBody{"WrongShapeArray", ApiKind::kHttpV1, 200, "application/json", "[1,2,3]",
                CallErrorKind::kMalformed, "expected a Jaeger envelope"},
        BadBody{"WrongShapeObject", ApiKind::kHttpV1, 200, "application/json",
                "{\"services\":[\"a\"]}", CallErrorKind::kMalformed, "expected a Jaeger envelope"},
        BadBody{"EmptyBody", ApiKind::kHttpV1, 200, "application/json", "",
                CallErrorKind::kMalformed, "an empty body"},
        BadBody{"HtmlPage", ApiKind::kHttpV1, 200, "text/html",
                "<html><body>Login required</body></html>", CallErrorKind::kNotServed, "HTML"},
        BadBody{"V3BadJson", ApiKind::kHttpV3, 200, "application/json", "{\"result\":{",
                CallErrorKind::kMalformed, "malformed"},
        BadBody{"V3WrongShape", ApiKind::kHttpV3, 200, "application/json", "{\"data\":[]}",
                CallErrorKind::kMalformed, "expected OTLP JSON"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MalformedBodyTest, UndecodableTraceInAnIntactEnvelopeIsAProblemNotAFailedCall) {
  const FakeJaegerStore store = MakeStore(4);
  FakeHttpBehaviour b;
  b.canned["/api/traces/00000000000a0001"] = {
      200, "application/json", "{\"data\":[{\"traceID\":\"00000000000a0001\",\"spans\":5}]}"};
  FakeJaegerHttp server(&store, b);
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const std::vector<std::string> ids = {"00000000000a0000", "00000000000a0001", "00000000000a0003"};
  Collected c;
  jaeger_client::FetchReport report;
  ASSERT_TRUE(jaeger_client::FetchByIds(*source, ids, {}, c.Callback(), &report).ok());
  EXPECT_THAT(c.Ids(), ElementsAre("00000000000a0000", "00000000000a0003"));
  ASSERT_EQ(report.stats.problems.size(), 1u);
  EXPECT_EQ(report.stats.problems[0].trace_id, "00000000000a0001");
  EXPECT_THAT(report.stats.problems[0].source,
              HasSubstr(server.url() + " GET /api/traces/00000000000a0001"));
  EXPECT_TRUE(report.incomplete());
  EXPECT_THAT(report.PartialReasons(),
              ::testing::Contains(HasSubstr("1 trace in the server's responses could not be "
                                            "decoded")));
}

TEST(MalformedBodyTest, OneUndecodableTraceInAResponseMakesThatResponsePartial) {
  const FakeJaegerStore store = MakeStore(2);
  FakeHttpBehaviour b;
  // A search answer holding a good trace and one whose spans are not a list.
  const std::string good = ToUiJsonTrace(*store.Get("00000000000a0000"));
  b.canned["/api/traces"] = {
      200, "application/json",
      "{\"data\":[" + good + ",{\"traceID\":\"00000000000a0001\",\"spans\":5}],\"errors\":null}"};
  FakeJaegerHttp server(&store, b);
  const jaeger_client::ClientOptions options = TestOptions(server.url());
  auto source = MakeSource(options, ApiKind::kHttpV1);
  jaeger_client::FetchReport report;
  Collected c;
  jaeger_client::CallStatus status =
      jaeger_client::SearchTraces(*source, HourSearch(), {}, c.Callback(), &report);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_THAT(c.Ids(), ElementsAre("00000000000a0000"));  // the good trace is analysed
  ASSERT_EQ(report.stats.problems.size(), 1u);
  EXPECT_TRUE(report.incomplete());
  EXPECT_TRUE(report.partial());
  ASSERT_FALSE(report.PartialReasons().empty());
  EXPECT_THAT(report.PartialReasons()[0],
              HasSubstr("1 trace in the server's responses could not be decoded"));
  EXPECT_THAT(report.PartialReasons()[0], HasSubstr(server.url()));
}

// ---- 5xx storms ----

TEST(ServerErrorStormTest, RetriesAreBoundedAndBackedOff) {
  const FakeJaegerStore store = MakeStore(1);
  FakeHttpBehaviour storm;
  storm.fail_first = 1000;
  storm.fail_status = 500;
  FakeJaegerHttp server(&store, storm);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 4;
  options.retry.initial_backoff_ms = 40;
  options.retry.max_backoff_ms = 80;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  const auto start = Clock::now();
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  const int64_t elapsed = MsSince(start);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kServer);
  EXPECT_THAT(status.error().message,
              HasSubstr("HTTP 500: storage unavailable (after 4 attempts)"));
  EXPECT_EQ(server.requests(), 4);
  // Pauses of [20,40] + [40,80] + [40,80] ms between the four attempts.
  EXPECT_GE(elapsed, 20 + 40 + 40);
  EXPECT_LT(elapsed, 40 + 80 + 80 + 1000);
}

TEST(ServerErrorStormTest, FetchByIdsGivesUpInsteadOfTryingEveryId) {
  const FakeJaegerStore store = MakeStore(40);
  FakeHttpBehaviour storm;
  storm.fail_first = 100000;
  storm.fail_status = 500;
  FakeJaegerHttp server(&store, storm);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 2;
  auto source = MakeSource(options, ApiKind::kHttpV1);
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(fmt::format("{:016x}", 0xa0000 + i));
  jaeger_client::FetchOptions fetch;
  fetch.concurrency = 2;
  Collected c;
  jaeger_client::FetchReport report;
  const auto start = Clock::now();
  jaeger_client::CallStatus status =
      jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kServer);
  EXPECT_THAT(status.error().message, HasSubstr("giving up: the first 3 traces all failed"));
  // At most the ids the workers took before the third failure was delivered
  // (2 workers, 4 ahead each), each with its 2 attempts.
  EXPECT_LE(server.requests(), (3 + 2 * 4 + 2) * 2);
  EXPECT_LT(server.requests(), static_cast<int>(ids.size()) * 2);
  EXPECT_LT(MsSince(start), 3000);
  EXPECT_TRUE(c.traces.empty());
}

// ---- Parallel fetches ----

TEST(ConcurrencyLimitTest, NeverMoreRequestsInFlightThanTheLimit) {
  const FakeJaegerStore store = MakeStore(12);
  FakeHttpBehaviour slow;
  slow.delay_ms = 50;
  std::vector<std::string> ids;
  for (const FakeTrace& t : store.traces()) ids.push_back(t.trace_id);
  for (int limit : {1, 3}) {
    FakeJaegerHttp fresh(&store, slow);
    const jaeger_client::ClientOptions o = TestOptions(fresh.url());
    auto s = MakeSource(o, ApiKind::kHttpV1);
    jaeger_client::FetchOptions fetch;
    fetch.concurrency = limit;
    Collected c;
    jaeger_client::FetchReport report;
    ASSERT_TRUE(jaeger_client::FetchByIds(*s, ids, fetch, c.Callback(), &report).ok());
    EXPECT_EQ(c.traces.size(), 12u);
    EXPECT_EQ(fresh.requests(), 12);
    EXPECT_LE(fresh.max_in_flight(), limit) << "limit " << limit;
    if (limit > 1) {
      EXPECT_GE(fresh.max_in_flight(), 2) << "fetches should overlap";
    }
  }
}

// ---- gRPC ----

class FailingGrpcServerTest : public ::testing::TestWithParam<ApiKind> {};

TEST_P(FailingGrpcServerTest, StreamThatNeverEndsHitsTheDeadline) {
  FakeJaegerStore store = MakeStore(2);
  store.Add(MakeFakeTrace("00000000000c0000", kBaseUs, 25));  // 3 api_v2 chunks
  for (int sent_before_hanging : {0, 1}) {
    FakeGrpcBehaviour hanging;
    hanging.hang_after_messages = sent_before_hanging;
    FakeJaegerGrpc server(&store, hanging);
    jaeger_client::ClientOptions options = TestOptions(server.url());
    options.timeout_ms = 200;
    options.retry.max_attempts = 2;
    auto source = MakeSource(options, GetParam());
    const auto start = Clock::now();
    Collected c;
    jaeger_client::CallStatus status = source->GetTrace("00000000000c0000", c.Callback(), &c.stats);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, CallErrorKind::kTimeout) << status.error().message;
    EXPECT_THAT(status.error().message, HasSubstr("GetTrace(00000000000c0000): gRPC "
                                                  "DEADLINE_EXCEEDED"));
    EXPECT_THAT(status.error().message, HasSubstr("after 2 attempts"));
    EXPECT_EQ(server.calls(), 2);
    EXPECT_TRUE(c.traces.empty()) << "part of a stream was delivered";
    EXPECT_LT(MsSince(start), 2 * 200 + 1500);

    auto n = source->Search(HourSearch(), c.Callback(), &c.stats);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().kind, CallErrorKind::kTimeout) << n.error().message;
    EXPECT_TRUE(c.traces.empty());
  }
}

TEST_P(FailingGrpcServerTest, TruncatedProtobufMessageIsMalformedNotTheEndOfTheStream) {
  const FakeJaegerStore store = MakeStore(2);
  FakeGrpcBehaviour truncating;
  truncating.truncate_messages = true;
  FakeJaegerGrpc server(&store, truncating);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 2;
  auto source = MakeSource(options, GetParam());
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kMalformed) << status.error().message;
  EXPECT_THAT(status.error().message,
              HasSubstr(fmt::format("{} ({}): GetTrace(00000000000a0000): malformed response: "
                                    "message 2 of the stream",
                                    server.url(), jaeger_client::ApiLabel(GetParam()))));
  EXPECT_THAT(status.error().message, HasSubstr("truncated"));
  EXPECT_EQ(server.calls(), 2);   // retried: it may have been a broken connection
  EXPECT_TRUE(c.traces.empty());  // the valid first message is not delivered alone

  auto n = source->Search(HourSearch(), c.Callback(), &c.stats);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, CallErrorKind::kMalformed) << n.error().message;
  EXPECT_TRUE(c.traces.empty());
}

TEST_P(FailingGrpcServerTest, AuthFailuresAreNotRetried) {
  const FakeJaegerStore store = MakeStore(1);
  for (grpc::StatusCode code :
       {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED}) {
    FakeGrpcBehaviour refusing;
    refusing.fail_first = 1000;
    refusing.fail_code = code;
    FakeJaegerGrpc server(&store, refusing);
    jaeger_client::ClientOptions options = TestOptions(server.url());
    options.retry.max_attempts = 3;
    auto source = MakeSource(options, GetParam());
    Collected c;
    jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, CallErrorKind::kAuth) << status.error().message;
    EXPECT_THAT(status.error().message,
                HasSubstr(code == grpc::StatusCode::UNAUTHENTICATED ? "gRPC UNAUTHENTICATED"
                                                                    : "gRPC PERMISSION_DENIED"));
    EXPECT_THAT(status.error().message, HasSubstr(server.url()));
    EXPECT_EQ(server.calls(), 1);

    // A fetch of many ids stops at the first.
    jaeger_client::FetchReport report;
    const std::vector<std::string> ids = {"00000000000a0000", "00000000000a0001",
                                          "00000000000a0002"};
    jaeger_client::FetchOptions fetch;
    fetch.concurrency = 1;
    jaeger_client::CallStatus fetched =
        jaeger_client::FetchByIds(*source, ids, fetch, c.Callback(), &report);
    ASSERT_FALSE(fetched.ok());
    EXPECT_EQ(fetched.error().kind, CallErrorKind::kAuth);
    EXPECT_LE(server.calls(), 1 + 1 + 4);  // the one above, then at most the lookahead
  }
}

TEST_P(FailingGrpcServerTest, ResponsesAboveTheLimitAreRefused) {
  FakeJaegerStore store;
  store.Add(MakeFakeTrace("00000000000d0000", kBaseUs, 300));  // ~50 KB in either API
  FakeJaegerGrpc server(&store, {});
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.max_response_bytes = 16 << 10;
  options.retry.max_attempts = 3;
  auto source = MakeSource(options, GetParam());
  Collected c;
  jaeger_client::CallStatus status = source->GetTrace("00000000000d0000", c.Callback(), &c.stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, CallErrorKind::kTooLarge) << status.error().message;
  EXPECT_THAT(status.error().message, HasSubstr("--max-response-size"));
  EXPECT_EQ(server.calls(), 1);
  EXPECT_TRUE(c.traces.empty());

  // Within the limit the same trace arrives whole.
  options.max_response_bytes = 1 << 20;
  auto roomy = MakeSource(options, GetParam());
  ASSERT_TRUE(roomy->GetTrace("00000000000d0000", c.Callback(), &c.stats).ok());
  ASSERT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(c.traces[0].spans.size(), 301u);
}

INSTANTIATE_TEST_SUITE_P(Apis, FailingGrpcServerTest,
                         ::testing::Values(ApiKind::kGrpcV2, ApiKind::kGrpcV3),
                         [](const auto& info) {
                           return info.param == ApiKind::kGrpcV2 ? "ApiV2" : "ApiV3";
                         });

// ---- Credentials echoed back by servers ----

TEST(CredentialEchoTest, ServerMessagesQuotingOurCredentialsAreScrubbed) {
  const std::string token = "ech0-t0ken-5a4b3c";
  const std::string key = "ech0-api-key-9z8y";
  const FakeJaegerStore store = MakeStore(1);
  FakeHttpBehaviour http_behaviour;
  http_behaviour.fail_first = 1000;
  http_behaviour.fail_status = 500;
  http_behaviour.echo_credentials = true;
  FakeJaegerHttp http(&store, http_behaviour);
  FakeGrpcBehaviour grpc_behaviour;
  grpc_behaviour.fail_first = 1000;
  grpc_behaviour.fail_code = grpc::StatusCode::PERMISSION_DENIED;
  grpc_behaviour.echo_credentials = true;
  FakeJaegerGrpc grpc(&store, grpc_behaviour);
  for (const auto& [url, api] : std::vector<std::pair<std::string, ApiKind>>{
           {http.url(), ApiKind::kHttpV1}, {grpc.url(), ApiKind::kGrpcV3}}) {
    jaeger_client::ClientOptions options = TestOptions(url);
    options.bearer_token = token;
    options.headers = {{"X-Api-Key", key}};
    std::vector<std::string> log;
    options.log = [&](std::string_view line) { log.emplace_back(line); };
    options.retry.max_attempts = 2;
    auto source = MakeSource(options, api);
    Collected c;
    jaeger_client::CallStatus status = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
    ASSERT_FALSE(status.ok());
    // The server did quote it; we did not pass it on.
    EXPECT_THAT(status.error().message, ::testing::ContainsRegex("[Aa]uthorization"));
    EXPECT_THAT(status.error().message, HasSubstr("Bearer ***"));
    EXPECT_THAT(status.error().message, Not(HasSubstr(token)));
    for (const std::string& line : log) {
      EXPECT_THAT(line, Not(HasSubstr(token)));
      EXPECT_THAT(line, Not(HasSubstr(key)));
    }
  }
}

TEST(CredentialEchoTest, ScrubSecretsRemovesEveryOccurrence) {
  jaeger_client::ClientOptions options;
  options.bearer_token = "tok123";
  options.headers = {{"Authorization", "Basic dXNlcjpwdw=="}, {"X-Team", "latency"}};
  const std::vector<std::string> secrets = jaeger_client::SecretsOf(options);
  EXPECT_EQ(jaeger_client::ScrubSecrets(
                "a tok123 b tok123tok123 Basic dXNlcjpwdw== dXNlcjpwdw== latency", secrets),
            "a *** b ****** *** *** latency");
}

}  // namespace
}  // namespace trace_analyze::testing
