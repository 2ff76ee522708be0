// Broken inputs: whole-file errors (exact messages with byte offsets) and
// per-trace problems that skip one trace and keep reading.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/formats/decode_test_util.h"

namespace trace_analyze::input {
namespace {

using formats::testing::DecodeString;
using formats::testing::OffsetOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kGood1 =
    R"({"traceID":"1","spans":[{"spanID":"a1","startTime":1,"duration":2}]})";
constexpr std::string_view kGood3 =
    R"({"traceID":"3","spans":[{"spanID":"c1","startTime":1,"duration":2}]})";

std::string Data(std::string_view middle) {
  return R"({"data":[)" + std::string(kGood1) + "," + std::string(middle) + "," +
         std::string(kGood3) + "]}";
}

TEST(MalformedInputTest, TruncatedJsonIsAnErrorWithTheByteOffset) {
  const std::string json =
      R"({"data":[)" + std::string(kGood1) + R"(,{"traceID":"2","spans":[{"spanID":"b1")";
  const auto d = formats::testing::DecodeString(json);
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.error().code, ErrorCode::kInput);
  EXPECT_EQ(d.error(), "test.json: byte " + std::to_string(json.size()) +
                           ": unexpected end of input: the JSON value starting at byte " +
                           std::to_string(formats::testing::OffsetOf(json, R"({"traceID":"2")")) +
                           " is not closed (truncated file?)");
  // Traces before the damage were still delivered.
  EXPECT_EQ(d.traces.size(), 1u);
}

TEST(MalformedInputTest, EmptyInputs) {
  EXPECT_EQ(formats::testing::DecodeString("").error(), "test.json: empty input");
  EXPECT_EQ(formats::testing::DecodeString(" \r\n\t").error(), "test.json: empty input");
  EXPECT_EQ(formats::testing::DecodeString("\xEF\xBB\xBF\n").error(), "test.json: empty input");

  const std::string path = (std::filesystem::temp_directory_path() /
                            ("ta_malformed_empty_" + std::to_string(::getpid()) + ".json"))
                               .string();
  std::ofstream(path).close();
  // A file is a problem, not an error: the other inputs are still read.
  const auto d = formats::testing::ReadPaths({path});
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.stats.problems.size(), 1u);
  EXPECT_EQ(d.stats.problems[0].ToString(),
            path + ": byte 0: empty input; the rest of this input was skipped");
  std::filesystem::remove(path);
}

TEST(MalformedInputTest, ABrokenJsonLinesLineIsSkippedAndTheNextLinesRead) {
  const std::string truncated = R"({"traceID":"2","spans":[{"spanID":"b1")";
  const std::string otlp_garbage = R"({"resourceSpans":[{]})";
  const std::string jsonl =
      std::string(kGood1) + "\r\n" + truncated + "\r\n" + std::string(kGood3) + "\n" +
      otlp_garbage + "\n" +
      R"({"traceID":"5","spans":[{"spanID":"e1","startTime":1,"duration":2}]})" + "\n";
  const auto d = formats::testing::DecodeString(jsonl);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 3u);  // 1, 3 and 5
  ASSERT_EQ(d.stats.problems.size(), 2u);
  EXPECT_EQ(d.stats.problems[0].ToString(),
            "test.json: byte " + std::to_string(formats::testing::OffsetOf(jsonl, truncated)) +
                ": this line is not a complete JSON document (truncated or corrupt line?); "
                "skipped to the next line");
  EXPECT_EQ(d.stats.problems[1].offset, formats::testing::OffsetOf(jsonl, otlp_garbage));
  EXPECT_EQ(d.stats.quality.skipped_traces, 2u);

  // The last line truncated (a file cut short): the lines before it count.
  const std::string cut = std::string(kGood1) + "\n" + truncated;
  const auto c = formats::testing::DecodeString(cut);
  EXPECT_THAT(c.error(), HasSubstr("is not closed (truncated file?)"));
  EXPECT_EQ(c.traces.size(), 1u);

  ReadOptions strict;
  strict.strict = true;
  EXPECT_THAT(formats::testing::DecodeString(jsonl, strict).error(),
              HasSubstr("this line is not a complete JSON document"));
}

TEST(MalformedInputTest, ATruncatedFileKeepsItsTracesAndTheNextFileIsRead) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ta_malformed_trunc_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string truncated =
      R"({"data":[)" + std::string(kGood1) + R"(,{"traceID":"2","spans":[{"spanID":"b1")";
  std::ofstream(dir / "a.json") << truncated;
  std::ofstream(dir / "b.json") << Data(
      R"({"traceID":"4","spans":[{"spanID":"d1","startTime":1,"duration":2}]})");
  const auto d = formats::testing::ReadPaths({dir.string()});
  ASSERT_TRUE(d.status.ok()) << d.error();
  // Trace 1 from a.json; 1, 4 and 3 from b.json.
  ASSERT_EQ(d.stats.problems.size(), 1u);
  EXPECT_EQ(d.stats.problems[0].ToString(),
            (dir / "a.json").string() + ": byte " + std::to_string(truncated.size()) +
                ": unexpected end of input: the JSON value starting at byte " +
                std::to_string(formats::testing::OffsetOf(truncated, R"({"traceID":"2")")) +
                " is not closed (truncated file?); the rest of this input was skipped");
  EXPECT_EQ(d.traces.size(), 4u);

  // --strict: the first broken input stops the run.
  ReadOptions strict;
  strict.strict = true;
  const auto s = formats::testing::ReadPaths({dir.string()}, strict);
  EXPECT_THAT(s.error(), HasSubstr("a.json: byte " + std::to_string(truncated.size())));
  std::filesystem::remove_all(dir);
}

TEST(MalformedInputTest, BinaryGarbage) {
  const auto d = formats::testing::DecodeString(
      std::string_view("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), {}, "x.bin");
  EXPECT_EQ(d.error(), "x.bin: byte 0: expected '{' or '[' (a JSON trace document), got byte 0x89");
}

TEST(MalformedInputTest, UnknownDocumentShape) {
  EXPECT_EQ(formats::testing::DecodeString(R"(  {"description":"x","cases":[]})").error(),
            "test.json: byte 2: unrecognised JSON document: no key of a Jaeger ('data', 'spans'), "
            "OTLP ('resourceSpans', 'result') or Zipkin ('traceId', 'id') trace");
  EXPECT_THAT(formats::testing::DecodeString("{}").error(),
              StartsWith("test.json: byte 0: unrecognised JSON"));
}

TEST(MalformedInputTest, GarbageAfterADocumentOrBetweenElements) {
  EXPECT_EQ(formats::testing::DecodeString(R"({"data":[]} xyz)").error(),
            "test.json: byte 12: expected '{' or '[' to start the next JSON document, got 'x'");
  const std::string json = R"({"data":[)" + std::string(kGood1) + "}";
  EXPECT_EQ(formats::testing::DecodeString(json).error(),
            "test.json: byte " + std::to_string(json.size() - 1) +
                ": expected ',' or ']' after an array element, got '}'");
  EXPECT_EQ(formats::testing::DecodeString(R"([1,,2])").error(),
            "test.json: byte 3: expected a JSON value, got ','");
}

TEST(MalformedInputTest, WrongTypeInOneTraceOfThreeSkipsThatTrace) {
  const std::string json = Data(R"({"traceID":"2","spans":[{"spanID":"b1","duration":"12"}]})");
  const auto d = formats::testing::DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  ASSERT_EQ(d.traces.size(), 2u);
  EXPECT_EQ(d.traces[0].trace_id, "0000000000000001");
  EXPECT_EQ(d.traces[1].trace_id, "0000000000000003");
  EXPECT_EQ(d.stats.quality.skipped_traces, 1u);
  const std::string expected = "test.json: byte " +
                               std::to_string(formats::testing::OffsetOf(json, R"("12")")) +
                               ": trace 0000000000000002: span 0 (id 00000000000000b1): field "
                               "'duration': expected a number, got string";
  EXPECT_EQ(d.problems(), std::vector<std::string>{expected});
  const InputProblem& p = d.stats.problems.at(0);
  EXPECT_EQ(p.source, "test.json");
  EXPECT_EQ(p.trace_id, "0000000000000002");
  EXPECT_EQ(p.message,
            "span 0 (id 00000000000000b1): field 'duration': expected a number, got string");

  // Strict: the same problem is fatal; the trace before it was delivered.
  const auto strict = formats::testing::DecodeString(json, ReadOptions{.strict = true});
  ASSERT_FALSE(strict.status.ok());
  EXPECT_EQ(strict.status.error().code, ErrorCode::kInput);
  EXPECT_EQ(strict.error(), expected);
  EXPECT_EQ(strict.traces.size(), 1u);
}

TEST(MalformedInputTest, MissingSpanIdAndWrongContainerTypes) {
  const std::string json =
      Data(R"({"traceID":"2","spans":[{"spanID":"b0"},{"operationName":"x"}]})") + "\n" +
      Data(R"({"traceID":"4","spans":{}})") + "\n" +
      Data(R"({"traceID":"5","spans":[{"spanID":"e1","tags":[{"key":1}]}]})");
  const auto d = formats::testing::DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 6u);
  EXPECT_EQ(d.stats.quality.skipped_traces, 3u);
  EXPECT_EQ(d.problems(),
            (std::vector<std::string>{
                "test.json: byte " +
                    std::to_string(formats::testing::OffsetOf(json, R"({"operationName")")) +
                    ": trace 0000000000000002: span 1: field 'spanID': missing",
                "test.json: byte " + std::to_string(formats::testing::OffsetOf(json, R"({}})")) +
                    ": trace 0000000000000004: field 'spans': expected an array, got object",
                "test.json: byte " + std::to_string(formats::testing::OffsetOf(json, R"(1}]}]})")) +
                    ": trace 0000000000000005: span 0 (id 00000000000000e1): field 'tags': "
                    "element 0: field 'key': expected a string, got number"}));
}

TEST(MalformedInputTest, BadJsonInsideOneElementSkipsIt) {
  const std::string json = Data(R"({"traceID":"2","spans":[{"spanID":"b1","duration":12x}]})");
  const auto d = formats::testing::DecodeString(json);
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 2u);
  ASSERT_EQ(d.stats.problems.size(), 1u);
  EXPECT_THAT(d.stats.problems[0].message,
              StartsWith("span 0 (id 00000000000000b1): field 'duration': invalid JSON: "));
  EXPECT_EQ(d.stats.problems[0].trace_id, "0000000000000002");
}

TEST(MalformedInputTest, UnrecognisedArrayElementIsSkipped) {
  const auto d = formats::testing::DecodeString(R"([1,)" + std::string(kGood1) + "]");
  ASSERT_TRUE(d.status.ok()) << d.error();
  EXPECT_EQ(d.traces.size(), 1u);
  EXPECT_EQ(d.problems(),
            std::vector<std::string>{"test.json: byte 1: unrecognised element: expected a trace "
                                     "object, got a number"});
}

TEST(MalformedInputTest, DeepNestingNeverOverflowsTheStack) {
  const std::string open(100000, '[');
  EXPECT_EQ(formats::testing::DecodeString(open).error(),
            "test.json: byte 100000: unexpected end of input: the JSON value starting at byte 1 "
            "is not closed (truncated file?)");

  // Balanced: one element of no known shape, skipped.
  const auto balanced = formats::testing::DecodeString(open + std::string(100000, ']'));
  ASSERT_TRUE(balanced.status.ok()) << balanced.error();
  EXPECT_EQ(balanced.stats.quality.skipped_traces, 1u);
  EXPECT_EQ(balanced.problems(),
            std::vector<std::string>{"test.json: byte 2: span 0: expected an object, got array"});

  // Deep inside one trace of an envelope: that trace is skipped.
  const auto inside = formats::testing::DecodeString(
      Data(R"({"traceID":"2","spans":[)" + std::string(5000, '[') + std::string(5000, ']') + "]}"));
  ASSERT_TRUE(inside.status.ok()) << inside.error();
  EXPECT_EQ(inside.traces.size(), 2u);
  EXPECT_EQ(inside.stats.quality.skipped_traces, 1u);
}

TEST(MalformedInputTest, CorruptAndTruncatedCompressedData) {
  const std::string json = Data(R"({"traceID":"2","spans":[{"spanID":"b1"}]})");
  std::string gz(compressBound(json.size()) + 64, '\0');
  {
    z_stream z{};
    ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(json.data()));
    z.avail_in = static_cast<uInt>(json.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    gz.resize(z.total_out);
    deflateEnd(&z);
  }
  std::string corrupt = gz;
  corrupt[10] = 0x07;  // the first deflate block: final, of the reserved type 3
  EXPECT_EQ(formats::testing::DecodeString(corrupt, {}, "c.gz").error(),
            "c.gz: byte 11 of the gzip stream: corrupt gzip data (invalid block type)");
  EXPECT_THAT(formats::testing::DecodeString(gz.substr(0, gz.size() / 2), {}, "t.gz").error(),
              ::testing::MatchesRegex("t\\.gz: byte [0-9]+ of the gzip stream: unexpected end of "
                                      "compressed data \\(truncated gzip file\\?\\)"));

  std::string zst(ZSTD_compressBound(json.size()), '\0');
  zst.resize(ZSTD_compress(zst.data(), zst.size(), json.data(), json.size(), 3));
  EXPECT_THAT(formats::testing::DecodeString(zst.substr(0, zst.size() - 5), {}, "t.zst").error(),
              ::testing::MatchesRegex("t\\.zst: byte [0-9]+ of the zstd stream: unexpected end of "
                                      "compressed data \\(truncated zstd file\\?\\)"));
}

}  // namespace
}  // namespace trace_analyze::input
