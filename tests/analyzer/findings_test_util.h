// Helpers shared by the detector tests.
#ifndef TRACE_ANALYZE_TESTS_ANALYZER_FINDINGS_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_ANALYZER_FINDINGS_TEST_UTIL_H_

#include <vector>

#include "analyzer/detectors.h"

namespace trace_analyze::testing {

// The findings of one kind, in rank order.
inline std::vector<analyzer::Finding> OfKind(const std::vector<analyzer::Finding>& all,
                                             analyzer::FindingKind kind) {
  std::vector<analyzer::Finding> out;
  for (const analyzer::Finding& f : all) {
    if (f.kind == kind) out.push_back(f);
  }
  return out;
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_ANALYZER_FINDINGS_TEST_UTIL_H_
