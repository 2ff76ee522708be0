// Jaeger UI's sanitizeOverFlowingChildren table (docs/critical-path-modes.md,
// "Jaeger mode"):
// fits one child interval into its (already sanitised) parent's. Private to
// critical_path.cc; a header of its own so each case can be unit-tested.
#ifndef TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_SANITIZE_H_
#define TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_SANITIZE_H_

#include <cstdint>

namespace trace_analyze::analyzer::internal {

// Child [cs, ce] against parent [ps, pe] (µs). Returns false when the child is
// dropped (with its subtree); otherwise truncates [cs, ce] in place.
//
//   case                  condition                 action
//   inside                cs >= ps, ce <= pe        keep
//   at/after parent end   cs >= pe                  drop (zero-length child at pe too)
//   overflows the end     ps <= cs < pe, ce > pe    ce = pe
//   before parent start   cs < ps, ce <= ps         drop
//   overflows the start   cs < ps < ce <= pe        cs = ps
//   covers the parent     cs < ps, ce > pe          [ps, pe]
inline bool SanitizeChild(int64_t ps, int64_t pe, int64_t& cs, int64_t& ce) {
  if (cs >= ps) {
    if (cs >= pe) return false;
    if (ce > pe) ce = pe;
    return true;
  }
  if (ce <= ps) return false;
  cs = ps;
  if (ce > pe) ce = pe;
  return true;
}

}  // namespace trace_analyze::analyzer::internal

#endif  // TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_SANITIZE_H_
