// BytesEqual: a == b for short runtime strings (ids, process keys, attribute
// keys and values), inlined: string_view's operator== and memcmp are library
// calls, which cost more than the comparison itself at these sizes.
#ifndef TRACE_ANALYZE_ANALYZER_BYTES_EQUAL_H_
#define TRACE_ANALYZE_ANALYZER_BYTES_EQUAL_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace trace_analyze::analyzer {

namespace bytes_internal {
template <class T>
inline T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace bytes_internal

// 8 bytes at a time; the last word (and, below 8 bytes, the last half)
// overlaps the previous one instead of finishing byte by byte.
inline bool BytesEqual(std::string_view a, std::string_view b) {
  using bytes_internal::Load;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (Load<uint64_t>(p + i) != Load<uint64_t>(q + i)) return false;
    }
    return Load<uint64_t>(p + n - 8) == Load<uint64_t>(q + n - 8);
  }
  if (n >= 4) {
    return Load<uint32_t>(p) == Load<uint32_t>(q) &&
           Load<uint32_t>(p + n - 4) == Load<uint32_t>(q + n - 4);
  }
  if (n == 0) return true;
  return p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1];
}

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_BYTES_EQUAL_H_
