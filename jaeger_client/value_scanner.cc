#include "jaeger_client/value_scanner.h"

#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trace_analyze::jaeger {
namespace {

constexpr size_t kBlock = 64;

// Bit i of each mask describes byte i of a 64-byte block.
struct BlockMasks {
  uint64_t quote = 0;      // '"'
  uint64_t backslash = 0;  // '\\'
  uint64_t open = 0;       // '[' or '{'
  uint64_t close = 0;      // ']' or '}'
};

#if defined(__SSE2__)
BlockMasks ComputeMasks(const char* p) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  // '[' | 0x20 == '{' and ']' | 0x20 == '}': one compare finds both brackets.
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  BlockMasks m;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i folded = _mm_or_si128(v, case_bit);
    const int shift = 16 * k;
    m.quote |=
        static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))))
        << shift;
    m.backslash |= static_cast<uint64_t>(
                       static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash))))
                   << shift;
    m.open |= static_cast<uint64_t>(
                  static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open))))
              << shift;
    m.close |= static_cast<uint64_t>(
                   static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close))))
               << shift;
  }
  return m;
}
#else
BlockMasks ComputeMasks(const char* p) {
  BlockMasks m;
  for (size_t i = 0; i < kBlock; ++i) {
    const uint64_t bit = uint64_t{1} << i;
    switch (p[i]) {
      case '"':
        m.quote |= bit;
        break;
      case '\\':
        m.backslash |= bit;
        break;
      case '[':
      case '{':
        m.open |= bit;
        break;
      case ']':
      case '}':
        m.close |= bit;
        break;
      default:
        break;
    }
  }
  return m;
}
#endif

// Bit i set when byte i is preceded by an odd run of backslashes. `carry`
// says the block's first byte is escaped and receives the same for the next
// block; `len` is the number of valid bytes. Backslashes are rare in trace
// JSON, so a loop over them beats the branch-free carry arithmetic.
uint64_t EscapedBytes(uint64_t backslash, bool* carry, size_t len) {
  uint64_t escaped = 0;
  if (*carry) {
    escaped = 1;
    backslash &= ~uint64_t{1};  // an escaped backslash escapes nothing
    *carry = false;
  }
  while (backslash != 0) {
    const int b = std::countr_zero(backslash);
    if (static_cast<size_t>(b) + 1 == len) {
      *carry = true;
      break;
    }
    escaped |= uint64_t{1} << (b + 1);
    backslash &= ~(uint64_t{3} << b);
  }
  return escaped;
}

// Baseline x86-64 has no POPCNT instruction, so std::popcount becomes a
// libgcc call; this branch-free version is several times faster than that.
int PopCount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

// Bit i = XOR of bits 0..i: with quote bits in, marks the bytes inside strings
// (opening quote included, closing quote excluded).
uint64_t PrefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

}  // namespace

void ValueScanner::Start(char first) {
  started_ = false;
  depth_ = 0;
  in_string_ = 0;
  escape_pending_ = false;
  if (first == '{' || first == '[') {
    mode_ = Mode::kContainer;
  } else if (first == '"') {
    mode_ = Mode::kString;
  } else {
    mode_ = Mode::kScalar;
  }
}

size_t ValueScanner::Scan(const char* data, size_t n) {
  switch (mode_) {
    case Mode::kContainer:
      return ScanContainer(data, n);
    case Mode::kString:
      return ScanString(data, n);
    case Mode::kScalar:
      return ScanScalar(data, n);
  }
  return kNotFound;
}

size_t ValueScanner::ScanContainer(const char* data, size_t n) {
  char tail[kBlock];
  for (size_t i = 0; i < n; i += kBlock) {
    const size_t len = n - i < kBlock ? n - i : kBlock;
    const char* block = data + i;
    if (len < kBlock) {
      // Never read past the caller's bytes: pad a copy with spaces, which
      // set no mask bits.
      std::memcpy(tail, block, len);
      std::memset(tail + len, ' ', kBlock - len);
      block = tail;
    }
    const BlockMasks m = ComputeMasks(block);
    uint64_t quotes = m.quote;
    if (m.backslash != 0 || escape_pending_) {
      quotes &= ~EscapedBytes(m.backslash, &escape_pending_, len);
    }
    const uint64_t inside = PrefixXor(quotes) ^ in_string_;
    const uint64_t open = m.open & ~inside;
    const uint64_t close = m.close & ~inside;
    in_string_ = (inside >> (len - 1)) & 1 ? ~uint64_t{0} : 0;
    const int closes = PopCount(close);
    if (closes < depth_) {
      // The depth cannot drop to zero inside this block.
      depth_ += PopCount(open) - closes;
      continue;
    }
    for (uint64_t brackets = open | close; brackets != 0; brackets &= brackets - 1) {
      const int b = std::countr_zero(brackets);
      if ((open >> b) & 1) {
        ++depth_;
      } else if (--depth_ == 0) {
        return i + static_cast<size_t>(b) + 1;
      }
    }
  }
  return kNotFound;
}

size_t ValueScanner::ScanString(const char* data, size_t n) {
  size_t i = 0;
  if (!started_) {
    started_ = true;
    i = 1;  // the opening quote
  }
  for (; i < n; ++i) {
    if (escape_pending_) {
      escape_pending_ = false;
    } else if (data[i] == '\\') {
      escape_pending_ = true;
    } else if (data[i] == '"') {
      return i + 1;
    }
  }
  return kNotFound;
}

size_t ValueScanner::ScanScalar(const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    switch (data[i]) {
      case ',':
      case ']':
      case '}':
      case '[':
      case '{':
      case '"':
      case ':':
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        return i;
      default:
        break;
    }
  }
  return kNotFound;
}

size_t FindValueEnd(std::string_view json) {
  if (json.empty()) return ValueScanner::kNotFound;
  ValueScanner scanner;
  scanner.Start(json.front());
  const size_t end = scanner.Scan(json.data(), json.size());
  if (end == ValueScanner::kNotFound && scanner.IsScalar()) return json.size();
  return end;
}

}  // namespace trace_analyze::jaeger
