#include "input/internal/value_scanner.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace trace_analyze::input::internal {
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
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + ptrdiff_t{16} * k));
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

// The container scan, over 64-byte blocks, parameterised by the kernel that
// classifies a block, so that one loop serves the baseline and the wide
// (AVX2, AVX-512) builds of it. `state` is the scanner's (depth, in_string,
// escape_pending).
template <typename Kernel>
[[gnu::always_inline]] inline size_t ScanBlocks(const char* data, size_t n, int64_t* depth,
                                                uint64_t* in_string, bool* escape_pending) {
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
    const BlockMasks m = Kernel::ComputeMasks(block);
    uint64_t quotes = m.quote;
    if (m.backslash != 0 || *escape_pending) {
      quotes &= ~EscapedBytes(m.backslash, escape_pending, len);
    }
    const uint64_t inside = Kernel::PrefixXor(quotes) ^ *in_string;
    const uint64_t open = m.open & ~inside;
    const uint64_t close = m.close & ~inside;
    *in_string = (inside >> (len - 1)) & 1 ? ~uint64_t{0} : 0;
    const int closes = Kernel::PopCount(close);
    if (closes < *depth) {
      // The depth cannot drop to zero inside this block.
      *depth += Kernel::PopCount(open) - closes;
      continue;
    }
    for (uint64_t brackets = open | close; brackets != 0; brackets &= brackets - 1) {
      const int b = std::countr_zero(brackets);
      if ((open >> b) & 1) {
        ++*depth;
      } else if (--*depth == 0) {
        return i + static_cast<size_t>(b) + 1;
      }
    }
  }
  return ValueScanner::kNotFound;
}

struct BaselineKernel {
  static BlockMasks ComputeMasks(const char* p) { return internal::ComputeMasks(p); }
  static uint64_t PrefixXor(uint64_t x) { return internal::PrefixXor(x); }
  static int PopCount(uint64_t x) { return internal::PopCount(x); }
};

size_t ScanBaseline(const char* data, size_t n, int64_t* depth, uint64_t* in_string,
                    bool* escape_pending) {
  return ScanBlocks<BaselineKernel>(data, n, depth, in_string, escape_pending);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define TA_CARRYLESS_TARGET __attribute__((target("pclmul,popcnt")))
#define TA_AVX512_TARGET __attribute__((target("avx512f,avx512bw,pclmul,popcnt")))
#define TA_AVX2_TARGET __attribute__((target("avx2,pclmul,popcnt")))

// What the wide kernels share: the prefix XOR as a carry-less
// multiplication by all-ones, and a hardware popcount. (A function may
// inline these: its target includes theirs.)
struct CarrylessOps {
  TA_CARRYLESS_TARGET static uint64_t PrefixXor(uint64_t x) {
    const __m128i product =
        _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<int64_t>(x)), _mm_set1_epi8(-1), 0);
    return static_cast<uint64_t>(_mm_cvtsi128_si64(product));
  }
  TA_CARRYLESS_TARGET static int PopCount(uint64_t x) {
    return static_cast<int>(_mm_popcnt_u64(x));
  }
};

// One 64-byte load and four compares into masks.
struct Avx512Kernel : CarrylessOps {
  TA_AVX512_TARGET static BlockMasks ComputeMasks(const char* p) {
    const __m512i v = _mm512_loadu_si512(p);
    const __m512i folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    BlockMasks m;
    m.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
    m.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    m.open = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('{'));
    m.close = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('}'));
    return m;
  }
};

// flatten: the kernel's functions inline here, where AVX-512 is allowed.
// (A standard attribute goes first: clang applies one after the GNU
// attribute to the return type and rejects it.)
[[gnu::flatten]] TA_AVX512_TARGET size_t ScanAvx512(const char* data, size_t n, int64_t* depth,
                                                    uint64_t* in_string, bool* escape_pending) {
  return ScanBlocks<Avx512Kernel>(data, n, depth, in_string, escape_pending);
}

// Two 32-byte loads per block (AMD EPYC and older Intel have AVX2 without
// AVX-512).
struct Avx2Kernel : CarrylessOps {
  TA_AVX2_TARGET static uint64_t Mask(__m256i low, __m256i high, __m256i c) {
    const auto lo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, c)));
    const auto hi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, c)));
    return uint64_t{lo} | (uint64_t{hi} << 32);
  }
  TA_AVX2_TARGET static BlockMasks ComputeMasks(const char* p) {
    const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const __m256i case_bit = _mm256_set1_epi8(0x20);
    const __m256i low_folded = _mm256_or_si256(low, case_bit);
    const __m256i high_folded = _mm256_or_si256(high, case_bit);
    BlockMasks m;
    m.quote = Mask(low, high, _mm256_set1_epi8('"'));
    m.backslash = Mask(low, high, _mm256_set1_epi8('\\'));
    m.open = Mask(low_folded, high_folded, _mm256_set1_epi8('{'));
    m.close = Mask(low_folded, high_folded, _mm256_set1_epi8('}'));
    return m;
  }
};

[[gnu::flatten]] TA_AVX2_TARGET size_t ScanAvx2(const char* data, size_t n, int64_t* depth,
                                                uint64_t* in_string, bool* escape_pending) {
  return ScanBlocks<Avx2Kernel>(data, n, depth, in_string, escape_pending);
}

bool CpuHas(ValueScanner::Kernel kernel) {
  __builtin_cpu_init();
  const bool carryless = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
  switch (kernel) {
    case ValueScanner::Kernel::kBaseline:
      return true;
    case ValueScanner::Kernel::kAvx2:
      return carryless && __builtin_cpu_supports("avx2");
    case ValueScanner::Kernel::kAvx512:
      return carryless && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  }
  return false;
}
#endif

// Whether this CPU runs `kernel` (probed once).
bool Runs(ValueScanner::Kernel kernel) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const std::array<bool, 3> kRuns = {true, CpuHas(ValueScanner::Kernel::kAvx2),
                                            CpuHas(ValueScanner::Kernel::kAvx512)};
  return kRuns[static_cast<size_t>(kernel)];
#else
  return kernel == ValueScanner::Kernel::kBaseline;
#endif
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

ValueScanner::Kernel ValueScanner::BestKernel() {
  static const Kernel kBest = Runs(Kernel::kAvx512) ? Kernel::kAvx512
                              : Runs(Kernel::kAvx2) ? Kernel::kAvx2
                                                    : Kernel::kBaseline;
  return kBest;
}

bool ValueScanner::UseKernel(Kernel kernel) {
  if (!Runs(kernel)) return false;
  kernel_ = kernel;
  return true;
}

size_t ValueScanner::ScanContainer(const char* data, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  switch (kernel_) {
    case Kernel::kAvx512:
      return ScanAvx512(data, n, &depth_, &in_string_, &escape_pending_);
    case Kernel::kAvx2:
      return ScanAvx2(data, n, &depth_, &in_string_, &escape_pending_);
    case Kernel::kBaseline:
      break;
  }
#endif
  return ScanBaseline(data, n, &depth_, &in_string_, &escape_pending_);
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

}  // namespace trace_analyze::input::internal
