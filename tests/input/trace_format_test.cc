// A new input format is one decoder plus one row of the format table: a
// test-only format, registered through the same table as the built-in ones,
// is sniffed, split, decoded (on both decoding threads for big files),
// isolated when broken and analysed like any other.
#include "formats/trace_format.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "input/input.h"
#include "input/sniff.h"
#include "tests/formats/decode_test_util.h"
#include "tests/testing/temp_dir.h"

namespace trace_analyze::input {
namespace {

namespace ondemand = simdjson::ondemand;

// {"tinyTrace": ID, "calls": [[service, operation, start_us, duration_us,
// parent_index or -1], ...]}: one whole trace per object.
class TinyDecoder final : public formats::FormatDecoder {
 public:
  bool DecodeTrace(ondemand::value unit, analyzer::Trace* trace,
                   formats::DecodeError* error) override {
    ondemand::object object;
    std::string_view id;
    ondemand::array calls;
    if (unit.get_object().get(object) || object["tinyTrace"].get_string().get(id)) {
      return Fail("no tinyTrace id", error);
    }
    trace->trace_id = trace->arena.Store(id);
    if (object["calls"].get_array().get(calls)) return Fail("'calls' is not an array", error);
    for (auto call_value : calls) {
      ondemand::array call;
      if (call_value.get_array().get(call)) return Fail("a call is not an array", error);
      analyzer::Span span;
      int64_t parent = -1;
      size_t field = 0;
      for (auto item : call) {
        std::string_view text;
        int64_t number = 0;
        const bool ok = field < 2 ? !item.get_string().get(text) : !item.get_int64().get(number);
        if (!ok) return Fail(fmt::format("call field {} has the wrong type", field), error);
        if (field == 0) span.service = trace->arena.Store(text);
        if (field == 1) span.operation = trace->arena.Store(text);
        if (field == 2) span.start_us = number;
        if (field == 3) span.duration_us = number;
        if (field == 4) parent = number;
        ++field;
      }
      if (field != 5) return Fail("a call has not 5 fields", error);
      span.span_id = trace->arena.Store(fmt::format("{:016x}", trace->spans.size() + 1));
      span.refs_begin = static_cast<uint32_t>(trace->references.size());
      span.attrs_begin = static_cast<uint32_t>(trace->attributes.size());
      if (parent >= 0) {
        trace->references.push_back({analyzer::RefType::kChildOf, trace->trace_id,
                                     trace->arena.Store(fmt::format("{:016x}", parent + 1))});
        span.refs_count = 1;
      }
      trace->spans.push_back(span);
    }
    return true;
  }

 private:
  static bool Fail(std::string message, formats::DecodeError* error) {
    error->message = std::move(message);
    return false;
  }
};

// Registered once per process, like a built-in row.
formats::FormatId TinyFormat() {
  static const formats::FormatId id = formats::RegisterTraceFormat(
      {"tiny test trace", {"tinyTrace"}, false, formats::Assembly::kWholeTrace, false, [] {
         return std::make_unique<TinyDecoder>();
       }});
  return id;
}

// A root call of 100 µs with two children, the second one ending last.
std::string TinyTrace(int i) {
  const int64_t start = 1'700'000'000'000'000 + int64_t{1000} * i;
  return fmt::format(R"({{"tinyTrace":"{:016x}","calls":[["api","GET /cart",{},100,-1],)"
                     R"(["db","select",{},30,0],["cache","get",{},50,0]]}})",
                     0x7000 + i, start, start + 10, start + 45);
}

TEST(TraceFormatTest, ARegisteredFormatIsATableRowAndIsSniffedByItsKey) {
  const formats::FormatId id = TinyFormat();
  ASSERT_EQ(id, formats::TraceFormats().size() - 1);
  EXPECT_GT(id, formats::kZipkinSpanListFormat);  // after the built-in rows
  EXPECT_EQ(formats::TraceFormats()[id].name, "tiny test trace");
  EXPECT_EQ(formats::FormatOfKey("tinyTrace"), id);
  EXPECT_EQ(ClassifyValue(R"({"calls":[],"tinyTrace":"a"})"), UnitType::Format(id));
  // The built-in rows keep their keys.
  EXPECT_EQ(formats::FormatOfKey("resourceSpans"), formats::kOtlpFormat);
  EXPECT_EQ(formats::FormatOfKey("traceID"), formats::kNoFormat);  // shared: decides nothing
}

TEST(TraceFormatDeathTest, AKeyClaimedTwiceIsAProgrammingError) {
  EXPECT_DEATH(formats::RegisterTraceFormat({"clash",
                                             {"spans"},
                                             false,
                                             formats::Assembly::kWholeTrace,
                                             false,
                                             [] { return std::make_unique<TinyDecoder>(); }}),
               "claimed by another format");
}

TEST(TraceFormatTest, UnitsOfTheNewFormatDecodeBesideBuiltInOnes) {
  TinyFormat();
  // A top-level array mixing the new format with a Jaeger trace, then the
  // same as JSON Lines.
  const std::string jaeger =
      R"({"traceID":"00000000000000aa","spans":[{"traceID":"00000000000000aa",)"
      R"("spanID":"0000000000000001","operationName":"op","startTime":1700000000000000,)"
      R"("duration":5,"processID":"p1"}],"processes":{"p1":{"serviceName":"svc"}}})";
  for (const std::string& text :
       {fmt::format("[{},{},{}]", TinyTrace(1), jaeger, TinyTrace(2)),
        fmt::format("{}\n{}\n{}\n", TinyTrace(1), jaeger, TinyTrace(2))}) {
    const formats::testing::Decoded d = formats::testing::DecodeString(text);
    ASSERT_TRUE(d.status.ok()) << d.error();
    EXPECT_TRUE(d.problems().empty());
    ASSERT_EQ(d.traces.size(), 3u);
    EXPECT_EQ(d.traces[0].trace_id, "0000000000007001");
    EXPECT_EQ(d.traces[1].trace_id, "00000000000000aa");
    EXPECT_EQ(d.traces[2].trace_id, "0000000000007002");
    const analyzer::Trace& tiny = d.traces[2];
    ASSERT_EQ(tiny.spans.size(), 3u);
    EXPECT_EQ(tiny.spans[2].service, "cache");
    EXPECT_EQ(tiny.source, "test.json");
    EXPECT_EQ(formats::testing::RefIds(tiny, tiny.spans[2]),
              std::vector<std::string>{"0000000000000001"});
  }
}

TEST(TraceFormatTest, ABrokenUnitIsSkippedAndNamedTheRestRead) {
  TinyFormat();
  const std::string text =
      TinyTrace(1) + "\n" + R"({"tinyTrace":"bad","calls":7})" + "\n" + TinyTrace(2) + "\n";
  const formats::testing::Decoded d = formats::testing::DecodeString(text, {}, "tiny.jsonl");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_EQ(d.problems()[0], fmt::format("tiny.jsonl: byte {}: trace bad: 'calls' is not an array",
                                         TinyTrace(1).size() + 1));
  ReadOptions strict;
  strict.strict = true;
  EXPECT_FALSE(formats::testing::DecodeString(text, strict, "tiny.jsonl").status.ok());
}

TEST(TraceFormatTest, ABigFileOfTheNewFormatIsAnalysedOnBothThreadsInOrder) {
  TinyFormat();
  std::string jsonl;
  int traces = 0;
  while (jsonl.size() < (size_t{5} << 20)) {  // read on the two-thread path
    jsonl += TinyTrace(traces++);
    jsonl += '\n';
  }
  testing::TempDir dir;
  const std::vector<std::string> inputs = {dir.File("tiny.jsonl", jsonl)};
  analyzer::TraceAnalyzer analyzer{analyzer::AnalysisOptions{}};
  std::vector<std::string> order;
  ReadStats stats;
  const Status status = ReadInputs(
      inputs, {}, analyzer,
      [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
        order.emplace_back(trace.trace_id);
        // api 0-10, db 10-40, api 40-45, cache 45-95, api 95-100.
        EXPECT_EQ(path.total_us, 100);
        EXPECT_EQ(path.sections.size(), 5u);
      },
      &stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(order.size(), static_cast<size_t>(traces));
  for (int i = 0; i < traces; ++i) EXPECT_EQ(order[i], fmt::format("{:016x}", 0x7000 + i));
  EXPECT_EQ(analyzer.profile().traces(), static_cast<uint64_t>(traces));
}

}  // namespace
}  // namespace trace_analyze::input
