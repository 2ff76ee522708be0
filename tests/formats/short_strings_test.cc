#include "formats/short_strings.h"

#include <gtest/gtest.h>

#include <string>

namespace trace_analyze::formats {
namespace {

TEST(ShortStringsTest, ARepeatedShortStringIsStoredOnce) {
  analyzer::StringArena arena;
  ShortStrings strings;
  const std::string_view a = strings.Store(std::string("http.method"), &arena);
  const std::string_view b = strings.Store(std::string("http.method"), &arena);
  EXPECT_EQ(a, "http.method");
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(strings.Store("", &arena), "");
}

TEST(ShortStringsTest, LongStringsAndStringsAfterClearAreCopied) {
  analyzer::StringArena arena;
  ShortStrings strings;
  const std::string url(ShortStrings::kMaxBytes + 1, 'u');
  EXPECT_NE(strings.Store(url, &arena).data(), strings.Store(url, &arena).data());
  const std::string_view before = strings.Store("GET", &arena);
  strings.Clear();  // e.g. the arena was reset for the next trace
  const std::string_view after = strings.Store("GET", &arena);
  EXPECT_EQ(after, "GET");
  EXPECT_NE(before.data(), after.data());
}

TEST(ShortStringsTest, EveryStringComesBackAsItselfWhateverTheCollisions) {
  analyzer::StringArena arena;
  ShortStrings strings;
  // Far more distinct strings than slots, each stored twice in a row and
  // again later: slots are overwritten, never confused.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5000; ++i) {
      const std::string s = "k" + std::to_string(i * 7919 % 10007);
      EXPECT_EQ(strings.Store(s, &arena), s);
      EXPECT_EQ(strings.Store(s, &arena), s);
    }
  }
}

}  // namespace
}  // namespace trace_analyze::formats
