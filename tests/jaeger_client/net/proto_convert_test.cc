// The protobuf converters (api_v2 spans, OTLP TracesData) on extreme values a
// hostile or broken server can send: times far beyond int64 µs saturate and
// are counted as out of range by Normalize(), never overflow (UB).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/normalize.h"
#include "jaeger_client/net/api_v2_convert.h"
#include "jaeger_client/net/otlp_proto_convert.h"

namespace trace_analyze::jaeger_client::net {
namespace {

std::vector<analyzer::Trace> Deliver(formats::SpanAssembler& assembler) {
  std::vector<analyzer::Trace> out;
  EXPECT_TRUE(assembler
                  .Deliver("test",
                           [&](analyzer::Trace& t) {
                             out.push_back(std::move(t));
                             return OkStatus();
                           })
                  .ok());
  return out;
}

TEST(ProtoConvertTest, ApiV2TimesBeyondInt64SaturateAndAreCountedOutOfRange) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ::jaeger::api_v2::Span span;
  span.set_trace_id(std::string(15, '\0') + "\x01");
  span.set_span_id(std::string(7, '\0') + "\x01");
  span.set_operation_name("op");
  span.mutable_start_time()->set_seconds(-576460992821592069);  // the fuzzer's value
  span.mutable_start_time()->set_nanos(999999999);
  span.mutable_duration()->set_seconds(kMax);
  formats::SpanAssembler assembler;
  StageApiV2Span(span, &assembler);
  assembler.Commit();
  std::vector<analyzer::Trace> traces = Deliver(assembler);
  ASSERT_EQ(traces.size(), 1u);
  ASSERT_EQ(traces[0].spans.size(), 1u);
  EXPECT_EQ(traces[0].spans[0].start_us, std::numeric_limits<int64_t>::min() + 999999);
  EXPECT_EQ(traces[0].spans[0].duration_us, kMax);
  analyzer::Normalize(traces[0], {});
  EXPECT_EQ(traces[0].quality.out_of_range_times, 1u);
  EXPECT_LE(traces[0].spans[0].duration_us, analyzer::kMaxTimeUs);
}

TEST(ProtoConvertTest, OtlpEndBeforeStartAndHugeNanosAreBounded) {
  ::opentelemetry::proto::trace::v1::TracesData data;
  auto* span = data.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_trace_id(std::string(15, '\0') + "\x02");
  span->set_span_id(std::string(7, '\0') + "\x01");
  span->set_name("op");
  span->set_start_time_unix_nano(std::numeric_limits<uint64_t>::max());
  span->set_end_time_unix_nano(1);
  formats::SpanAssembler assembler;
  AddOtlpTracesData(data, &assembler);
  std::vector<analyzer::Trace> traces = Deliver(assembler);
  ASSERT_EQ(traces.size(), 1u);
  analyzer::Normalize(traces[0], {});
  EXPECT_GE(traces[0].spans[0].duration_us, 0);
  EXPECT_LE(traces[0].spans[0].duration_us, analyzer::kMaxTimeUs);
}

}  // namespace
}  // namespace trace_analyze::jaeger_client::net
