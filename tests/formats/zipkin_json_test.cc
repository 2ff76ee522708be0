// Zipkin v2 JSON: span arrays, lists of traces, missing times, and the
// shared client/server span id split.
#include <gtest/gtest.h>

#include <string>

#include "formats/jaeger_json_writer.h"
#include "formats/zipkin_shared_spans.h"
#include "tests/formats/decode_test_util.h"

namespace trace_analyze::formats {
namespace {

using analyzer::RefType;
using analyzer::SpanKind;
using testing::Attrs;
using testing::DecodeString;
using testing::FindSpan;
using testing::RefIds;

TEST(ZipkinJsonTest, DecodesSpanFields) {
  const auto d = DecodeString(R"([{"traceId":"A1","id":"B2","parentId":"C3","name":"get /users",
      "kind":"SERVER","timestamp":1571896375322000,"duration":14000,
      "localEndpoint":{"serviceName":"api","ipv4":"10.0.0.7","port":80},
      "remoteEndpoint":{"serviceName":"lb"},
      "annotations":[{"timestamp":1571896375322001,"value":"ws"}],
      "tags":{"http.path":"/users","error":""}}])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "00000000000000a1");
  const analyzer::Span& s = t.spans.at(0);
  EXPECT_EQ(s.span_id, "00000000000000b2");
  EXPECT_EQ(s.operation, "get /users");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.start_us, 1571896375322000);
  EXPECT_EQ(s.duration_us, 14000);
  EXPECT_EQ(s.service, "api");
  EXPECT_EQ(s.host, "10.0.0.7");
  EXPECT_TRUE(s.error);  // Zipkin: an `error` tag, whatever its value
  EXPECT_EQ(RefIds(t, s), (std::vector<std::string>{"00000000000000c3"}));
  EXPECT_EQ(Attrs(t, s), (std::vector<std::pair<std::string, std::string>>{{"http.path", "/users"},
                                                                           {"error", ""}}));
}

TEST(ZipkinJsonTest, MissingTimestampDurationAndService) {
  const auto d = DecodeString(R"([{"traceId":"1","id":"2","name":"incomplete"}])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Span& s = d.traces.at(0).spans.at(0);
  EXPECT_FALSE(s.has_start);
  EXPECT_EQ(s.start_us, 0);
  EXPECT_FALSE(s.has_duration);
  EXPECT_EQ(s.duration_us, 0);
  EXPECT_EQ(s.service, "unknown-service");
  EXPECT_EQ(s.kind, SpanKind::kUnspecified);
}

TEST(ZipkinJsonTest, GroupsInterleavedTracesInOrderOfFirstAppearance) {
  const auto d = DecodeString(R"([{"traceId":"2","id":"1"},{"traceId":"1","id":"2"},
                                  {"traceId":"0000000000000002","id":"3"}])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  EXPECT_EQ(d.traces[0].trace_id, "0000000000000002");
  EXPECT_EQ(d.traces[0].spans.size(), 2u);
  EXPECT_EQ(d.traces[1].trace_id, "0000000000000001");
}

TEST(ZipkinJsonTest, ArrayOfArraysIsAListOfTraces) {
  const auto d =
      DecodeString(R"([[{"traceId":"1","id":"1"},{"traceId":"1","id":"2","parentId":"1"}],
                                  [{"traceId":"2","id":"1"}]])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  EXPECT_EQ(d.traces[0].spans.size(), 2u);
  EXPECT_EQ(d.traces[1].spans.size(), 1u);
}

// Client half in "gateway", server half (shared id) in "users"; below the id:
// one child in each service.
constexpr std::string_view kShared = R"([
  {"traceId":"1","id":"1","kind":"SERVER","localEndpoint":{"serviceName":"gateway"},"timestamp":10,"duration":100},
  {"traceId":"1","id":"a","parentId":"1","kind":"CLIENT","localEndpoint":{"serviceName":"gateway"},"timestamp":20,"duration":50},
  {"traceId":"1","id":"a","parentId":"1","kind":"SERVER","shared":true,"localEndpoint":{"serviceName":"users"},"timestamp":25,"duration":40},
  {"traceId":"1","id":"b","parentId":"a","localEndpoint":{"serviceName":"users"},"timestamp":30,"duration":10},
  {"traceId":"1","id":"c","parentId":"a","localEndpoint":{"serviceName":"gateway"},"timestamp":21,"duration":1}])";

TEST(ZipkinJsonTest, SplitsSharedClientServerSpans) {
  const auto d = DecodeString(kShared);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.quality.zipkin_shared_spans, 1u);
  ASSERT_EQ(t.spans.size(), 5u);
  EXPECT_EQ(t.spans[1].span_id, "000000000000000a");
  EXPECT_EQ(t.spans[1].kind, SpanKind::kClient);
  EXPECT_EQ(RefIds(t, t.spans[1]), (std::vector<std::string>{"0000000000000001"}));
  const analyzer::Span& server = t.spans[2];
  EXPECT_EQ(server.span_id, "000000000000000a_server");
  EXPECT_EQ(server.service, "users");
  ASSERT_EQ(server.refs_count, 1u);
  EXPECT_EQ(t.RefsOf(server)[0].type, RefType::kChildOf);
  EXPECT_EQ(t.RefsOf(server)[0].span_id, "000000000000000a");
  EXPECT_EQ(t.RefsOf(server)[0].trace_id, "0000000000000001");
  // The child in the server's service moves under the server half; the one in
  // the client's service stays.
  EXPECT_EQ(RefIds(t, t.spans[3]), (std::vector<std::string>{"000000000000000a_server"}));
  EXPECT_EQ(RefIds(t, t.spans[4]), (std::vector<std::string>{"000000000000000a"}));
}

// `partition` and the trace cache write traces as Jaeger UI JSON: the server
// half's id reads back as a split Zipkin span, not as a non-hex id.
TEST(ZipkinJsonTest, SplitTraceWrittenAsJaegerJsonReadsBackTheSame) {
  const auto d = DecodeString(kShared);
  ASSERT_TRUE(d.status.ok()) << d.error();
  std::string jaeger;
  AppendJaegerUiTrace(d.traces.at(0), &jaeger);
  const auto back = DecodeString(jaeger);
  ASSERT_TRUE(back.status.ok()) << back.error();
  const analyzer::Trace& t = back.traces.at(0);
  EXPECT_EQ(t.quality.zipkin_shared_spans, 1u);
  EXPECT_EQ(t.quality.non_hex_ids, 0u);
  EXPECT_NE(FindSpan(t, "000000000000000a_server"), nullptr);
  EXPECT_TRUE(IsSplitServerSpanId("000000000000000a_server"));
  EXPECT_FALSE(IsSplitServerSpanId("000000000000000A_server"));
  EXPECT_FALSE(IsSplitServerSpanId("00000000000000a_server"));
  EXPECT_FALSE(IsSplitServerSpanId("000000000000000a_client"));
  // A bare Jaeger span has no trace-level counters: its id stays a non-hex id.
  const auto bare =
      DecodeString(R"([{"traceID":"1","spanID":"000000000000000a_server","operationName":"x"}])");
  ASSERT_TRUE(bare.status.ok()) << bare.error();
  EXPECT_EQ(bare.traces.at(0).quality.non_hex_ids, 1u);
}

TEST(ZipkinJsonTest, SharedIdWithoutClientHalfIsLeftAlone) {
  const auto d = DecodeString(R"([
      {"traceId":"1","id":"a","kind":"SERVER","shared":true,"localEndpoint":{"serviceName":"users"}},
      {"traceId":"1","id":"a","kind":"SERVER","localEndpoint":{"serviceName":"users"}}])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.quality.zipkin_shared_spans, 0u);
  EXPECT_EQ(t.spans[0].span_id, "000000000000000a");
  EXPECT_EQ(t.spans[1].span_id, "000000000000000a");
}

TEST(ZipkinJsonTest, BadSpanIsSkippedWithAProblem) {
  const std::string json = R"([{"traceId":"1","id":"1"},{"traceId":"1","id":"2","duration":"5"}])";
  const auto d = DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].spans.size(), 1u);
  EXPECT_EQ(d.stats.quality.skipped_traces, 1u);
  EXPECT_EQ(
      d.problems(),
      (std::vector<std::string>{"test.json: byte " + std::to_string(json.find("\"5\"")) +
                                ": span 1 (id 0000000000000002): field 'duration': expected a "
                                "number, got string"}));
}

}  // namespace
}  // namespace trace_analyze::formats
