// ReadInputs over files: compression sniffing, folders, stdin-like buffers,
// and streaming of inputs larger than the reader's buffers.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/trace_analysis.h"
#include "formats/ids.h"
#include "tests/formats/decode_test_util.h"

namespace trace_analyze::input {
namespace {

namespace fs = std::filesystem;
using formats::testing::DecodeString;
using formats::testing::ReadPaths;

std::string SmallTrace(int id, int spans = 2) {
  std::string json = R"({"traceID":")" + std::to_string(id) + R"(","spans":[)";
  for (int i = 0; i < spans; ++i) {
    if (i) json += ',';
    json += R"({"spanID":")" + std::to_string(i + 1) + R"(","operationName":"op","startTime":)" +
            std::to_string(1000 + i) + R"(,"duration":5,"processID":"p1","references":[)" +
            (i ? R"({"refType":"CHILD_OF","spanID":"1"})" : "") + "]}";
  }
  return json + R"(],"processes":{"p1":{"serviceName":"svc","tags":[]}}})";
}

std::string Envelope(int first_id, int count, int spans = 2) {
  std::string json = R"({"data":[)";
  for (int i = 0; i < count; ++i) {
    if (i) json += ',';
    json += SmallTrace(first_id + i, spans);
  }
  return json + "]}";
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

class InputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ta_input_test_" + std::to_string(::getpid()) + "_" + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view bytes) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }

  fs::path dir_;
};

// One OTLP document of one span (service "otel"), for mixing into JSON Lines.
constexpr std::string_view kOtlpLine =
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
    R"({"stringValue":"otel"}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",)"
    R"("spanId":"b7ad6b7169203331","name":"op","startTimeUnixNano":"1000000",)"
    R"("endTimeUnixNano":"2000000"}]}]}]})";

TEST_F(InputTest, ReadsGzipAndZstdWhateverTheFileName) {
  const std::string json = Envelope(1, 3);
  const std::string gz = Write("traces.json", Gzip(json));  // no .gz suffix
  const std::string zst = Write("traces.gz", Zstd(json));   // misleading suffix
  const std::string plain = Write("plain.zst", json);
  const auto d = formats::testing::ReadPaths({gz, zst, plain});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 9u);
  EXPECT_EQ(d.stats.files, 3u);
  EXPECT_EQ(d.stats.bytes, 3 * json.size());  // uncompressed bytes
  EXPECT_EQ(d.traces[0].source, gz);
  EXPECT_EQ(d.traces[3].source, zst);
  EXPECT_EQ(d.traces[8].trace_id, "0000000000000003");
  EXPECT_EQ(d.traces[8].spans.size(), 2u);
}

TEST_F(InputTest, ReadsConcatenatedGzipMembersAndZstdFrames) {
  const std::string a = SmallTrace(1) + "\n";
  const std::string b = SmallTrace(2) + "\n";
  const auto d = formats::testing::ReadPaths(
      {Write("a.jsonl.gz", Gzip(a) + Gzip(b)), Write("b.jsonl.zst", Zstd(a) + Zstd(b))});
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 4u);
}

TEST_F(InputTest, FoldersAreReadRecursivelyInPathOrder) {
  const std::string b = Write("b.json", SmallTrace(2));
  const std::string c = Write("a/c.jsonl", SmallTrace(3));
  const std::string e = Write("a/sub/e.NDJSON.zst", Zstd(SmallTrace(5)));
  const std::string f = Write("a/d.ndjson.gz", Gzip(SmallTrace(4)));
  Write("a/notes.txt", "not a trace");
  Write("a/trace.json.bak", "not a trace either");
  const auto d = formats::testing::ReadPaths({dir_.string()});
  ASSERT_TRUE(d.status.ok()) << d.error();
  std::vector<std::string> sources;
  for (const analyzer::Trace& t : d.traces) sources.emplace_back(t.source);
  EXPECT_EQ(sources, (std::vector<std::string>{c, f, e, b}));
  EXPECT_EQ(d.stats.files, 4u);
}

TEST_F(InputTest, StdinNameViaDecodeBuffer) {
  const auto d = formats::testing::DecodeString(Gzip(SmallTrace(7)), {}, "<stdin>");
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].source, "<stdin>");
  EXPECT_EQ(d.stats.files, 0u);
  EXPECT_EQ(d.stats.bytes, SmallTrace(7).size());
}

TEST_F(InputTest, MissingFileIsAnInputError) {
  const std::string path = (dir_ / "nope.json").string();
  const auto d = formats::testing::ReadPaths({path});
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.error().code, ErrorCode::kInput);
  EXPECT_EQ(d.error(), path + ": cannot open: No such file or directory");
}

// More than the reader's buffer: exercises the reader thread, carrying a
// partial trace over to the next buffer, and growing for a trace larger than
// a buffer.
TEST_F(InputTest, StreamsLargeFilesTraceByTrace) {
  std::string json = R"({"data":[)";
  const int kTraces = 7000;
  for (int i = 0; i < kTraces; ++i) {
    if (i) json += ',';
    json += SmallTrace(i + 1, i == 3000 ? 40000 : 3);  // one trace of ~5 MB
  }
  json += R"(],"total":0,"limit":0,"offset":0,"errors":null})";
  ASSERT_GT(json.size(), 8u << 20);  // read on a thread, in several buffers
  const std::string path = Write("big.json", json);
  uint64_t traces = 0;
  uint64_t spans = 0;
  ReadStats stats;
  const std::vector<std::string> inputs = {path, Write("big2.json.gz", Gzip(json))};
  const Status status = ReadInputs(
      inputs, {},
      [&](analyzer::Trace& t) {
        // Ids arrive in order.
        EXPECT_EQ(t.trace_id, formats::NormalizeTraceId(std::to_string(traces % kTraces + 1)));
        ++traces;
        spans += t.spans.size();
        return OkStatus();
      },
      &stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(traces, 2u * kTraces);
  EXPECT_EQ(spans, 2u * (3 * (kTraces - 1) + 40000));
  EXPECT_EQ(stats.bytes, 2 * json.size());
}

TEST_F(InputTest, CallbackErrorStopsReading) {
  const std::string path = Write("big.json", Envelope(1, 40000, 3));
  int calls = 0;
  ReadStats stats;
  const std::vector<std::string> inputs = {path};
  const Status status = ReadInputs(
      inputs, {},
      [&](analyzer::Trace&) -> Status {
        if (++calls == 10) return Error{ErrorCode::kBackend, "enough"};
        return OkStatus();
      },
      &stats);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "enough");
  EXPECT_EQ(calls, 10);
}

// What a reader delivered and reported, in order, for comparing two reads.
std::vector<std::string> Transcript(const formats::testing::Decoded& d) {
  std::vector<std::string> out;
  for (const analyzer::Trace& t : d.traces) {
    out.push_back(
        fmt::format("trace {} {} spans, source {}", t.trace_id, t.spans.size(), t.source));
  }
  for (const std::string& p : d.problems()) out.push_back("problem " + p);
  out.push_back(fmt::format("{} problems, {} skipped, {} empty, error '{}'", d.stats.problems_total,
                            d.stats.quality.skipped_traces, d.stats.quality.empty_traces,
                            d.error()));
  return out;
}

// Files of 4 MiB and more are decoded on two threads (pipeline.cc); the
// traces, problems and errors must be exactly those of the one-thread path
// (a buffer), whatever the mix of trace sizes, broken traces and units only
// the first thread may decode (OTLP lines).
TEST_F(InputTest, TwoDecodingThreadsDeliverAndReportExactlyAsOne) {
  std::string jsonl;
  for (int i = 0; i < 3000; ++i) {
    if (i % 41 == 7) {
      std::string broken = SmallTrace(i + 1, 4);
      broken.replace(broken.find(R"("duration":5)"), 12, R"("duration":"5 ms")");
      jsonl += broken;
    } else if (i % 29 == 3) {
      jsonl += kOtlpLine;
    } else if (i % 9 == 0) {
      jsonl += R"({"traceID":")" + std::to_string(i + 1) + R"(","spans":[]})";  // empty
    } else {
      jsonl += SmallTrace(i + 1, i % 250 == 1 ? 6000 : 2 + i % 17);
    }
    jsonl += '\n';
  }
  ASSERT_GT(jsonl.size(), 4u << 20);  // read on the two-thread path
  const std::string path = Write("mixed.jsonl", jsonl);

  for (const bool strict : {false, true}) {
    ReadOptions options;
    options.strict = strict;
    const formats::testing::Decoded two = formats::testing::ReadPaths({path}, options);
    const formats::testing::Decoded one = formats::testing::DecodeString(jsonl, options, path);
    EXPECT_EQ(Transcript(two), Transcript(one)) << "strict " << strict;
    EXPECT_EQ(two.status.ok(), !strict);
  }
}

TEST_F(InputTest, ReadingIntoAnAnalyzerEqualsAnalysingEachTraceInTurn) {
  std::string jsonl;
  int jaeger_traces = 0;
  for (int i = 0; i < 4000; ++i) {
    if (i % 29 == 3) {
      jsonl += kOtlpLine;
    } else {
      jsonl += SmallTrace(i + 1, 2 + i % 17);
      ++jaeger_traces;
    }
    jsonl += '\n';
  }
  ASSERT_GT(jsonl.size(), 4u << 20);  // read on the two-thread path
  const std::string path = Write("analysed.jsonl", jsonl);
  const std::vector<std::string> inputs = {path};

  // Serial: each trace analysed on the delivering thread, in turn.
  const analyzer::AnalysisOptions analysis;
  analyzer::TraceAnalyzer serial(analysis);
  std::vector<std::string> serial_order;
  std::vector<int64_t> serial_lengths;
  ASSERT_TRUE(ReadInputs(
                  inputs, {},
                  [&](analyzer::Trace& trace) -> Status {
                    serial_lengths.push_back(serial.Analyze(trace).total_us);
                    serial_order.emplace_back(trace.trace_id);
                    return OkStatus();
                  },
                  nullptr)
                  .ok());

  // Prepared on the decoding lanes, added in input order.
  analyzer::TraceAnalyzer lanes(analysis);
  std::vector<std::string> order;
  std::vector<int64_t> lengths;
  int otlp = 0;
  ReadStats stats;
  const Status status = ReadInputs(
      inputs, {}, lanes,
      [&](const analyzer::Trace& trace, const analyzer::CriticalPath& cp) {
        EXPECT_EQ(trace.source, path);
        otlp += trace.spans.front().service == "otel" ? 1 : 0;
        order.emplace_back(trace.trace_id);
        lengths.push_back(cp.total_us);
      },
      &stats);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(order.size(), static_cast<size_t>(jaeger_traces + otlp));
  EXPECT_EQ(otlp, 1);  // one trace: its spans, from all OTLP lines, at the end
  EXPECT_EQ(order, serial_order);
  EXPECT_EQ(lengths, serial_lengths);
  EXPECT_EQ(lanes.profile().traces(), serial.profile().traces());
  EXPECT_EQ(lanes.profile().critical_path_us(), serial.profile().critical_path_us());
}

}  // namespace
}  // namespace trace_analyze::input
