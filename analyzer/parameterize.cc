#include "analyzer/parameterize.h"

#include <fmt/format.h>

#include <array>

namespace trace_analyze::analyzer {
namespace {

// Character classes by table: this runs over every span name and attribute
// value, and the <cctype> functions are calls into the C locale.
enum : uint8_t { kDigit = 1, kHexLetter = 2, kWord = 4 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kWord;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWord | (c <= 'f' ? kHexLetter : 0);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWord | (c <= 'F' ? kHexLetter : 0);
  t['_'] = kWord;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }
bool IsHex(char c) { return (ClassOf(c) & (kDigit | kHexLetter)) != 0; }
bool IsWordChar(char c) { return (ClassOf(c) & kWord) != 0; }

// Length of a UUID (8-4-4-4-12 hex) at text[i], or 0.
size_t UuidLength(std::string_view text, size_t i) {
  static constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  size_t p = i;
  for (size_t g = 0; g < 5; ++g) {
    for (size_t k = 0; k < kGroups[g]; ++k, ++p) {
      if (p >= text.size() || !IsHex(text[p])) return 0;
    }
    if (g < 4) {
      if (p >= text.size() || text[p] != '-') return 0;
      ++p;
    }
  }
  return p - i;
}

// The kinds of value a text can hold; everything else is other text.
enum class Value { kUuid, kHex, kNumber, kLiteral };

// Calls on_value(kind, begin, length) for each value of `text`, in order.
// Words (runs of word characters) are taken whole: only a word that is
// entirely digits or hex, or a UUID, is a value, so "v2" and "utf8" are not.
// One pass; a word that starts with a letter other than a-f skips at once.
template <class OnValue>
void ForEachValue(std::string_view text, OnValue&& on_value) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    const uint8_t cls = ClassOf(c);
    if ((cls & kWord) == 0) {
      if (c == '\'' || c == '"') {
        const size_t end = text.find(c, i + 1);
        if (end != std::string_view::npos) {
          on_value(Value::kLiteral, i, end - i + 1);
          i = end + 1;
          continue;
        }
      }
      ++i;
      continue;
    }
    if ((cls & (kDigit | kHexLetter)) == 0) {  // neither a number nor hex
      while (i < n && IsWordChar(text[i])) ++i;
      continue;
    }
    if (size_t u = UuidLength(text, i); u > 0 && (i + u == n || !IsWordChar(text[i + u]))) {
      on_value(Value::kUuid, i, u);
      i += u;
      continue;
    }
    size_t end = i;
    bool all_digits = true, all_hex = true, has_digit = false;
    for (; end < n; ++end) {
      const uint8_t k = ClassOf(text[end]);
      if ((k & kWord) == 0) break;
      all_digits = all_digits && (k & kDigit) != 0;
      all_hex = all_hex && (k & (kDigit | kHexLetter)) != 0;
      has_digit = has_digit || (k & kDigit) != 0;
    }
    const size_t length = end - i;
    if (all_digits) {
      on_value(Value::kNumber, i, length);
    } else if (all_hex && has_digit && length >= 8) {
      on_value(Value::kHex, i, length);
    }
    i = end;
  }
}

}  // namespace

std::string Parameterize(std::string_view text) {
  std::string out;
  ParameterizeInto(text, &out);
  return out;
}

void ParameterizeInto(std::string_view text, std::string* out_ptr) {
  std::string& out = *out_ptr;
  out.clear();
  size_t copied = 0;  // text before this is in `out`
  ForEachValue(text, [&](Value kind, size_t begin, size_t length) {
    out.append(text.data() + copied, begin - copied);
    switch (kind) {
      case Value::kUuid:
        out += "{uuid}";
        break;
      case Value::kHex:
        out += "{id}";
        break;
      case Value::kNumber:
        out += "{n}";
        break;
      case Value::kLiteral:
        out += '?';
        break;
    }
    copied = begin + length;
  });
  out.append(text.data() + copied, text.size() - copied);
  // Collapse "(?, ?, ?)" and "({n}, {n})" lists to one element.
  if (out.find('(') == std::string::npos) return;
  for (const char* item : {"?", "{n}"}) {
    const std::string one = std::string("(") + item;
    const std::string more = std::string(", ") + item;
    for (size_t pos = out.find(one); pos != std::string::npos; pos = out.find(one, pos + 1)) {
      const size_t after = pos + one.size();
      size_t end = after;
      while (out.compare(end, more.size(), more) == 0) end += more.size();
      if (end > after) out.erase(after, end - after);
    }
  }
}

void ExtractValueTokens(std::string_view text, std::vector<std::string_view>* out) {
  ForEachValue(text, [&](Value kind, size_t begin, size_t length) {
    switch (kind) {
      case Value::kUuid:
      case Value::kHex:
        out->push_back(text.substr(begin, length));
        break;
      case Value::kNumber:
        if (length >= 3) out->push_back(text.substr(begin, length));
        break;
      case Value::kLiteral:  // without its quotes
        if (length >= 5) out->push_back(text.substr(begin + 1, length - 2));
        break;
    }
  });
}

uint64_t StableHash64(std::string_view text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string StableHash(std::string_view text) { return fmt::format("{:016x}", StableHash64(text)); }

}  // namespace trace_analyze::analyzer
