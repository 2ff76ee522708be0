// Synthetic before/after traces with known answers, for the diff, verify and
// targets tests. Every trace starts at kEpoch + 1 s × its index, so windows and
// throughput are known too.
#ifndef TRACE_ANALYZE_TESTS_ANALYZER_DIFF_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_ANALYZER_DIFF_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/diff.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::testing {

inline constexpr int64_t kEpoch = 1'700'000'000'000'000;

// "prefix<i>" (appending, not `"c" + std::to_string(i)`, which trips GCC 12's
// -Wrestrict false positive).
inline std::string Id(std::string prefix, int i) {
  prefix += std::to_string(i);
  return prefix;
}

// api handle [0, end] runs svc A, B, C (300 µs + `slower` each): one after
// another with 10 µs gaps, or concurrently (starting 5 µs apart).
inline analyzer::Trace Checkout(const std::string& id, int64_t at_us, bool parallel,
                                int64_t slower = 0) {
  TraceBuilder b(id, kEpoch + at_us);
  const int64_t d = 300 + slower;
  const int64_t starts[3] = {100, parallel ? 105 : 100 + d + 10, parallel ? 110 : 100 + 2 * d + 20};
  const int64_t end = starts[2] + d + 80;
  b.Span(id + "p", "", "api", "handle", 0, end);
  const char* names[3] = {"A", "B", "C"};
  for (int i = 0; i < 3; ++i) b.Span(id + names[i], id + "p", "svc", names[i], starts[i], d);
  return b.Build();
}

// n checkouts, one per second, with a small deterministic spread in duration.
inline std::vector<analyzer::Trace> Checkouts(const std::string& prefix, int n, bool parallel,
                                              int64_t spacing_us = 1'000'000) {
  std::vector<analyzer::Trace> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Checkout(Id(prefix, i), i * spacing_us, parallel, (i * 37) % 50));
  }
  return out;
}

// Runs a whole comparison the way the CLI does (DiffSession).
inline analyzer::DiffResult RunDiff(std::vector<analyzer::Trace> baseline,
                                    std::vector<analyzer::Trace> candidate,
                                    analyzer::DiffOptions options = {},
                                    analyzer::VerifyConfig verify = {},
                                    const analyzer::AnalysisOptions& analysis = {}) {
  analyzer::DiffSession session(analysis, std::move(options), std::move(verify));
  for (analyzer::Trace& t : baseline) session.AddBaseline(t);
  session.StartCandidate();
  for (analyzer::Trace& t : candidate) session.AddCandidate(t);
  return session.Finish({}, {});
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_ANALYZER_DIFF_TEST_UTIL_H_
