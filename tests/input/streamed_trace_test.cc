// A Jaeger trace too big to hold as text is streamed: cut into its members
// and runs of spans, the runs decoded on every lane (ReadOptions::
// stream_trace_bytes). The traces, problems and errors must be exactly those
// of decoding it whole, for every shape of input and every lane count.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/formats/decode_test_util.h"

namespace trace_analyze::input {
namespace {

namespace fs = std::filesystem;
using formats::testing::DecodeString;
using formats::testing::ReadPaths;

constexpr uint64_t kWhole = UINT64_MAX;  // never streamed
constexpr uint64_t kAlways = 16;         // every trace streamed

// Every field of every delivered trace, and what was reported.
std::vector<std::string> Transcript(const formats::testing::Decoded& d) {
  std::vector<std::string> out;
  for (const analyzer::Trace& t : d.traces) {
    out.push_back(fmt::format("trace '{}' source {} spans {} non-hex {}", t.trace_id, t.source,
                              t.spans.size(), t.quality.non_hex_ids));
    for (const analyzer::Span& s : t.spans) {
      std::string line =
          fmt::format("  span {} {}/{} host '{}' {}+{} kind {} error {} start {} duration {}",
                      s.span_id, s.service, s.operation, s.host, s.start_us, s.duration_us,
                      static_cast<int>(s.kind), s.error, s.has_start, s.has_duration);
      for (const analyzer::Reference& r : t.RefsOf(s)) {
        line += fmt::format(" ref {} {}:{}", static_cast<int>(r.type), r.trace_id, r.span_id);
      }
      for (const analyzer::Attribute& a : t.AttrsOf(s))
        line += fmt::format(" {}={}", a.key, a.value);
      out.push_back(line);
    }
  }
  for (const std::string& p : d.problems()) out.push_back("problem " + p);
  out.push_back(fmt::format("{} problems, {} skipped, {} empty, error '{}'", d.stats.problems_total,
                            d.stats.quality.skipped_traces, d.stats.quality.empty_traces,
                            d.error()));
  return out;
}

// One span of GiantTrace: each shape a Jaeger trace's spans take in the wild.
std::string Span(int trace, int i) {
  const std::string id = fmt::format("{:016x}", i + 1);
  std::string process = fmt::format(R"("processID":"p{}")", i % 3);
  if (i % 11 == 5)
    process = R"("process":{"serviceName":"embedded","tags":[{"key":"ip","value":"10.1.1.1"}]})";
  if (i % 13 == 6) process = R"("processID":"missing")";
  std::string refs = R"("references":[])";
  if (i > 0) {
    const std::string parent = fmt::format("{:016x}", (i - 1) / 2 + 1);
    if (i % 7 == 1) {
      refs = fmt::format(R"("parentSpanID":"{}")", parent);
    } else if (i % 5 == 2) {
      refs = fmt::format(R"("references":[{{"refType":"FOLLOWS_FROM","spanID":"{}"}}])", parent);
    } else {
      refs =
          fmt::format(R"("references":[{{"refType":"CHILD_OF","traceID":"{:x}","spanID":"{}"}}])",
                      trace, parent);
    }
  }
  const std::string trace_id = i % 17 == 9 ? "" : fmt::format(R"("traceID":"{:x}",)", trace);
  const std::string span_id = i % 19 == 4 ? fmt::format("span-{}", i) : id;  // not hex
  return fmt::format(
      R"({{{}"spanID":"{}","operationName":"op {}","startTime":{},"duration":{},{},{},)"
      R"("tags":[{{"key":"span.kind","type":"string","value":"{}"}},)"
      R"({{"key":"http.status_code","type":"int64","value":{}}},{{"key":"error","type":"bool","value":{}}}],)"
      R"("logs":[],"warnings":null}})",
      trace_id, span_id, i % 9, 1000000 + i * 10, 5 + i % 40, process, refs,
      i % 2 ? "client" : "server", 200 + i % 3, i % 23 == 0 ? "true" : "false");
}

std::string Processes() {
  return R"("processes":{"p0":{"serviceName":"frontend","tags":[{"key":"hostname","value":"fe-1"}]},)"
         R"("p1":{"serviceName":"cart","tags":[]},"p2":{"serviceName":"db","tags":null}})";
}

// A trace of `spans` spans, its processes after them (as Jaeger writes).
std::string GiantTrace(int trace, int spans, bool with_trace_id = true) {
  std::string json = "{";
  if (with_trace_id) json += fmt::format(R"("traceID":"{:x}",)", trace);
  json += R"("spans":[)";
  for (int i = 0; i < spans; ++i) {
    if (i) json += i % 100 == 0 ? " ,\n " : ",";
    json += Span(trace, i);
  }
  return json + "]," + Processes() + R"(,"warnings":null})";
}

std::string Envelope(const std::vector<std::string>& traces) {
  std::string json = R"({"data":[)";
  for (size_t i = 0; i < traces.size(); ++i) json += (i ? "," : "") + traces[i];
  return json + R"(],"total":0,"limit":0,"offset":0,"errors":null})";
}

void ExpectSameAsWhole(const std::string& doc, const std::string& what) {
  for (const bool strict : {false, true}) {
    ReadOptions whole;
    whole.strict = strict;
    whole.stream_trace_bytes = kWhole;
    ReadOptions streamed = whole;
    streamed.stream_trace_bytes = kAlways;
    const auto expected = Transcript(DecodeString(doc, whole));
    EXPECT_EQ(Transcript(DecodeString(doc, streamed)), expected) << what << ", strict " << strict;
  }
}

TEST(StreamedTraceTest, EveryShapeOfSpanDecodesAsWhenHeldWhole) {
  const std::string doc = Envelope({GiantTrace(1, 3), GiantTrace(2, 700), GiantTrace(3, 1)});
  const auto whole = DecodeString(doc, {.stream_trace_bytes = kWhole});
  ASSERT_EQ(whole.traces.size(), 3u);
  ASSERT_EQ(whole.traces[1].spans.size(), 700u);
  ExpectSameAsWhole(doc, "envelope");
}

TEST(StreamedTraceTest, TraceIdComesFromTheFirstSpanWhenTheTraceHasNone) {
  ExpectSameAsWhole(Envelope({GiantTrace(0xabc, 50, /*with_trace_id=*/false)}), "no traceID");
  const auto d = DecodeString(Envelope({GiantTrace(0xabc, 50, false)}), {.stream_trace_bytes = 16});
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].trace_id, "0000000000000abc");
}

TEST(StreamedTraceTest, TopLevelTraceObjectsDataObjectsAndJsonLinesStream) {
  ExpectSameAsWhole(GiantTrace(7, 300), "top-level trace");
  ExpectSameAsWhole(R"({"data":)" + GiantTrace(8, 300) + "}", "data object");
  ExpectSameAsWhole(
      GiantTrace(9, 200) + "\n" + Envelope({GiantTrace(10, 5)}) + "\n" + GiantTrace(11, 120) + "\n",
      "JSON Lines");
  // Processes before spans, two spans arrays, spans null, odd members.
  ExpectSameAsWhole(R"({"processes":{"p0":{"serviceName":"a"}},"traceID":"1","spans":[)" +
                        Span(1, 0) + "," + Span(1, 1) + R"(],"warnings":["x"],"spans":[)" +
                        Span(1, 2) + R"(],"spans":null})",
                    "members in any order");
  ExpectSameAsWhole(Envelope({R"({"traceID":"5","spans":[]})", R"({"traceID":"6"})"}),
                    "empty traces");
}

TEST(StreamedTraceTest, ABrokenSpanSkipsItsTraceOnlyAndIsReportedAsWhenWhole) {
  std::string broken = GiantTrace(2, 400);
  const size_t at = broken.find(R"("duration":)", broken.size() / 2);
  broken.replace(at, 11,
                 R"("duration":"5 ms",)"
                 R"("x":)");
  const std::string doc = Envelope({GiantTrace(1, 30), broken, GiantTrace(3, 30)});
  const auto streamed = DecodeString(doc, {.stream_trace_bytes = kAlways});
  ASSERT_EQ(streamed.traces.size(), 2u);
  ASSERT_EQ(streamed.problems().size(), 1u);
  EXPECT_NE(streamed.problems()[0].find("span "), std::string::npos) << streamed.problems()[0];
  ExpectSameAsWhole(doc, "broken span");

  // A member that cannot be decoded, and spans that are not an array.
  ExpectSameAsWhole(Envelope({R"({"traceID":"1","spans":[)" + Span(1, 0) +
                                  R"(],"processes":{"p0":{"serviceName":5}}})",
                              GiantTrace(3, 3)}),
                    "broken process");
  ExpectSameAsWhole(Envelope({R"({"traceID":"1","spans":{"a":1}})", GiantTrace(3, 3)}),
                    "spans not an array");
  ExpectSameAsWhole(
      Envelope({R"({"traceID":"1","spans":[)" + Span(1, 0) + R"(,7]})", GiantTrace(3, 3)}),
      "span not an object");
}

TEST(StreamedTraceTest, InputEndingInsideAStreamedTraceIsReportedAsWhenWhole) {
  const std::string doc = Envelope({GiantTrace(1, 20), GiantTrace(2, 400)});
  for (const size_t cut : {doc.size() / 2, doc.size() - 40, doc.size() - 3}) {
    ExpectSameAsWhole(doc.substr(0, cut), fmt::format("cut at {}", cut));
  }
}

class StreamedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ta_streamed_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// A file bigger than the reader's buffers, whose big trace spans many batches
// and runs: read on 1, 2, 3 and 8 lanes with the default threshold, it gives
// exactly what decoding each trace whole gives.
TEST_F(StreamedFileTest, ABigTraceAcrossManyBatchesDecodesAlikeOnAnyNumberOfLanes) {
  std::string doc = Envelope({GiantTrace(1, 40), GiantTrace(2, 40000), GiantTrace(3, 40)});
  ASSERT_GT(doc.size(), 12u << 20);  // several 2 MiB batches, above the 8 MiB threshold
  const std::string path = (dir_ / "big.json").string();
  std::ofstream(path, std::ios::binary) << doc;
  const auto expected = Transcript(DecodeString(doc, {.stream_trace_bytes = kWhole}, path));
  ASSERT_EQ(expected.size(), 40080u + 4u);
  for (const size_t threads : {1u, 2u, 3u, 8u}) {
    ReadOptions options;
    options.threads = threads;
    EXPECT_EQ(Transcript(ReadPaths({path}, options)), expected) << threads << " threads";
  }
}

}  // namespace
}  // namespace trace_analyze::input
