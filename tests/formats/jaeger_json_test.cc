// Jaeger UI JSON: every accepted shape and quirk, with exact field values.
#include <gtest/gtest.h>

#include <string>

#include "tests/formats/decode_test_util.h"

namespace trace_analyze::formats {
namespace {

using analyzer::RefType;
using analyzer::SpanKind;
using testing::Attrs;
using testing::DecodeString;
using testing::FindSpan;
using testing::OffsetOf;
using testing::RefIds;
using testing::Services;

// A small trace: root "a" (frontend) with child "b" (db).
constexpr std::string_view kTrace = R"({"traceID":"00000000000000AB","spans":[
  {"traceID":"00000000000000ab","spanID":"A","operationName":"GET /","references":[],
   "startTime":1000,"duration":500,"tags":[{"key":"span.kind","type":"string","value":"server"}],
   "logs":[],"processID":"p1","warnings":null},
  {"traceID":"00000000000000ab","spanID":"b","operationName":"query",
   "references":[{"refType":"CHILD_OF","traceID":"AB","spanID":"0A"}],
   "startTime":1100,"duration":200,"tags":[],"logs":[],"processID":"p2"}],
 "processes":{"p1":{"serviceName":"frontend","tags":[]},"p2":{"serviceName":"db","tags":[]}},
 "warnings":null})";

void ExpectSmallTrace(const analyzer::Trace& t) {
  EXPECT_EQ(t.trace_id, "00000000000000ab");
  ASSERT_EQ(t.spans.size(), 2u);
  const analyzer::Span& a = t.spans[0];
  EXPECT_EQ(a.span_id, "000000000000000a");
  EXPECT_EQ(a.service, "frontend");
  EXPECT_EQ(a.operation, "GET /");
  EXPECT_EQ(a.start_us, 1000);
  EXPECT_EQ(a.duration_us, 500);
  EXPECT_EQ(a.kind, SpanKind::kServer);
  EXPECT_TRUE(a.has_start);
  EXPECT_TRUE(a.has_duration);
  EXPECT_EQ(a.refs_count, 0u);
  const analyzer::Span& b = t.spans[1];
  EXPECT_EQ(b.span_id, "000000000000000b");
  EXPECT_EQ(b.service, "db");
  ASSERT_EQ(b.refs_count, 1u);
  const analyzer::Reference& ref = t.RefsOf(b)[0];
  EXPECT_EQ(ref.type, RefType::kChildOf);
  EXPECT_EQ(ref.trace_id, "00000000000000ab");
  EXPECT_EQ(ref.span_id, "000000000000000a");
  EXPECT_EQ(t.quality.non_hex_ids, 0u);
}

TEST(JaegerJsonTest, UiDownloadEnvelope) {
  const auto d = DecodeString("{\"data\":[" + std::string(kTrace) + "]}");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ExpectSmallTrace(d.traces[0]);
  EXPECT_EQ(d.traces[0].source, "test.json");
  EXPECT_TRUE(d.stats.problems.empty());
}

TEST(JaegerJsonTest, ApiEnvelopeWithKeysInAnyOrderAndAnErrorsList) {
  const std::string json =
      R"({"total":1,"errors":[{"code":404,"msg":"trace not found","traceID":"00000000000000CD"},)"
      R"({"msg":"partial"}],"limit":0,"data":[)" +
      std::string(kTrace) + R"(],"offset":0})";
  const auto d = DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ExpectSmallTrace(d.traces[0]);
  const uint64_t first = OffsetOf(json, R"({"code":404)");
  const uint64_t second = OffsetOf(json, R"({"msg":"partial"})");
  EXPECT_EQ(d.problems(),
            (std::vector<std::string>{
                "test.json: byte " + std::to_string(first) +
                    ": trace 00000000000000cd: API error 404: trace not found",
                "test.json: byte " + std::to_string(second) + ": API error: partial"}));
  // API errors are reported, not counted as undecodable traces.
  EXPECT_EQ(d.stats.quality.skipped_traces, 0u);
}

TEST(JaegerJsonTest, ErrorOnlyEnvelopeDeliversNothing) {
  const auto d = DecodeString(
      R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":500,"msg":"boom"}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_TRUE(d.traces.empty());
  ASSERT_EQ(d.stats.problems.size(), 1u);
  EXPECT_EQ(d.stats.problems[0].message, "API error 500: boom");
}

TEST(JaegerJsonTest, NullErrorsAreNotProblems) {
  const auto d = DecodeString(R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_TRUE(d.traces.empty());
  EXPECT_TRUE(d.stats.problems.empty());
}

TEST(JaegerJsonTest, BareArrayOfTraces) {
  const auto d = DecodeString("[" + std::string(kTrace) + "," + std::string(kTrace) + "]");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  ExpectSmallTrace(d.traces[0]);
  ExpectSmallTrace(d.traces[1]);
}

TEST(JaegerJsonTest, SingleTraceObject) {
  const auto d = DecodeString(kTrace);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ExpectSmallTrace(d.traces[0]);
}

TEST(JaegerJsonTest, DataHoldingOneTraceObject) {
  const auto d = DecodeString(R"({"data":)" + std::string(kTrace) + R"(,"id":"x","state":{}})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ExpectSmallTrace(d.traces[0]);
}

TEST(JaegerJsonTest, JsonLinesOfTracesAndEnvelopes) {
  std::string one_line(kTrace);
  std::erase(one_line, '\n');
  const std::string json = one_line + "\n" + R"({"data":[)" + one_line + "]}\n\n" + one_line;
  const auto d = DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 3u);
  for (const analyzer::Trace& t : d.traces) ExpectSmallTrace(t);
}

TEST(JaegerJsonTest, ToleratesBomAndCrlf) {
  std::string crlf;
  for (char c : std::string(kTrace)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto d = DecodeString("\xEF\xBB\xBF{\r\n\"data\": [\r\n" + crlf + "\r\n]\r\n}\r\n");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ExpectSmallTrace(d.traces[0]);
}

TEST(JaegerJsonTest, ProcessesAfterSpansAndHostPriority) {
  const auto d = DecodeString(R"({"spans":[
      {"spanID":"1","processID":"p2","startTime":5,"duration":1},
      {"spanID":"2","processID":"p1","startTime":6,"duration":1}],
    "processes":{
      "p1":{"serviceName":"api","tags":[{"key":"hostname","type":"string","value":"api-7f9"},
                                        {"key":"ip","type":"string","value":"10.0.0.1"}]},
      "p2":{"serviceName":"worker","tags":[{"key":"host.name","type":"string","value":"w1"}]}},
    "traceID":"1"})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "0000000000000001");
  EXPECT_EQ(t.spans[0].service, "worker");
  EXPECT_EQ(t.spans[0].host, "w1");
  EXPECT_EQ(t.spans[1].service, "api");
  EXPECT_EQ(t.spans[1].host, "10.0.0.1");  // ip outranks hostname
}

TEST(JaegerJsonTest, TagValuesAsText) {
  const auto d = DecodeString(R"({"traceID":"1","spans":[{"spanID":"1","tags":[
      {"key":"big","type":"int64","value":"9223372036854775222"},
      {"key":"small","type":"int64","value":42},
      {"key":"ratio","type":"float64","value":72.5},
      {"key":"flag","type":"bool","value":true},
      {"key":"bytes","type":"binary","value":"AAAwOQ=="},
      {"key":"text","type":"string","value":"a \"quoted\" \u00e9"}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(Attrs(t, t.spans[0]),
            (std::vector<std::pair<std::string, std::string>>{{"big", "9223372036854775222"},
                                                              {"small", "42"},
                                                              {"ratio", "72.5"},
                                                              {"flag", "true"},
                                                              {"bytes", "AAAwOQ=="},
                                                              {"text", "a \"quoted\" \xC3\xA9"}}));
}

TEST(JaegerJsonTest, ErrorAndKindConventions) {
  const auto d = DecodeString(R"({"traceID":"1","spans":[
      {"spanID":"1","tags":[{"key":"error","type":"bool","value":true}]},
      {"spanID":"2","tags":[{"key":"error","type":"string","value":"true"}]},
      {"spanID":"3","tags":[{"key":"otel.status_code","type":"string","value":"ERROR"}]},
      {"spanID":"4","tags":[{"key":"http.status_code","type":"int64","value":503}]},
      {"spanID":"5","tags":[{"key":"http.response.status_code","type":"string","value":"500"}]},
      {"spanID":"6","tags":[{"key":"http.status_code","type":"int64","value":404},
                            {"key":"error","type":"bool","value":false},
                            {"key":"span.kind","type":"string","value":"CLIENT"}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  ASSERT_EQ(t.spans.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(t.spans[i].error) << "span " << i;
  EXPECT_FALSE(t.spans[5].error);
  EXPECT_EQ(t.spans[5].kind, SpanKind::kClient);
  EXPECT_EQ(t.spans[0].kind, SpanKind::kUnspecified);
}

TEST(JaegerJsonTest, EmbeddedAndMissingProcesses) {
  const auto d = DecodeString(R"({"traceID":"1","spans":[
      {"spanID":"1","process":{"serviceName":"embedded","tags":[{"key":"ip","type":"string","value":"10.1.1.1"}]}},
      {"spanID":"2","processID":"p9"},
      {"spanID":"3"},
      {"spanID":"4","processID":"p1"}],
    "processes":{"p1":{"serviceName":"","tags":[]}}})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.spans[0].service, "embedded");
  EXPECT_EQ(t.spans[0].host, "10.1.1.1");
  EXPECT_EQ(t.spans[1].service, "unknown-service");
  EXPECT_EQ(t.spans[2].service, "unknown-service");
  EXPECT_EQ(t.spans[3].service, "unknown-service");
  EXPECT_EQ(t.spans[1].host, "");
}

TEST(JaegerJsonTest, MissingTimesAndZeroStart) {
  const auto d = DecodeString(R"({"traceID":"1","spans":[
      {"spanID":"1","startTime":0,"duration":10},
      {"spanID":"2","duration":10},
      {"spanID":"3","startTime":7}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_FALSE(t.spans[0].has_start);
  EXPECT_TRUE(t.spans[0].has_duration);
  EXPECT_FALSE(t.spans[1].has_start);
  EXPECT_EQ(t.spans[1].start_us, 0);
  EXPECT_TRUE(t.spans[2].has_start);
  EXPECT_EQ(t.spans[2].start_us, 7);
  EXPECT_FALSE(t.spans[2].has_duration);
  EXPECT_EQ(t.spans[2].duration_us, 0);
}

TEST(JaegerJsonTest, ReferencesAndDeprecatedParentSpanId) {
  const auto d = DecodeString(R"({"traceID":"ab","spans":[
      {"spanID":"1","references":[
          {"refType":"FOLLOWS_FROM","traceID":"FF","spanID":"9"},
          {"refType":"CHILD_OF","spanID":"2"}]},
      {"spanID":"2","parentSpanID":"3"},
      {"spanID":"3","parentSpanID":"4","references":[{"refType":"CHILD_OF","traceID":"ab","spanID":"5"}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  const auto refs = t.RefsOf(t.spans[0]);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].type, RefType::kFollowsFrom);
  EXPECT_EQ(refs[0].trace_id, "00000000000000ff");
  EXPECT_EQ(refs[0].span_id, "0000000000000009");
  EXPECT_EQ(refs[1].type, RefType::kChildOf);
  EXPECT_EQ(refs[1].trace_id, "00000000000000ab");  // missing traceID: same trace
  ASSERT_EQ(t.spans[1].refs_count, 1u);
  EXPECT_EQ(t.RefsOf(t.spans[1])[0].type, RefType::kChildOf);
  EXPECT_EQ(t.RefsOf(t.spans[1])[0].span_id, "0000000000000003");
  EXPECT_EQ(t.RefsOf(t.spans[1])[0].trace_id, "00000000000000ab");
  // parentSpanID only counts when there are no references.
  EXPECT_EQ(RefIds(t, t.spans[2]), (std::vector<std::string>{"0000000000000005"}));
}

TEST(JaegerJsonTest, NonHexIdsAreKeptAndCounted) {
  const auto d = DecodeString(R"({"traceID":"trace-abc","spans":[
      {"spanID":"span-a"},
      {"spanID":"b","references":[{"refType":"CHILD_OF","spanID":"span-a"}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  EXPECT_EQ(t.trace_id, "trace-abc");
  EXPECT_NE(FindSpan(t, "span-a"), nullptr);
  EXPECT_NE(FindSpan(t, "000000000000000b"), nullptr);
  EXPECT_EQ(RefIds(t, t.spans[1]), (std::vector<std::string>{"span-a"}));
  // Both spans belong to a non-hex trace id.
  EXPECT_EQ(t.quality.non_hex_ids, 2u);
}

TEST(JaegerJsonTest, TraceIdFromTheFirstSpanWhenTheTraceHasNone) {
  const auto d =
      DecodeString(R"({"spans":[{"traceID":"0000000000000000000000000000ABCD","spanID":"1"}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.at(0).trace_id, "000000000000abcd");
}

TEST(JaegerJsonTest, SpansOfAnotherTraceIdStayInTheTrace) {
  const auto d = DecodeString(
      R"({"traceID":"1","spans":[{"traceID":"1","spanID":"1"},{"traceID":"2","spanID":"2"}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].spans.size(), 2u);
}

TEST(JaegerJsonTest, TracesWithoutSpansAreCountedNotDelivered) {
  const auto d = DecodeString(
      R"({"data":[{"traceID":"1","spans":[],"processes":{}},{"traceID":"2","spans":null},{"traceID":"3","processes":{}}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_TRUE(d.traces.empty());
  EXPECT_EQ(d.stats.quality.empty_traces, 3u);
  EXPECT_EQ(d.stats.quality.skipped_traces, 0u);
}

TEST(JaegerJsonTest, BareArrayOfSpansIsGroupedByTrace) {
  const auto d = DecodeString(R"([
      {"traceID":"2","spanID":"1","process":{"serviceName":"a","tags":[]}},
      {"traceID":"1","spanID":"2","process":{"serviceName":"b","tags":[]}},
      {"traceID":"2","spanID":"3","references":[{"refType":"CHILD_OF","spanID":"1"}]}])");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  EXPECT_EQ(d.traces[0].trace_id, "0000000000000002");
  EXPECT_EQ(d.traces[0].spans.size(), 2u);
  EXPECT_EQ(d.traces[0].spans[0].service, "a");
  EXPECT_EQ(d.traces[0].spans[1].service, "unknown-service");
  EXPECT_EQ(d.traces[0].RefsOf(d.traces[0].spans[1])[0].trace_id, "0000000000000002");
  EXPECT_EQ(d.traces[1].trace_id, "0000000000000001");
  EXPECT_EQ(d.traces[1].spans[0].service, "b");
}

}  // namespace
}  // namespace trace_analyze::formats
