// OTLP/JSON: documents, the api_v3 wrapper, JSON Lines, enums, int64 forms,
// links and attribute values.
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
using testing::RefIds;

constexpr std::string_view kDocument = R"({"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},
                            {"key":"host.name","value":{"stringValue":"node-1"}}]},
  "scopeSpans":[{"scope":{"name":"lib"},"spans":[
    {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
     "parentSpanId":"EEE19B7EC3C1B173","name":"charge","kind":2,
     "startTimeUnixNano":"1544712660000000999","endTimeUnixNano":1544712660001501998,
     "status":{"code":2,"message":"declined"},
     "attributes":[{"key":"s","value":{"stringValue":"text"}},
                   {"key":"i","value":{"intValue":"-9007199254740993"}},
                   {"key":"n","value":{"intValue":7}},
                   {"key":"d","value":{"doubleValue":0.25}},
                   {"key":"b","value":{"boolValue":false}},
                   {"key":"y","value":{"bytesValue":"AQID"}},
                   {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x\""},{"intValue":"1"},{"boolValue":true},{}]}}},
                   {"key":"m","value":{"kvlistValue":{"values":[{"value":{"doubleValue":1.5},"key":"k"},{"key":"l","value":{"arrayValue":{}}}]}}},
                   {"key":"e","value":{}}]}]}]}]})";

TEST(OtlpJsonTest, DecodesEveryFieldOfASpan) {
  const auto d = DecodeString(kDocument);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  const analyzer::Trace& t = d.traces[0];
  EXPECT_EQ(t.trace_id, "5b8efff798038103d269b633813fc60c");
  ASSERT_EQ(t.spans.size(), 1u);
  const analyzer::Span& s = t.spans[0];
  EXPECT_EQ(s.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(s.operation, "charge");
  EXPECT_EQ(s.service, "checkout");
  EXPECT_EQ(s.host, "node-1");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_TRUE(s.error);
  // ns -> µs truncates; the duration is (end - start) / 1000, like Jaeger.
  EXPECT_EQ(s.start_us, 1544712660000000);
  EXPECT_EQ(s.duration_us, 1500);
  EXPECT_TRUE(s.has_start);
  EXPECT_TRUE(s.has_duration);
  ASSERT_EQ(s.refs_count, 1u);
  EXPECT_EQ(t.RefsOf(s)[0].type, RefType::kChildOf);
  EXPECT_EQ(t.RefsOf(s)[0].trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(t.RefsOf(s)[0].span_id, "eee19b7ec3c1b173");
  EXPECT_EQ(Attrs(t, s),
            (std::vector<std::pair<std::string, std::string>>{{"s", "text"},
                                                              {"i", "-9007199254740993"},
                                                              {"n", "7"},
                                                              {"d", "0.25"},
                                                              {"b", "false"},
                                                              {"y", "AQID"},
                                                              {"a", R"(["x\"",1,true,null])"},
                                                              {"m", R"({"k":1.5,"l":[]})"},
                                                              {"e", ""}}));
}

TEST(OtlpJsonTest, IntegerKindsAndStatusCodes) {
  const auto d = DecodeString(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"01","spanId":"01","kind":1},{"traceId":"01","spanId":"02","kind":3},
      {"traceId":"01","spanId":"03","kind":4},{"traceId":"01","spanId":"04","kind":5},
      {"traceId":"01","spanId":"05","kind":0,"status":{"code":1}},
      {"traceId":"01","spanId":"06","kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR"}}]}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  ASSERT_EQ(t.spans.size(), 6u);
  EXPECT_EQ(t.spans[0].kind, SpanKind::kInternal);
  EXPECT_EQ(t.spans[1].kind, SpanKind::kClient);
  EXPECT_EQ(t.spans[2].kind, SpanKind::kProducer);
  EXPECT_EQ(t.spans[3].kind, SpanKind::kConsumer);
  EXPECT_EQ(t.spans[4].kind, SpanKind::kUnspecified);
  EXPECT_FALSE(t.spans[4].error);
  EXPECT_EQ(t.spans[5].kind, SpanKind::kServer);
  EXPECT_TRUE(t.spans[5].error);
  // No resource: unknown service; no times: flags cleared.
  EXPECT_EQ(t.spans[0].service, "unknown-service");
  EXPECT_FALSE(t.spans[0].has_start);
  EXPECT_FALSE(t.spans[0].has_duration);
}

TEST(OtlpJsonTest, LinksBecomeReferences) {
  const auto d = DecodeString(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"aa","spanId":"01","parentSpanId":"02","links":[
         {"traceId":"bb","spanId":"03","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"child_of"}}]},
         {"traceId":"aa","spanId":"04"},
         {"traceId":"aa","spanId":"02","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"follows_from"}}]}]}]}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  const analyzer::Trace& t = d.traces.at(0);
  const auto refs = t.RefsOf(t.spans[0]);
  ASSERT_EQ(refs.size(), 3u);
  // The parent first; the link equal to it sets its type instead of repeating it.
  EXPECT_EQ(refs[0].span_id, "0000000000000002");
  EXPECT_EQ(refs[0].type, RefType::kFollowsFrom);
  EXPECT_EQ(refs[1].span_id, "0000000000000003");
  EXPECT_EQ(refs[1].trace_id, "00000000000000bb");
  EXPECT_EQ(refs[1].type, RefType::kChildOf);
  EXPECT_EQ(refs[2].span_id, "0000000000000004");
  EXPECT_EQ(refs[2].type, RefType::kFollowsFrom);
}

TEST(OtlpJsonTest, ApiV3ResultWrapper) {
  const auto d =
      DecodeString(R"({"result":{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},
      "spans":[{"kind":2,"name":"foobar","spanId":"0000000000000002","status":{"code":2},
                "traceId":"00000000000000000000000000000001"}]}]}]}})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].trace_id, "0000000000000001");
  EXPECT_EQ(d.traces[0].spans[0].span_id, "0000000000000002");
}

TEST(OtlpJsonTest, GroupsSpansOfOneTraceAcrossResourcesInOrderOfFirstAppearance) {
  const auto d = DecodeString(R"({"resourceSpans":[
      {"scopeSpans":[{"spans":[{"traceId":"02","spanId":"01"},{"traceId":"01","spanId":"02"}]}],
       "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late-resource"}}]}},
      {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"second"}}]},
       "scopeSpans":[{"spans":[{"traceId":"01","spanId":"03"}]},{"spans":[{"traceId":"02","spanId":"04"}]}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  const analyzer::Trace& a = d.traces[0];
  EXPECT_EQ(a.trace_id, "0000000000000002");
  ASSERT_EQ(a.spans.size(), 2u);
  EXPECT_EQ(a.spans[0].span_id, "0000000000000001");
  EXPECT_EQ(a.spans[0].service, "late-resource");
  EXPECT_EQ(a.spans[1].span_id, "0000000000000004");
  EXPECT_EQ(a.spans[1].service, "second");
  const analyzer::Trace& b = d.traces[1];
  EXPECT_EQ(b.trace_id, "0000000000000001");
  ASSERT_EQ(b.spans.size(), 2u);
  EXPECT_EQ(b.spans[1].service, "second");
}

TEST(OtlpJsonTest, JsonLinesAndArraysOfDocumentsAreOneStream) {
  const std::string line1 =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0a","spanId":"01","startTimeUnixNano":2000}]}]}]})";
  const std::string line2 =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0A","spanId":"02","parentSpanId":"01"}]}]}]})";
  for (const std::string& json : {line1 + "\n" + line2 + "\n", "[" + line1 + "," + line2 + "]"}) {
    const auto d = DecodeString(json);
    ASSERT_TRUE(d.status.ok()) << d.error();
    ASSERT_EQ(d.traces.size(), 1u) << json;
    EXPECT_EQ(d.traces[0].spans.size(), 2u);
    EXPECT_EQ(d.traces[0].spans[0].start_us, 2);
    EXPECT_EQ(RefIds(d.traces[0], d.traces[0].spans[1]),
              (std::vector<std::string>{"0000000000000001"}));
  }
}

TEST(OtlpJsonTest, Base64IdsOfOldApiV3Servers) {
  const auto d = DecodeString(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAALQ="}]}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.at(0).trace_id, "0000000000000001");
  EXPECT_EQ(d.traces.at(0).spans.at(0).span_id, "00000000000000b4");
  EXPECT_EQ(d.traces.at(0).quality.non_hex_ids, 0u);
}

TEST(OtlpJsonTest, TempoBatchesWithInstrumentationLibrarySpans) {
  const auto d = DecodeString(R"({"batches":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"tempo-svc"}}]},
      "instrumentationLibrarySpans":[{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==",
        "spanId":"AAAAAAAAALQ=","name":"op"}]}]}]})");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].spans.at(0).service, "tempo-svc");
  EXPECT_EQ(d.traces[0].spans.at(0).span_id, "00000000000000b4");
}

TEST(OtlpJsonTest, BadSpanSkipsTheWholeDocument) {
  const std::string json =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"01"},)"
      R"({"traceId":"01","spanId":"02","startTimeUnixNano":true}]}]}]})"
      "\n"
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"03"}]}]}]})";
  const auto d = DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  ASSERT_EQ(d.traces[0].spans.size(), 1u);
  EXPECT_EQ(d.traces[0].spans[0].span_id, "0000000000000003");
  EXPECT_EQ(d.stats.quality.skipped_traces, 1u);
  EXPECT_EQ(d.problems(),
            (std::vector<std::string>{
                "test.json: byte " + std::to_string(json.find("true")) +
                ": resourceSpans[0].scopeSpans[0].spans[1] (id 0000000000000002): field "
                "'startTimeUnixNano': expected an integer (number or string), got boolean"}));
}

}  // namespace
}  // namespace trace_analyze::formats
