// Pure pieces of the Jaeger client: time and duration parsing, URLs, retry
// backoff, header redaction, and the UI JSON writer's round trip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "formats/jaeger_json_writer.h"
#include "formats/span_assembler.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/redact.h"
#include "jaeger_client/retry.h"
#include "jaeger_client/time_parse.h"
#include "tests/formats/decode_test_util.h"

namespace trace_analyze::jaeger_client {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(TimeParseTest, GoDurations) {
  EXPECT_THAT(ParseDurationUs("100ms"), Optional(100000));
  EXPECT_THAT(ParseDurationUs("1.5s"), Optional(1500000));
  EXPECT_THAT(ParseDurationUs("1h30m"), Optional(5400LL * 1000000));
  EXPECT_THAT(ParseDurationUs("250us"), Optional(250));
  EXPECT_THAT(ParseDurationUs("250\xc2\xb5s"), Optional(250));
  EXPECT_THAT(ParseDurationUs("1500ns"), Optional(1));
  EXPECT_THAT(ParseDurationUs("2d"), Optional(2LL * 86400 * 1000000));
  EXPECT_THAT(ParseDurationUs("0"), Optional(0));
  for (const char* bad : {"", "10", "1y", "ms", "-1s", "1.2.3s", "s1"}) {
    EXPECT_EQ(ParseDurationUs(bad), std::nullopt) << bad;
  }
}

TEST(TimeParseTest, Rfc3339AndRelativeTimes) {
  EXPECT_THAT(ParseTimeUs("2023-11-14T22:13:20Z", 0), Optional(1700000000LL * 1000000));
  EXPECT_THAT(ParseTimeUs("2023-11-14T23:13:20.25+01:00", 0),
              Optional(1700000000LL * 1000000 + 250000));
  EXPECT_THAT(ParseTimeUs("1970-01-01t00:00:01z", 0), Optional(1000000));
  EXPECT_THAT(ParseTimeUs("now", 42), Optional(42));
  EXPECT_THAT(ParseTimeUs("2h", 10LL * 3600 * 1000000), Optional(8LL * 3600 * 1000000));
  for (const char* bad :
       {"2023-11-14", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z", "yesterday"}) {
    EXPECT_EQ(ParseTimeUs(bad, 0), std::nullopt) << bad;
  }
}

TEST(TimeParseTest, Ranges) {
  constexpr int64_t kHour = 3600LL * 1000000;
  constexpr int64_t kNow = 10 * kHour;
  const auto range = [](std::string_view text) -> std::optional<std::pair<int64_t, int64_t>> {
    std::optional<TimeRange> r = ParseTimeRange(text, kNow);
    if (!r) return std::nullopt;
    return std::pair{r->start_us, r->end_us};
  };
  EXPECT_THAT(range("2023-11-14T22:00:00Z..2023-11-14T22:30:00.5Z"),
              Optional(std::pair{1699999200LL * 1000000, 1700001000LL * 1000000 + 500000}));
  EXPECT_THAT(range("3h..2h"), Optional(std::pair{7 * kHour, 8 * kHour}));
  EXPECT_THAT(range("90m..now"), Optional(std::pair{kNow - kHour * 3 / 2, kNow}));
  EXPECT_THAT(range("30m"), Optional(std::pair{kNow - kHour / 2, kNow}));
  EXPECT_THAT(range("2023-11-14T22:00:00+01:00..1h"),
              Optional(std::pair{1699995600LL * 1000000, 9 * kHour}));
  // Reversed and empty ranges parse: the caller rejects them with context.
  EXPECT_THAT(range("1h..2h"), Optional(std::pair{9 * kHour, 8 * kHour}));
  for (const char* bad : {"", "..", "1h..", "..1h", "now", "1h...2h", "2023-11-14T22:00:00Z",
                          "1h/2h", "yesterday..now"}) {
    EXPECT_EQ(ParseTimeRange(bad, kNow), std::nullopt) << bad;
  }
}

TEST(TimeParseTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatRfc3339(1700000000LL * 1000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatRfc3339(1700000000LL * 1000000 + 123456), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(FormatRfc3339(951782400LL * 1000000), "2000-02-29T00:00:00Z");
  for (int64_t us :
       {int64_t{0}, int64_t{1}, int64_t{1700000000123456}, int64_t{4102444799999999}}) {
    EXPECT_THAT(ParseTimeUs(FormatRfc3339(us), 0), Optional(us)) << us;
  }
  EXPECT_EQ(FormatGoDuration(1500), "1500us");
}

TEST(ServerUrlTest, ParsesSchemesPortsAndBasePaths) {
  Result<ServerUrl> http = ParseServerUrl("http://jaeger:16686/jaeger/");
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http.value().Display(), "http://jaeger:16686/jaeger");
  EXPECT_EQ(http.value().Origin(), "http://jaeger:16686");
  EXPECT_FALSE(http.value().tls());
  Result<ServerUrl> https = ParseServerUrl("HTTPS://jaeger.example.com");
  ASSERT_TRUE(https.ok());
  EXPECT_EQ(https.value().port, 443);
  EXPECT_TRUE(https.value().tls());
  Result<ServerUrl> grpc = ParseServerUrl("grpcs://[::1]");
  ASSERT_TRUE(grpc.ok());
  EXPECT_EQ(grpc.value().HostPort(), "[::1]:16685");
  EXPECT_TRUE(grpc.value().IsLoopback());
  for (const char* bad : {"jaeger:16686", "ftp://x", "http://", "http://h:0", "http://h:99999",
                          "grpc://h:16685/path", "http://user:pw@h", "http://h/x?y=1"}) {
    EXPECT_FALSE(ParseServerUrl(bad).ok()) << bad;
  }
  EXPECT_THAT(ParseServerUrl("http://user:pw@h").error().message, HasSubstr("--token-env"));
}

TEST(ApiFlagTest, NamesRoundTrip) {
  for (ApiKind api :
       {ApiKind::kAuto, ApiKind::kHttpV1, ApiKind::kHttpV3, ApiKind::kGrpcV2, ApiKind::kGrpcV3}) {
    EXPECT_EQ(ParseApiFlag(ApiFlagName(api)), api);
  }
  EXPECT_EQ(ParseApiFlag("grpc"), std::nullopt);
}

TEST(RetryTest, BackoffGrowsWithJitterUpToTheCap) {
  RetryPolicy p;
  p.initial_backoff_ms = 100;
  p.max_backoff_ms = 1000;
  for (int i = 0; i < 50; ++i) {
    const int64_t first = BackoffMs(p, 1);
    EXPECT_GE(first, 50);
    EXPECT_LE(first, 100);
    const int64_t third = BackoffMs(p, 3);
    EXPECT_GE(third, 200);
    EXPECT_LE(third, 400);
    const int64_t capped = BackoffMs(p, 30);
    EXPECT_GE(capped, 500);
    EXPECT_LE(capped, 1000);
  }
}

TEST(RetryTest, RetriesOnlyRetryableKinds) {
  RetryPolicy p;
  p.max_attempts = 4;
  p.initial_backoff_ms = 0;
  int calls = 0;
  CallStatus s = WithRetries<Ok>(p, {}, [&]() -> CallStatus {
    ++calls;
    return CallError{CallErrorKind::kNotFound, "missing"};
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.error().message, "missing");
  calls = 0;
  s = WithRetries<Ok>(p, {}, [&]() -> CallStatus {
    ++calls;
    return CallError{CallErrorKind::kUnavailable, "down"};
  });
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(s.error().message, "down (after 4 attempts)");
}

TEST(RedactTest, HidesSecretsKeepsTheRest) {
  EXPECT_EQ(RedactedHeader("Authorization", "Bearer abc"), "Authorization: Bearer ***");
  EXPECT_EQ(RedactedHeader("authorization", "abc"), "authorization: ***");
  EXPECT_EQ(RedactedHeader("X-Api-Key", "abc"), "X-Api-Key: ***");
  EXPECT_EQ(RedactedHeader("Cookie", "a=b"), "Cookie: ***");
  EXPECT_EQ(RedactedHeader("X-Auth-Token", "abc"), "X-Auth-Token: ***");
  EXPECT_EQ(RedactedHeader("X-Team", "latency"), "X-Team: latency");
}

TEST(SpanAssemblerTest, Encodings) {
  EXPECT_EQ(formats::BytesToHex(std::string("\x00\xab\x10", 3)), "00ab10");
  EXPECT_EQ(formats::Base64Encode(""), "");
  EXPECT_EQ(formats::Base64Encode("f"), "Zg==");
  EXPECT_EQ(formats::Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(formats::Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(formats::Base64Encode(std::string("\x00\x00\x30\x39", 4)), "AAAwOQ==");
}

// Writing a decoded trace as UI JSON and reading it back gives the same trace,
// for inputs of every format (kind and error survive even from OTLP).
TEST(JaegerJsonWriterTest, RoundTripsEveryFixture) {
  formats::testing::Decoded original = formats::testing::ReadPaths({"fixtures/traces"});
  ASSERT_TRUE(original.status.ok()) << original.error();
  ASSERT_FALSE(original.traces.empty());
  formats::JaegerUiDocument document;
  for (const analyzer::Trace& t : original.traces) document.Add(t);
  const std::string text = std::move(document).Finish();
  formats::testing::Decoded again = formats::testing::DecodeString(text);
  ASSERT_TRUE(again.status.ok()) << again.error();
  ASSERT_EQ(again.traces.size(), original.traces.size());
  for (size_t i = 0; i < original.traces.size(); ++i) {
    const analyzer::Trace& a = original.traces[i];
    const analyzer::Trace& b = again.traces[i];
    ASSERT_EQ(a.trace_id, b.trace_id);
    ASSERT_EQ(a.spans.size(), b.spans.size()) << a.trace_id;
    for (size_t s = 0; s < a.spans.size(); ++s) {
      const analyzer::Span& x = a.spans[s];
      const analyzer::Span& y = b.spans[s];
      EXPECT_EQ(x.span_id, y.span_id);
      EXPECT_EQ(x.service, y.service);
      EXPECT_EQ(x.operation, y.operation);
      EXPECT_EQ(x.host, y.host);
      EXPECT_EQ(x.start_us, y.start_us);
      EXPECT_EQ(x.duration_us, y.duration_us);
      EXPECT_EQ(x.has_start, y.has_start);
      EXPECT_EQ(x.has_duration, y.has_duration);
      EXPECT_EQ(x.kind, y.kind) << a.trace_id << " " << x.span_id;
      EXPECT_EQ(x.error, y.error) << a.trace_id << " " << x.span_id;
      ASSERT_EQ(x.refs_count, y.refs_count);
      for (uint32_t r = 0; r < x.refs_count; ++r) {
        EXPECT_EQ(a.RefsOf(x)[r].span_id, b.RefsOf(y)[r].span_id);
        EXPECT_EQ(a.RefsOf(x)[r].trace_id, b.RefsOf(y)[r].trace_id);
        EXPECT_EQ(a.RefsOf(x)[r].type, b.RefsOf(y)[r].type);
      }
    }
  }
}

}  // namespace
}  // namespace trace_analyze::jaeger_client
