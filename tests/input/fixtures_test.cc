// Real third-party files (fixtures/ingest/, see its README): span counts,
// services and a few exact fields.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/formats/decode_test_util.h"

namespace trace_analyze::input {
namespace {

using analyzer::RefType;
using analyzer::SpanKind;
using formats::testing::Attrs;
using formats::testing::FindSpan;
using formats::testing::ReadPaths;
using formats::testing::RefIds;
using formats::testing::Services;

const std::string kDir = "fixtures/ingest/";

TEST(FixturesTest, JaegerApiFileFromDeathStarBench) {
  const std::string path = kDir + "dsb-hotelreservation_single_00202d6c6c17bfe5.json";
  const auto d = formats::testing::ReadPaths({path});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "00202d6c6c17bfe5");
  EXPECT_EQ(t.source, path);
  EXPECT_EQ(t.spans.size(), 11u);
  EXPECT_EQ(formats::testing::Services(t),
            (std::set<std::string>{"frontend", "geo", "profile", "rate", "reservation", "search"}));
  const analyzer::Span& s = t.spans[0];
  EXPECT_EQ(s.span_id, "5ee7fa9542e2afdb");
  EXPECT_EQ(s.operation, "/reservation.Reservation/CheckAvailability");
  EXPECT_EQ(s.start_us, 1655753768523213);
  EXPECT_EQ(s.duration_us, 2071);
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.service, "reservation");
  EXPECT_EQ(s.host, "10.0.1.212");
  EXPECT_EQ(formats::testing::RefIds(t, s), (std::vector<std::string>{"768b9a7bddbf20f0"}));
  EXPECT_EQ(
      formats::testing::Attrs(t, s),
      (std::vector<std::pair<std::string, std::string>>{
          {"span.kind", "server"}, {"component", "gRPC"}, {"internal.span.format", "proto"}}));
  EXPECT_EQ(d.stats.files, 1u);
  EXPECT_EQ(d.stats.bytes, 20834u);
  EXPECT_TRUE(d.stats.problems.empty());
}

TEST(FixturesTest, JaegerSingleTraceWithZeroStartTimes) {
  const auto d =
      formats::testing::ReadPaths({kDir + "jaeger-ui_trace-contract_zero-start-times.legacy.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.trace_id, "f77950feed55c1ce91dd8e87896623a6");
  ASSERT_EQ(t.spans.size(), 3u);
  for (const analyzer::Span& s : t.spans) {
    EXPECT_FALSE(s.has_start) << s.span_id;
    EXPECT_TRUE(s.has_duration) << s.span_id;
    EXPECT_EQ(s.service, "serviceName");
  }
  EXPECT_EQ(t.spans[2].operation, "missingStartOp");
}

TEST(FixturesTest, JaegerBareSpanArrayWithEmbeddedProcesses) {
  const auto d = formats::testing::ReadPaths(
      {kDir + "jaeger_anonymizer-uiconv_trace_success_span-array.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "2be38093ead7a083");
  ASSERT_EQ(t.spans.size(), 2u);
  EXPECT_EQ(formats::testing::Services(t),
            (std::set<std::string>{"16af988c443cff37", "3c220036602f839e"}));
  EXPECT_FALSE(t.spans[0].error);
  EXPECT_TRUE(t.spans[1].error);  // {"key":"error","type":"bool","value":"true"}
  EXPECT_EQ(t.spans[1].kind, SpanKind::kClient);
  EXPECT_EQ(formats::testing::RefIds(t, t.spans[1]),
            (std::vector<std::string>{"7606ddfe69932d34"}));
}

TEST(FixturesTest, OtlpSpecExample) {
  const auto d = formats::testing::ReadPaths({kDir + "opentelemetry-proto_examples_trace.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.trace_id, "5b8efff798038103d269b633813fc60c");
  ASSERT_EQ(t.spans.size(), 1u);
  const analyzer::Span& s = t.spans[0];
  EXPECT_EQ(s.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(formats::testing::RefIds(t, s), (std::vector<std::string>{"eee19b7ec3c1b173"}));
  EXPECT_EQ(s.operation, "I'm a server span");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.start_us, 1544712660000000);
  EXPECT_EQ(s.duration_us, 1000000);
  EXPECT_EQ(s.service, "my.service");
  EXPECT_EQ(formats::testing::Attrs(t, s),
            (std::vector<std::pair<std::string, std::string>>{{"my.span.attr", "some value"}}));
}

TEST(FixturesTest, OtlpJsonLinesFormOneTrace) {
  const auto d = formats::testing::ReadPaths({kDir + "jaeger-ui_otlp2jaeger-multi-in.ndjson.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].trace_id, "c620759e5d60fafb8ee0922b30e06bc6");
  EXPECT_EQ(d.traces[0].spans.size(), 4u);
  EXPECT_EQ(formats::testing::Services(d.traces[0]), (std::set<std::string>{"example-trace"}));
  EXPECT_EQ(d.traces[0].spans[0].kind, SpanKind::kInternal);
}

TEST(FixturesTest, ApiV3SnapshotWithoutTimestamps) {
  const auto d = formats::testing::ReadPaths(
      {kDir + "jaeger_apiv3-GetTrace-snapshot_no-timestamps.otlp.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.trace_id, "0000000000000001");
  const analyzer::Span& s = t.spans.at(0);
  EXPECT_EQ(s.span_id, "0000000000000002");
  EXPECT_EQ(s.operation, "foobar");
  EXPECT_FALSE(s.has_start);
  EXPECT_FALSE(s.has_duration);
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_TRUE(s.error);
  EXPECT_EQ(s.service, "unknown-service");
}

TEST(FixturesTest, ZipkinSharedSpansFromZipkinLens) {
  const auto d = formats::testing::ReadPaths({kDir + "zipkin-lens_ascend.json"});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "ef86c83c0a05a6d6");
  EXPECT_EQ(t.spans.size(), 8u);
  EXPECT_EQ(t.quality.zipkin_shared_spans, 2u);
  EXPECT_EQ(formats::testing::Services(t),
            (std::set<std::string>{"auth-service", "content-service", "mobile-gateway"}));
  const analyzer::Span* server = formats::testing::FindSpan(t, "ecc00062ceef4bf0_server");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->service, "content-service");
  EXPECT_EQ(formats::testing::RefIds(t, *server), (std::vector<std::string>{"ecc00062ceef4bf0"}));
  EXPECT_EQ(formats::testing::FindSpan(t, "ecc00062ceef4bf0")->service, "mobile-gateway");
  EXPECT_EQ(formats::testing::RefIds(t, *formats::testing::FindSpan(t, "c21c6c51ac71b3ba")),
            (std::vector<std::string>{"ecc00062ceef4bf0_server"}));
  EXPECT_EQ(formats::testing::RefIds(t, *formats::testing::FindSpan(t, "e6422f7ff7d78099")),
            (std::vector<std::string>{"ecc00062ceef4bf0_server"}));
  EXPECT_EQ(formats::testing::RefIds(t, *formats::testing::FindSpan(t, "80c0d1d62f437a1b")),
            (std::vector<std::string>{"52b1ab4956917c39_server"}));
  EXPECT_EQ(formats::testing::FindSpan(t, "52b1ab4956917c39_server")->service, "auth-service");
}

}  // namespace
}  // namespace trace_analyze::input
