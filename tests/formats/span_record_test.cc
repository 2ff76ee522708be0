// Span records: a trace rebuilt from its records is the trace TraceGroups
// builds from the same spans; malformed records are refused, never read past.
#include "formats/span_record.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/decode_util.h"
#include "formats/trace_groups.h"
#include "formats/zipkin_shared_spans.h"
#include "tests/formats/decode_test_util.h"

namespace trace_analyze::formats {
namespace {

using analyzer::RefType;
using analyzer::SpanKind;
using testing::DumpTrace;

struct SpanSpec {
  std::string trace_id;
  std::string span_id;
  std::string service;
  std::string host;
  SpanKind kind = SpanKind::kUnspecified;
  int64_t start_us = 1'700'000'000'000'000;
  int64_t duration_us = 250;
  std::vector<analyzer::Reference> refs;  // views of literals
  std::vector<analyzer::Attribute> attrs;
  bool error = false;
  bool has_start = true;
  bool has_duration = true;
  bool non_hex = false;
  bool zipkin = false;
  bool shared = false;
};

SpanSpec Spec(std::string trace_id, std::string span_id, std::string service, std::string host,
              SpanKind kind) {
  SpanSpec s;
  s.trace_id = std::move(trace_id);
  s.span_id = std::move(span_id);
  s.service = std::move(service);
  s.host = std::move(host);
  s.kind = kind;
  return s;
}

// Spans of four traces (one without an id), interleaved, with every field
// the model holds and the Zipkin flags.
std::vector<SpanSpec> Specs() {
  std::vector<SpanSpec> v;
  v.push_back(Spec("aaaa", "0000000000000001", "gateway", "node-1", SpanKind::kServer));
  v.back().attrs = {{"http.method", "GET"}, {"empty", ""}};
  v.push_back(Spec("bbbb", "b1", std::string(kUnknownService), "", SpanKind::kInternal));
  v.back().non_hex = true;
  v.back().refs = {{RefType::kChildOf, "bbbb", "b0"}};
  v.push_back(Spec("aaaa", "0000000000000002", "gateway", "node-1", SpanKind::kClient));
  v.back().refs = {{RefType::kChildOf, "", "0000000000000001"},
                   {RefType::kFollowsFrom, "cccc", "0000000000000009"}};
  v.back().error = true;
  v.back().has_start = false;
  v.back().start_us = 0;
  v.back().duration_us = -5;
  v.push_back(Spec("", "0000000000000003", "orphan", "h", SpanKind::kProducer));
  v.back().has_duration = false;
  v.back().start_us = -42;
  // Zipkin: client and server halves share an id; the server is `shared`.
  v.push_back(Spec("dddd", "00000000000000aa", "web", "", SpanKind::kClient));
  v.back().zipkin = true;
  v.push_back(Spec("dddd", "00000000000000aa", "api", "", SpanKind::kServer));
  v.back().zipkin = true;
  v.back().shared = true;
  v.back().refs = {{RefType::kChildOf, "dddd", "00000000000000a0"}};
  v.push_back(Spec("dddd", "00000000000000ab", "api", "", SpanKind::kConsumer));
  v.back().zipkin = true;
  v.back().refs = {{RefType::kChildOf, "dddd", "00000000000000aa"}};
  v.back().attrs = {{"k", "v"}};
  return v;
}

void Stage(const SpanSpec& spec, analyzer::Trace* staging) {
  analyzer::Span s;
  s.span_id = staging->arena.Store(spec.span_id);
  s.service =
      spec.service == kUnknownService ? kUnknownService : staging->arena.Store(spec.service);
  s.operation = staging->arena.Store("op " + spec.span_id);
  s.host = staging->arena.Store(spec.host);
  s.start_us = spec.start_us;
  s.duration_us = spec.duration_us;
  s.kind = spec.kind;
  s.error = spec.error;
  s.has_start = spec.has_start;
  s.has_duration = spec.has_duration;
  s.refs_begin = static_cast<uint32_t>(staging->references.size());
  s.refs_count = static_cast<uint32_t>(spec.refs.size());
  for (const analyzer::Reference& r : spec.refs) staging->references.push_back(r);
  s.attrs_begin = static_cast<uint32_t>(staging->attributes.size());
  s.attrs_count = static_cast<uint32_t>(spec.attrs.size());
  for (const analyzer::Attribute& a : spec.attrs) staging->attributes.push_back(a);
  staging->spans.push_back(s);
}

TEST(SpanRecordTest, RebuildsTheTraceTraceGroupsBuilds) {
  const std::vector<SpanSpec> specs = Specs();
  TraceGroups groups;
  std::vector<std::string> ids;                   // in order of first appearance
  std::vector<std::vector<std::string>> records;  // per trace
  for (const SpanSpec& spec : specs) {
    analyzer::Trace staging;
    Stage(spec, &staging);
    const StagedSpan info{spec.trace_id, spec.non_hex, spec.shared};
    groups.Add(staging, 0, info, spec.zipkin);
    size_t t = 0;
    while (t < ids.size() && ids[t] != spec.trace_id) ++t;
    if (t == ids.size()) {
      ids.push_back(spec.trace_id);
      records.emplace_back();
    }
    AppendSpanRecord(staging, 0, info, spec.zipkin, &records[t].emplace_back());
  }
  ASSERT_EQ(groups.size(), 4u);
  RecordedTrace recorded;
  for (size_t t = 0; t < ids.size(); ++t) {
    TraceGroups::Group& group = groups.group(t);
    if (group.zipkin) SplitZipkinSharedSpans(&group.trace, group.shared);
    recorded.Begin(ids[t]);
    for (const std::string& record : records[t]) ASSERT_TRUE(recorded.Add(record));
    recorded.Finish();
    EXPECT_EQ(DumpTrace(recorded.trace()), DumpTrace(group.trace)) << "trace " << ids[t];
  }
  // The Zipkin fix-up ran on the rebuilt trace.
  EXPECT_EQ(recorded.trace().quality.zipkin_shared_spans, 1u);
}

TEST(SpanRecordTest, RefusesMalformedRecords) {
  const std::vector<SpanSpec> specs = Specs();
  analyzer::Trace staging;
  Stage(specs[2], &staging);
  std::string record;
  AppendSpanRecord(staging, 0, {"aaaa", false, false}, false, &record);
  RecordedTrace trace;
  for (size_t n = 0; n < record.size(); ++n) {
    trace.Begin("aaaa");
    EXPECT_FALSE(trace.Add(std::string_view(record).substr(0, n))) << n << " bytes";
  }
  trace.Begin("aaaa");
  EXPECT_FALSE(trace.Add(record + "x"));  // trailing bytes
  std::string bad_kind = record;
  bad_kind[0] = static_cast<char>((bad_kind[0] & ~0x7) | 0x7);
  EXPECT_FALSE(trace.Add(bad_kind));
  std::string unknown_flag;
  AppendVarint(uint64_t{1} << 20, &unknown_flag);
  EXPECT_FALSE(trace.Add(unknown_flag + record.substr(1)));
  trace.Begin("aaaa");
  EXPECT_TRUE(trace.Add(record));
}

TEST(SpanRecordTest, VarintsRoundTripAndRefuseOverlongInput) {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 35,
                     uint64_t{1} << 63, ~uint64_t{0}}) {
    std::string bytes;
    AppendVarint(v, &bytes);
    std::string_view in = bytes;
    uint64_t out = 1;
    ASSERT_TRUE(ReadVarint(&in, &out)) << v;
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
    std::string_view cut = std::string_view(bytes).substr(0, bytes.size() - 1);
    EXPECT_FALSE(ReadVarint(&cut, &out)) << v;
  }
  std::string_view eleven("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
  uint64_t out = 0;
  EXPECT_FALSE(ReadVarint(&eleven, &out));
  std::string_view too_big("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  EXPECT_FALSE(ReadVarint(&too_big, &out));
  std::string_view short_bytes(
      "\x05"
      "abc",
      4);
  std::string_view bytes;
  EXPECT_FALSE(ReadBytes(&short_bytes, &bytes));
}

}  // namespace
}  // namespace trace_analyze::formats
