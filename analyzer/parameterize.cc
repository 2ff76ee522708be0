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
bool IsDigit(char c) { return (ClassOf(c) & kDigit) != 0; }
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

// A token of `text` starting at i, classified. Words are whole runs of word
// characters; only runs that are entirely digits or hex qualify as values.
struct Token {
  enum Kind { kOther, kUuid, kHex, kNumber, kLiteral } kind = kOther;
  size_t length = 1;
};

Token NextToken(std::string_view text, size_t i) {
  const char c = text[i];
  const bool word_start = i == 0 || !IsWordChar(text[i - 1]);
  if ((c == '\'' || c == '"')) {
    const size_t end = text.find(c, i + 1);
    if (end != std::string_view::npos) return {Token::kLiteral, end - i + 1};
    return {Token::kOther, 1};
  }
  if (!word_start || !IsWordChar(c)) return {Token::kOther, 1};
  if (size_t n = UuidLength(text, i); n > 0 && (i + n == text.size() || !IsWordChar(text[i + n]))) {
    return {Token::kUuid, n};
  }
  size_t end = i;
  bool all_digits = true, all_hex = true, has_digit = false;
  while (end < text.size() && IsWordChar(text[end])) {
    all_digits = all_digits && IsDigit(text[end]);
    all_hex = all_hex && IsHex(text[end]);
    has_digit = has_digit || IsDigit(text[end]);
    ++end;
  }
  const size_t n = end - i;
  if (all_digits) return {Token::kNumber, n};
  if (all_hex && has_digit && n >= 8) return {Token::kHex, n};
  return {Token::kOther, n};
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
  for (size_t i = 0; i < text.size();) {
    const Token t = NextToken(text, i);
    switch (t.kind) {
      case Token::kUuid:
        out += "{uuid}";
        break;
      case Token::kHex:
        out += "{id}";
        break;
      case Token::kNumber:
        out += "{n}";
        break;
      case Token::kLiteral:
        out += '?';
        break;
      case Token::kOther:
        out.append(text.substr(i, t.length));
        break;
    }
    i += t.length;
  }
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
  for (size_t i = 0; i < text.size();) {
    const Token t = NextToken(text, i);
    const bool keep = t.kind == Token::kUuid || t.kind == Token::kHex ||
                      (t.kind == Token::kNumber && t.length >= 3) ||
                      (t.kind == Token::kLiteral && t.length >= 5);
    if (keep) {
      std::string_view v = text.substr(i, t.length);
      if (t.kind == Token::kLiteral) v = v.substr(1, v.size() - 2);
      out->push_back(v);
    }
    i += t.length;
  }
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
