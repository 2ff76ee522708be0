#include "analyzer/bytes_equal.h"

#include <gtest/gtest.h>

#include <string>

namespace trace_analyze::analyzer {
namespace {

// Every length the word and half-word paths split at, a difference at every
// position: BytesEqual must agree with operator==.
TEST(BytesEqualTest, AgreesWithStringEqualityAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    const std::string same = a;
    EXPECT_TRUE(BytesEqual(a, same)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string other = a;
      other[i] = '#';
      EXPECT_FALSE(BytesEqual(a, other)) << "length " << n << " position " << i;
      EXPECT_FALSE(BytesEqual(other, a)) << "length " << n << " position " << i;
    }
    EXPECT_FALSE(BytesEqual(a, a + "y")) << n;
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
