// Turning concrete names into templates, and finding the values in them.
// "GET /users/42/orders/9f1c..." -> "GET /users/{n}/orders/{id}": what makes
// spans of the same call comparable across traces and loop iterations.
#ifndef TRACE_ANALYZE_ANALYZER_PARAMETERIZE_H_
#define TRACE_ANALYZE_ANALYZER_PARAMETERIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trace_analyze::analyzer {

// Replaces, outside of words: UUIDs with "{uuid}", hex runs of 8+ digits
// containing a digit with "{id}", decimal numbers with "{n}", and SQL/JSON
// string literals ('...' and "...") with "?"; "IN (?, ?, ?)" lists collapse to
// "IN (?)". Letters are never changed, so "v2" and "utf8" stay as they are.
std::string Parameterize(std::string_view text);
// Same, into `out` (cleared first): no allocation once `out` has capacity.
void ParameterizeInto(std::string_view text, std::string* out);

// Values that identify data, as they appear in `text`: UUIDs, hex runs of 8+
// digits, decimal numbers of 3+ digits, and quoted literals of 3+ characters.
// Appends them to `out` as views into `text` (a literal without its quotes).
// Used as evidence of value flow between spans.
void ExtractValueTokens(std::string_view text, std::vector<std::string_view>* out);

// Stable 64-bit FNV-1a hash of `text` as 16 lower-case hex digits: the same on
// every machine and release, so fingerprints can be stored in CI baselines.
std::string StableHash(std::string_view text);
// The same hash as a number, and a way to extend it piece by piece:
// StableHash64(b, StableHash64(a)) == StableHash64(a + b).
inline constexpr uint64_t kStableHashSeed = 14695981039346656037ull;
uint64_t StableHash64(std::string_view text, uint64_t seed = kStableHashSeed);
// splitmix64's finaliser: spreads FNV's weak high bits over the whole word,
// so that the smallest of many hashes are a uniform sample and sums of a few
// spread well.
inline uint64_t Mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_PARAMETERIZE_H_
