#include "jaeger_client/ids.h"

#include <array>
#include <cstddef>

namespace trace_analyze::jaeger {
namespace {

// kHexLower[c] is the lower-case hex digit for an ASCII hex digit c, else 0.
constexpr std::array<char, 256> MakeHexTable() {
  std::array<char, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
  return t;
}
constexpr std::array<char, 256> kHexLower = MakeHexTable();

// Writes `id` lower-cased and left-padded with zeros to `width` (>= size)
// characters, or returns false (leaving *out unspecified) if a character is
// not a hex digit. One pass: ids are normalised for every span.
bool WritePaddedHex(std::string_view id, size_t width, std::string* out) {
  out->resize(width);
  char* p = out->data();
  const size_t pad = width - id.size();
  for (size_t i = 0; i < pad; ++i) p[i] = '0';
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = kHexLower[static_cast<unsigned char>(id[i])];
    if (c == 0) return false;
    p[pad + i] = c;
  }
  return true;
}

}  // namespace

bool NormalizeTraceIdInto(std::string_view id, std::string* out) {
  if (!id.empty() && id.size() <= 32) {
    // Significant digits decide between the 64-bit (16) and 128-bit (32) form.
    size_t leading_zeros = 0;
    while (leading_zeros < id.size() && id[leading_zeros] == '0') ++leading_zeros;
    const std::string_view significant = id.substr(leading_zeros);
    if (WritePaddedHex(significant, significant.size() <= 16 ? 16 : 32, out)) return true;
  }
  out->assign(id);
  return false;
}

bool NormalizeSpanIdInto(std::string_view id, std::string* out) {
  if (!id.empty() && id.size() <= 16 && WritePaddedHex(id, 16, out)) return true;
  out->assign(id);
  return false;
}

std::string NormalizeTraceId(std::string_view id, bool* is_hex) {
  std::string out;
  const bool hex = NormalizeTraceIdInto(id, &out);
  if (is_hex != nullptr) *is_hex = hex;
  return out;
}

std::string NormalizeSpanId(std::string_view id, bool* is_hex) {
  std::string out;
  const bool hex = NormalizeSpanIdInto(id, &out);
  if (is_hex != nullptr) *is_hex = hex;
  return out;
}

}  // namespace trace_analyze::jaeger
