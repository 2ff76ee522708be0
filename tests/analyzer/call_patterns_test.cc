// The grouping helpers of the call-pattern detectors (analyzer/call_patterns.h).
#include "analyzer/call_patterns.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace trace_analyze::analyzer::internal {
namespace {

// Keys 0..n-1, key k given (k % 5) entries: keys with fewer than `min` entries
// must go, whatever the number of entries (hash counting below
// kMaxCountedKeys, sorting above it).
KeyedSpans Entries(size_t keys) {
  KeyedSpans out;
  for (uint64_t k = 0; k < keys; ++k) {
    for (uint64_t copy = 0; copy < k % 5; ++copy) {
      out.emplace_back(k * 0x9e3779b97f4a7c15ull, static_cast<SpanIndex>(out.size()));
    }
  }
  // Interleaved, as spans of one text are across a trace.
  std::reverse(out.begin(), out.end());
  std::stable_partition(out.begin(), out.end(), [](const auto& e) { return e.second % 2 == 0; });
  return out;
}

KeyedSpans Expected(KeyedSpans entries, size_t min) {
  std::sort(entries.begin(), entries.end());
  KeyedSpans out;
  ForEachGroup(entries, min, [&](size_t begin, size_t end) {
    out.insert(out.end(), entries.begin() + static_cast<ptrdiff_t>(begin),
               entries.begin() + static_cast<ptrdiff_t>(end));
  });
  return out;
}

TEST(KeepGroupsOfAtLeastTest, KeepsExactlyTheGroupsOfAtLeastMinEntries) {
  for (const size_t keys : {size_t{0}, size_t{7}, size_t{1000}, kMaxCountedKeys / 2 + 17}) {
    for (const size_t min : {size_t{1}, size_t{2}, size_t{4}, size_t{5}}) {
      const KeyedSpans entries = Entries(keys);
      ASSERT_EQ(entries.size() > kMaxCountedKeys, keys > kMaxCountedKeys / 2);
      KeyedSpans kept = entries;
      KeepGroupsOfAtLeast(kept, min);
      std::sort(kept.begin(), kept.end());
      EXPECT_EQ(kept, Expected(entries, min)) << keys << " keys, min " << min;
    }
  }
}

TEST(KeepGroupsOfAtLeastTest, MinOneKeepsEverythingInOrder) {
  const KeyedSpans entries = Entries(100);
  KeyedSpans kept = entries;
  KeepGroupsOfAtLeast(kept, 1);
  EXPECT_EQ(kept, entries);
}

}  // namespace
}  // namespace trace_analyze::analyzer::internal
