// Invariant checks shared by the fuzz targets: what must hold for any input,
// however hostile. A violation aborts, so libFuzzer (and the ctest replay)
// reports it like a crash, with the message on stderr.
#ifndef TRACE_ANALYZE_FUZZ_FUZZ_CHECKS_H_
#define TRACE_ANALYZE_FUZZ_FUZZ_CHECKS_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"

namespace trace_analyze::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

#define TA_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::trace_analyze::fuzz::Fail(#cond " (" __FILE__ ")"))

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// beyond U+10FFFF).
inline bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Structural invariants of a decoded trace: every span's reference and
// attribute ranges lie inside the trace's vectors.
inline void CheckDecoded(const analyzer::Trace& trace) {
  for (const analyzer::Span& s : trace.spans) {
    TA_FUZZ_CHECK(uint64_t{s.refs_begin} + s.refs_count <= trace.references.size());
    TA_FUZZ_CHECK(uint64_t{s.attrs_begin} + s.attrs_count <= trace.attributes.size());
  }
}

// Invariants after Normalize(): ids unique is checked by construction of the
// topology; here the tree must be consistent and durations non-negative.
inline void CheckNormalized(const analyzer::Trace& trace) {
  const analyzer::Topology& topo = trace.topology;
  const size_t n = trace.spans.size();
  TA_FUZZ_CHECK(topo.tree_parent.size() == n);
  TA_FUZZ_CHECK(topo.child_begin.size() == n + 1);
  TA_FUZZ_CHECK(topo.children.size() + topo.roots.size() == n);
  for (const analyzer::Span& s : trace.spans) TA_FUZZ_CHECK(s.duration_us >= 0);
  if (n > 0) TA_FUZZ_CHECK(!topo.roots.empty());
}

inline void CheckCriticalPath(const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
  int64_t total = 0;
  for (const analyzer::CpSection& s : path.sections) {
    TA_FUZZ_CHECK(s.span < trace.spans.size());
    TA_FUZZ_CHECK(s.end_us > s.start_us);
    total += s.end_us - s.start_us;
  }
  TA_FUZZ_CHECK(total == path.total_us);
}

}  // namespace trace_analyze::fuzz

#endif  // TRACE_ANALYZE_FUZZ_FUZZ_CHECKS_H_
