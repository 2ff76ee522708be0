// Hostile and extreme inputs through the reader (docs/reliability.md): each
// gives a clear error or a counted, reported problem, in bounded time and
// memory. Sizes shrink in the sanitizer build (TA_SANITIZE), which runs the
// same assertions more slowly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tests/formats/decode_test_util.h"

namespace trace_analyze::input {
namespace {

using formats::testing::DecodeString;
using formats::testing::ReadPaths;
using ::testing::HasSubstr;

#ifdef TA_SANITIZE
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

std::string Span(const std::string& id, const std::string& extra = "") {
  return R"({"traceID":"1","spanID":")" + id +
         R"(","operationName":"op","startTime":1000,"duration":5,"processID":"p1")" + extra + "}";
}

std::string Trace(const std::string& spans) {
  return R"({"traceID":"1","spans":[)" + spans +
         R"(],"processes":{"p1":{"serviceName":"svc","tags":[]}}})";
}

std::string Envelope(const std::vector<std::string>& traces) {
  std::string out = R"({"data":[)";
  for (size_t i = 0; i < traces.size(); ++i) out += (i ? "," : "") + traces[i];
  return out + "]}";
}

uint64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

TEST(HostileInputTest, DeeplyNestedArraysAtTopLevelAreAnErrorNotACrash) {
  const std::string open(1'000'000, '[');
  const auto unclosed = formats::testing::DecodeString(open);
  ASSERT_FALSE(unclosed.status.ok());
  EXPECT_THAT(unclosed.error(), HasSubstr("is not closed"));

  // Balanced: one element, a list of lists, skipped as one unit with a
  // problem (it holds no span object).
  const std::string closed = "[" + open + std::string(1'000'001, ']');
  const auto d = formats::testing::DecodeString(closed);
  EXPECT_EQ(d.stats.quality.skipped_traces, 1u);
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_THAT(d.problems()[0], HasSubstr("expected an object, got array"));
}

TEST(HostileInputTest, DeeplyNestedValuesInsideASpanSkipThatTraceOnly) {
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  const std::string deep_object = [] {
    std::string s;
    for (int i = 0; i < 100'000; ++i) s += R"({"a":)";
    s += "1";
    s += std::string(100'000, '}');
    return s;
  }();
  const std::string json = Envelope({
      Trace(Span("1", R"(,"tags":[{"key":"k","type":"string","value":)" + deep + "}]")),
      Trace(Span("2")),
      Trace(Span("3", R"(,"logs":)" + deep_object)),
  });
  // Values the decoder does not interpret are skipped or kept as raw text
  // (a tag's array value), without recursion: all three traces decode.
  const auto d = formats::testing::DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 3u);
  EXPECT_EQ(d.traces[0].attributes.at(0).value, deep);

  // OTLP AnyValue nesting: capped by the decoder as well.
  std::string any = R"({"intValue":"1"})";
  for (int i = 0; i < 2000; ++i) any = R"({"arrayValue":{"values":[)" + any + "]}}";
  const std::string otlp =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"x",)"
      R"("startTimeUnixNano":"1000000","endTimeUnixNano":"2000000","attributes":[{"key":"k",)"
      R"("value":)" +
      any + "}]}]}]}]}";
  const auto o = formats::testing::DecodeString(otlp);
  EXPECT_EQ(o.stats.quality.skipped_traces, 1u);
}

TEST(HostileInputTest, NumbersOutOfRangeNanAndInfinityAreClearProblems) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("startTime":1e400)", "invalid JSON"},
      {R"("startTime":99999999999999999999)", "out of range"},
      {R"("startTime":-99999999999999999999)", "out of range"},
      {R"("duration":NaN)", "invalid JSON"},
      {R"("duration":Infinity)", "invalid JSON"},
      {R"("duration":-Infinity)", "invalid JSON"},
      {R"("duration":"NaN")", "expected a number, got string"},
      {R"("startTime":"1e3")", "expected a number, got string"},
  };
  for (const auto& [field, message] : cases) {
    const std::string span =
        R"({"traceID":"1","spanID":"1","operationName":"op",)" + field + R"(,"processID":"p1"})";
    const auto d = formats::testing::DecodeString(Envelope({Trace(span), Trace(Span("2"))}));
    ASSERT_TRUE(d.status.ok()) << field << ": " << d.error();
    EXPECT_EQ(d.traces.size(), 1u) << field;
    ASSERT_EQ(d.problems().size(), 1u) << field;
    EXPECT_THAT(d.problems()[0], HasSubstr(message)) << field;
  }
}

TEST(HostileInputTest, TimesAtTheInt64LimitsDecodeAndAreLeftToNormalize) {
  const std::string json =
      Trace(R"({"traceID":"1","spanID":"1","operationName":"op","startTime":9223372036854775807,)"
            R"("duration":9223372036854775807,"processID":"p1"},)"
            R"({"traceID":"1","spanID":"2","operationName":"op","startTime":-9223372036854775808,)"
            R"("duration":-9223372036854775808,"processID":"p1"})");
  const auto d = formats::testing::DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].spans[0].start_us, INT64_MAX);
  EXPECT_EQ(d.traces[0].spans[1].duration_us, INT64_MIN);

  // OTLP: end - start of two extreme nanosecond values does not overflow.
  const std::string otlp =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"x",)"
      R"("startTimeUnixNano":"-9223372036854775808","endTimeUnixNano":"9223372036854775807"}]}]}]})";
  const auto o = formats::testing::DecodeString(otlp);
  ASSERT_TRUE(o.status.ok()) << o.error();
  ASSERT_EQ(o.traces.size(), 1u);
  EXPECT_EQ(o.traces[0].spans[0].duration_us, INT64_MAX / 1000);
}

TEST(HostileInputTest, InvalidUtf8SkipsTheTraceWithAProblem) {
  const std::string bad = "\xff\xfe\xc0\x80";
  const auto d = formats::testing::DecodeString(
      Envelope({Trace(Span("1", R"(,"tags":[{"key":"k","type":"string","value":")" + bad + "\"}]")),
                Trace(Span("2"))}));
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 1u);
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_THAT(d.problems()[0], HasSubstr("UTF-8"));
}

TEST(HostileInputTest, MillionTagsOnOneSpanDecode) {
  std::string tags = R"(,"tags":[)";
  for (int i = 0; i < 1'000'000; ++i) {
    if (i) tags += ',';
    tags += R"({"key":"k","type":"int64","value":)" + std::to_string(i) + "}";
  }
  tags += "]";
  const auto d = formats::testing::DecodeString(Trace(Span("1", tags)));
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.traces[0].spans[0].attrs_count, 1'000'000u);
}

TEST(HostileInputTest, ProblemListIsBoundedButCountedInFull) {
  std::vector<std::string> traces;
  for (int i = 0; i < 5000; ++i) traces.push_back(R"({"traceID":"1","spans":7})");
  traces.push_back(Trace(Span("1")));
  const auto d = formats::testing::DecodeString(Envelope(traces));
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.stats.problems_total, 5000u);
  EXPECT_EQ(d.stats.problems.size(), kMaxKeptProblems);
  EXPECT_EQ(d.stats.quality.skipped_traces, 5000u);
}

TEST(HostileInputTest, HugeValuesQuotedInMessagesAreShortened) {
  const std::string id(1'000'000, 'z');
  const auto d =
      formats::testing::DecodeString(Trace(R"({"spanID":")" + id + R"(","duration":"x"})"));
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_LT(d.problems()[0].size(), 2000u);
  EXPECT_THAT(d.problems()[0], HasSubstr("…"));
}

TEST(HostileInputTest, OneValueLargerThanTheUnitLimitIsAnError) {
  ReadOptions options;
  options.max_unit_bytes = 1 << 20;
  std::string tags = R"(,"tags":[)";
  for (int i = 0; i < 100'000; ++i) tags += std::string(i ? "," : "") + R"({"key":"k","value":1})";
  tags += "]";
  const std::string big = Trace(Span("1", tags));
  ASSERT_GT(big.size(), options.max_unit_bytes);
  const auto d = formats::testing::DecodeString(Envelope({Trace(Span("2")), big}), options);
  ASSERT_FALSE(d.status.ok());
  EXPECT_THAT(d.error(), HasSubstr("is larger than 1048576 bytes"));
  EXPECT_EQ(d.traces.size(), 1u);  // the trace before it was still analysed

  // Many values each below the limit stream through the same limit.
  std::vector<std::string> small(2000,
                                 Trace(Span("1", tags.substr(0, tags.find(",{", 10'000)) + "]")));
  const auto many = formats::testing::DecodeString(Envelope(small), options);
  EXPECT_TRUE(many.status.ok()) << many.error();
}

// A compressed stream of `n` MiB of spaces, built from repeated members /
// frames so the test does not compress n MiB itself.
std::string GzipBomb(int mib) {
  const std::string block(1 << 20, ' ');
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string member(deflateBound(&z, block.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  z.avail_in = static_cast<uInt>(block.size());
  z.next_out = reinterpret_cast<Bytef*>(member.data());
  z.avail_out = static_cast<uInt>(member.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  member.resize(z.total_out);
  deflateEnd(&z);
  std::string out;
  for (int i = 0; i < mib; ++i) out += member;
  return out;
}

std::string ZstdBomb(int mib) {
  const std::string block(1 << 20, ' ');
  std::string frame(ZSTD_compressBound(block.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), block.data(), block.size(), 19));
  std::string out;
  for (int i = 0; i < mib; ++i) out += frame;
  return out;
}

TEST(HostileInputTest, ZstdBombIsRefusedWithTheDefaultLimits) {
  const std::string bomb = ZstdBomb(200);  // 200 MiB from a few KiB
  ASSERT_LT(bomb.size(), 100'000u);
  const auto d = formats::testing::DecodeString(bomb);
  ASSERT_FALSE(d.status.ok());
  EXPECT_THAT(d.error(), HasSubstr("decompression bomb"));
  EXPECT_THAT(d.error(), HasSubstr("zstd -dc FILE | trace-analyze analyze -"));
  EXPECT_LE(d.stats.bytes, uint64_t{70} << 20);  // stopped soon after the 64 MiB grace
}

TEST(HostileInputTest, GzipBombIsRefusedAtTheConfiguredRatio) {
  ReadOptions options;
  options.decompress.max_ratio = 100;
  options.decompress.min_output = 4 << 20;
  const auto d = formats::testing::DecodeString(GzipBomb(64), options);
  ASSERT_FALSE(d.status.ok());
  EXPECT_THAT(d.error(), HasSubstr("more than 100 times the compressed size"));
  EXPECT_LE(d.stats.bytes, uint64_t{8} << 20);

  // Without a limit the bomb is still streamed in bounded memory: it is just
  // whitespace, so the input is empty.
  options.decompress.max_ratio = 0;
  const auto all = formats::testing::DecodeString(GzipBomb(64), options);
  ASSERT_FALSE(all.status.ok());
  EXPECT_THAT(all.error(), HasSubstr("empty input"));
  EXPECT_EQ(all.stats.bytes, uint64_t{64} << 20);
}

TEST(HostileInputTest, RealisticCompressionIsNotMistakenForABomb) {
  std::vector<std::string> traces;
  for (int i = 0; i < 20'000; ++i) traces.push_back(Trace(Span(std::to_string(i + 1))));
  const std::string json = Envelope(traces);
  std::string z(ZSTD_compressBound(json.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), json.data(), json.size(), 9));
  ReadOptions options;
  options.decompress.min_output = 1 << 20;  // check the ratio on this small input too
  const auto d = formats::testing::DecodeString(z, options);
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 20'000u);
}

// Streams `total` bytes of generated traces through a pipe into ReadInputs
// (the path `trace-analyze analyze -` takes) and checks that peak memory does
// not grow with the input. The 2 GB end-to-end run is a script
// (docs/reliability.md).
TEST(HostileInputTest, LargeInputIsStreamedInBoundedMemory) {
  const uint64_t total = kSanitized ? uint64_t{64} << 20 : uint64_t{1} << 30;
  std::string block;
  uint64_t traces_per_block = 0;
  while (block.size() < (1 << 20)) {
    block += Trace(Span("1") + "," +
                   Span("2", R"(,"references":[{"refType":"CHILD_OF","spanID":"1"}])")) +
             ",";
    ++traces_per_block;
  }
  const uint64_t blocks = total / block.size();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    auto write_all = [&](std::string_view s) {
      while (!s.empty()) {
        const ssize_t n = ::write(fds[1], s.data(), s.size());
        if (n <= 0) return;
        s.remove_prefix(static_cast<size_t>(n));
      }
    };
    write_all(R"({"data":[)");
    for (uint64_t i = 0; i < blocks; ++i) write_all(block);
    write_all(Trace(Span("1")) + "]}");
    ::close(fds[1]);
  });
  const uint64_t rss_before = PeakRssBytes();
  uint64_t delivered = 0;
  ReadStats stats;
  const std::vector<std::string> inputs = {"/dev/fd/" + std::to_string(fds[0])};
  const Status status = ReadInputs(
      inputs, {},
      [&](analyzer::Trace&) {
        ++delivered;
        return OkStatus();
      },
      &stats);
  writer.join();
  ::close(fds[0]);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(delivered, blocks * traces_per_block + 1);
  EXPECT_GE(stats.bytes, blocks * block.size());
  if (!kSanitized) {
    // Batch buffers (a few 2 MiB ones), the parser and one trace: nowhere
    // near the 1 GiB that went through.
    EXPECT_LT(PeakRssBytes() - rss_before, uint64_t{64} << 20);
  }
}

}  // namespace
}  // namespace trace_analyze::input
