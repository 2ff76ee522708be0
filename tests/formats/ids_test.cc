#include "formats/ids.h"

#include <gtest/gtest.h>

namespace trace_analyze::formats {
namespace {

TEST(NormalizeTraceIdTest, PadsShortHexTo16Digits) {
  bool hex = false;
  EXPECT_EQ(NormalizeTraceId("abc", &hex), "0000000000000abc");
  EXPECT_TRUE(hex);
  EXPECT_EQ(NormalizeTraceId("1"), "0000000000000001");
}

TEST(NormalizeTraceIdTest, SixtyFourAndOneHundredTwentyEightBitFormsAreEqual) {
  EXPECT_EQ(NormalizeTraceId("0000000000000abc"), "0000000000000abc");
  EXPECT_EQ(NormalizeTraceId("00000000000000000000000000000abc"), "0000000000000abc");
  EXPECT_EQ(NormalizeTraceId("00000000000000000000000000000001"), "0000000000000001");
}

TEST(NormalizeTraceIdTest, KeepsThirtyTwoDigitsWhenTheHighHalfIsSet) {
  EXPECT_EQ(NormalizeTraceId("5B8EFFF798038103D269B633813FC60C"),
            "5b8efff798038103d269b633813fc60c");
  // 17 significant digits no longer fit in 64 bits.
  EXPECT_EQ(NormalizeTraceId("10000000000000000"), "00000000000000010000000000000000");
}

TEST(NormalizeTraceIdTest, LowerCasesUpperCaseHex) {
  EXPECT_EQ(NormalizeTraceId("00202D6C6C17BFE5"), "00202d6c6c17bfe5");
}

TEST(NormalizeTraceIdTest, KeepsNonHexVerbatimAndFlagsIt) {
  bool hex = true;
  EXPECT_EQ(NormalizeTraceId("trace-abc", &hex), "trace-abc");
  EXPECT_FALSE(hex);
  hex = true;
  EXPECT_EQ(NormalizeTraceId(std::string(33, 'a'), &hex), std::string(33, 'a'));
  EXPECT_FALSE(hex);
  hex = true;
  EXPECT_EQ(NormalizeTraceId("", &hex), "");
  EXPECT_FALSE(hex);
}

TEST(NormalizeSpanIdTest, PadsAndLowerCases) {
  bool hex = false;
  EXPECT_EQ(NormalizeSpanId("ABC", &hex), "0000000000000abc");
  EXPECT_TRUE(hex);
  EXPECT_EQ(NormalizeSpanId("eee19b7ec3c1b174"), "eee19b7ec3c1b174");
}

TEST(NormalizeSpanIdTest, KeepsNonHexAndTooLongVerbatim) {
  bool hex = true;
  EXPECT_EQ(NormalizeSpanId("span-a", &hex), "span-a");
  EXPECT_FALSE(hex);
  hex = true;
  EXPECT_EQ(NormalizeSpanId("00000000000000001", &hex), "00000000000000001");
  EXPECT_FALSE(hex);
}

TEST(NormalizeIdIntoTest, ReusesTheOutputAndReportsHexness) {
  std::string out = "previous contents that are longer";
  EXPECT_TRUE(NormalizeTraceIdInto("AB", &out));
  EXPECT_EQ(out, "00000000000000ab");
  EXPECT_FALSE(NormalizeSpanIdInto("x1", &out));
  EXPECT_EQ(out, "x1");
  EXPECT_TRUE(NormalizeSpanIdInto("1", &out));
  EXPECT_EQ(out, "0000000000000001");
}

// Full-width ids take a vectorised path: every byte value at every position
// of a 16- and a 32-digit id must be judged as the scalar rule does.
TEST(NormalizeIdIntoTest, FullWidthIdsJudgeEveryByteLikeTheScalarRule) {
  auto lower_hex = [](unsigned char c) -> int {
    if (c >= '0' && c <= '9') return c;
    if (c >= 'a' && c <= 'f') return c;
    if (c >= 'A' && c <= 'F') return c - 'A' + 'a';
    return -1;
  };
  for (const std::string& base :
       {std::string("0123456789abcdef"), std::string("fedcba98765432100123456789ABCDEF")}) {
    for (size_t pos = 0; pos < base.size(); ++pos) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string id = base;
        id[pos] = static_cast<char>(byte);
        std::string expected;
        for (const char c : id) expected += static_cast<char>(lower_hex(c));
        const bool valid = lower_hex(static_cast<unsigned char>(byte)) >= 0;
        std::string out;
        const bool hex =
            base.size() == 16 ? NormalizeSpanIdInto(id, &out) : NormalizeTraceIdInto(id, &out);
        ASSERT_EQ(hex, valid) << "byte " << byte << " at " << pos;
        ASSERT_EQ(out, valid ? expected : id) << "byte " << byte << " at " << pos;
      }
    }
  }
}

// The shard of `trace-analyze partition` is documented as FNV-1a 64 of the
// normalised id: the published test vectors pin it.
TEST(IdsTest, TraceIdHashIsFnv1a64) {
  EXPECT_EQ(TraceIdHash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(TraceIdHash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(TraceIdHash("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace trace_analyze::formats
