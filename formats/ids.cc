#include "formats/ids.h"

#include <array>
#include <cstddef>

#include "analyzer/parameterize.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trace_analyze::formats {
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
#if defined(__SSE2__)
// The common case, 16 unpadded hex digits, in one SSE2 pass: writes them lower-cased to
// `out` and returns true, or returns false if one is not a hex digit.
bool WriteHex16(const char* in, char* out) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  // Digits (0x30-0x39) already have bit 5 set, so OR-ing 0x20 lower-cases
  // letters and leaves digits alone. Bytes >= 0x80 compare negative: rejected.
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
  if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF) return false;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lower);
  return true;
}
#endif

bool WritePaddedHex(std::string_view id, size_t width, std::string* out) {
  out->resize(width);
  char* p = out->data();
#if defined(__SSE2__)
  if (id.size() == width && width % 16 == 0) {
    for (size_t i = 0; i < width; i += 16) {
      if (!WriteHex16(id.data() + i, p + i)) return false;
    }
    return true;
  }
#endif
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

uint64_t TraceIdHash(std::string_view normalised_id) {
  return analyzer::StableHash64(normalised_id);
}

}  // namespace trace_analyze::formats
