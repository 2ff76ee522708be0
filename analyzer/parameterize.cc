#include "analyzer/parameterize.h"

#include <fmt/format.h>

#include <array>

namespace trace_analyze::analyzer {
namespace {

// Character classes by table: this runs over every span name and attribute
// value, and the <cctype> functions are calls into the C locale.
enum : uint8_t { kDigit = 1, kHex = 2, kWord = 4 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kHex | kWord;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWord | (c <= 'f' ? kHex : 0);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWord | (c <= 'F' ? kHex : 0);
  t['_'] = kWord;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }

// Whether text[i, i + 36) is a UUID (8-4-4-4-12 hex digits) and ends a word.
bool IsUuidAt(std::string_view text, size_t i) {
  static constexpr size_t kDashes[] = {8, 13, 18, 23};
  if (text.size() - i < 36) return false;
  for (size_t k = 0; k < 36; ++k) {
    const bool dash = k == kDashes[0] || k == kDashes[1] || k == kDashes[2] || k == kDashes[3];
    if (dash ? text[i + k] != '-' : (ClassOf(text[i + k]) & kHex) == 0) return false;
  }
  return i + 36 == text.size() || (ClassOf(text[i + 36]) & kWord) == 0;
}

// The kinds of value a text can hold; everything else is other text.
enum class Value { kUuid, kHex, kNumber, kLiteral };

// Calls on_value(kind, begin, length) for each value of `text`, in order.
// Words (runs of word characters) are taken whole: only a word that is
// entirely digits (a number), or hex digits with a digit and at least 8 long
// (an id), or a UUID starting at a word, is a value, so "v2" and "utf8" are
// not; a quoted literal is one value. One pass, each character classified
// once by table.
template <class OnValue>
void ForEachValue(std::string_view text, OnValue&& on_value) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if ((ClassOf(c) & kWord) == 0) {
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
    // A word: the classes all its characters share (`all`) and any has.
    const size_t begin = i;
    uint8_t all = kDigit | kHex, any = 0;
    for (uint8_t k; i < n && ((k = ClassOf(text[i])) & kWord) != 0; ++i) {
      all &= k;
      any |= k;
    }
    const size_t length = i - begin;
    if ((all & kHex) != 0 && length == 8 && i < n && text[i] == '-' && IsUuidAt(text, begin)) {
      on_value(Value::kUuid, begin, 36);
      i = begin + 36;
    } else if ((all & kDigit) != 0) {
      on_value(Value::kNumber, begin, length);
    } else if ((all & kHex) != 0 && (any & kDigit) != 0 && length >= 8) {
      on_value(Value::kHex, begin, length);
    }
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
