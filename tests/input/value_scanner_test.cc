#include "input/internal/value_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "input/sniff.h"

namespace trace_analyze::input {
namespace {

using input::internal::ValueScanner;
constexpr size_t kNotFound = ValueScanner::kNotFound;

// The kernels this CPU runs, narrowest first.
std::vector<ValueScanner::Kernel> AvailableKernels() {
  std::vector<ValueScanner::Kernel> kernels;
  for (const auto kernel : {ValueScanner::Kernel::kBaseline, ValueScanner::Kernel::kAvx2,
                            ValueScanner::Kernel::kAvx512}) {
    if (ValueScanner().UseKernel(kernel)) kernels.push_back(kernel);
  }
  return kernels;
}

TEST(FindValueEndTest, FindsTheEndOfContainersStringsAndScalars) {
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":[1,2]},{"b":2})"), 11u);
  EXPECT_EQ(input::internal::FindValueEnd(R"([[],{}] tail)"), 7u);
  EXPECT_EQ(input::internal::FindValueEnd(R"("abc",1)"), 5u);
  EXPECT_EQ(input::internal::FindValueEnd("123,"), 3u);
  EXPECT_EQ(input::internal::FindValueEnd("true"), 4u);  // a scalar may run to the end
}

TEST(FindValueEndTest, IgnoresBracketsAndEscapedQuotesInsideStrings) {
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":"}]\"{["},1)"), 14u);
  // An escaped backslash does not escape the closing quote.
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":"\\"},2)"), 10u);
  EXPECT_EQ(input::internal::FindValueEnd(R"(["\\\"]"])"), 9u);
}

TEST(FindValueEndTest, ReportsUnclosedValues) {
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":[1,2])"), kNotFound);
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":"}")"), kNotFound);
  // Only the depth is tracked: a mismatched bracket still closes the value
  // (simdjson rejects such slices later).
  EXPECT_EQ(input::internal::FindValueEnd(R"({"a":"}"])"), 9u);
  EXPECT_EQ(input::internal::FindValueEnd(R"("abc)"), kNotFound);
}

TEST(FindValueEndTest, HandlesDeepNestingWithoutRecursion) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(input::internal::FindValueEnd(deep), deep.size());
  EXPECT_EQ(input::internal::FindValueEnd(std::string(100000, '[')), kNotFound);
}

// Feeding a value in pieces must give the same end as scanning it whole,
// whatever the piece size: strings, escapes and 64-byte blocks straddle the
// boundaries.
// Scans `input` in pieces of `piece` bytes; the end of the value or kNotFound.
size_t ScanInPieces(std::string_view input, size_t piece, ValueScanner::Kernel kernel) {
  ValueScanner scanner;
  EXPECT_TRUE(scanner.UseKernel(kernel));
  scanner.Start(input[0]);
  for (size_t from = 0; from < input.size(); from += piece) {
    const size_t n = std::min(piece, input.size() - from);
    const size_t got = scanner.Scan(input.data() + from, n);
    if (got != kNotFound) return from + got;
  }
  return kNotFound;
}

TEST(ValueScannerTest, ChunkedScanningMatchesWholeScanning) {
  std::string json = "{";
  for (int i = 0; i < 40; ++i) {
    json += R"("k)" + std::to_string(i) + R"(":["a\\\"]}{","\\",{"x":"\"\\\\"}],)";
  }
  json += R"("end":"}"})";
  const std::string input = json + ",[1]";
  const size_t whole = input::internal::FindValueEnd(input);
  ASSERT_EQ(whole, json.size());
  for (size_t piece = 1; piece <= 130; ++piece) {
    for (const ValueScanner::Kernel kernel : AvailableKernels()) {
      EXPECT_EQ(ScanInPieces(input, piece, kernel), whole)
          << "piece size " << piece << " kernel " << static_cast<int>(kernel);
    }
  }
}

// The wide kernels (AVX2, AVX-512: each tested where the CPU has it) must
// agree with the baseline on every input: random mixes of quotes,
// backslashes and brackets, scanned in random pieces, so that escapes,
// strings and depth cross block edges.
TEST(ValueScannerTest, WideKernelsAgreeWithTheBaseline) {
  const std::vector<ValueScanner::Kernel> kernels = AvailableKernels();
  if (kernels.size() == 1) GTEST_SKIP() << "neither AVX2 nor AVX-512 on this CPU";
  std::mt19937 rng(20261123);
  const std::string alphabet = R"(""\[]{}{}ab ,:)";
  size_t found = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string input = round % 2 == 0 ? "{" : "[";
    const size_t size = 1 + rng() % 400;
    for (size_t i = 0; i < size; ++i) input += alphabet[rng() % alphabet.size()];
    const size_t piece = 1 + rng() % 150;
    const size_t baseline = ScanInPieces(input, piece, ValueScanner::Kernel::kBaseline);
    for (size_t k = 1; k < kernels.size(); ++k) {
      ASSERT_EQ(ScanInPieces(input, piece, kernels[k]), baseline)
          << "input " << input << " piece " << piece << " kernel " << static_cast<int>(kernels[k]);
    }
    found += baseline != kNotFound;
  }
  EXPECT_GT(found, 300u);  // both outcomes are exercised
  EXPECT_LT(found, 2700u);
}

TEST(ValueScannerTest, TheDefaultIsTheWidestKernelTheCpuHas) {
  EXPECT_EQ(ValueScanner::BestKernel(), AvailableKernels().back());
  EXPECT_TRUE(ValueScanner().UseKernel(ValueScanner::Kernel::kBaseline));
}

TEST(ClassifyValueTest, RecognisesEachShapeByItsKeys) {
  EXPECT_EQ(ClassifyValue(R"({"traceID":"1","spans":[]})"),
            UnitType::Format(formats::kJaegerTraceFormat));
  EXPECT_EQ(ClassifyValue(R"({"traceID":"1","spanID":"2"})"),
            UnitType::Format(formats::kJaegerSpanFormat));
  EXPECT_EQ(ClassifyValue(R"({"total":0,"data":[]})"),
            UnitType::Structure(UnitKind::kJaegerEnvelope));
  EXPECT_EQ(ClassifyValue(R"({"errors":null})"), UnitType::Structure(UnitKind::kJaegerEnvelope));
  EXPECT_EQ(ClassifyValue(R"({"resourceSpans":[]})"), UnitType::Format(formats::kOtlpFormat));
  EXPECT_EQ(ClassifyValue(R"({"result":{}})"), UnitType::Format(formats::kOtlpFormat));
  EXPECT_EQ(ClassifyValue(R"({"duration":1,"traceId":"a","id":"b"})"),
            UnitType::Format(formats::kZipkinSpanFormat));
  EXPECT_EQ(ClassifyValue(R"([{"traceId":"a"}])"),
            UnitType::Format(formats::kZipkinSpanListFormat));
  EXPECT_EQ(ClassifyValue(R"({"foo":{"spans":[]}})"), UnitType{});
  EXPECT_EQ(ClassifyValue("42"), UnitType{});
}

TEST(SniffCompressionTest, UsesMagicNumbers) {
  EXPECT_EQ(SniffCompression(std::string_view("\x1f\x8b\x08\x00", 4)), Compression::kGzip);
  EXPECT_EQ(SniffCompression(std::string_view("\x28\xb5\x2f\xfd", 4)), Compression::kZstd);
  EXPECT_EQ(SniffCompression("{\"da"), Compression::kNone);
  EXPECT_EQ(SniffCompression(""), Compression::kNone);
}

}  // namespace
}  // namespace trace_analyze::input
