// Thresholds and rules of the bottleneck detectors. Every field is documented
// in docs/detectors.md with its default; the config file (docs/config.md) and
// CLI flags set them.
#ifndef TRACE_ANALYZE_ANALYZER_DETECTOR_CONFIG_H_
#define TRACE_ANALYZE_ANALYZER_DETECTOR_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trace_analyze::analyzer {

struct SequentialConfig {
  bool enabled = true;
  size_t min_chain_length = 2;  // spans in a chain
  // Consecutive chain members may be apart by at most
  // max_gap_us + max_gap_fraction × (the shorter member's duration), and may
  // overlap by at most overlap_tolerance_fraction × the parent's duration
  // (clock skew between hosts).
  int64_t max_gap_us = 1000;
  double max_gap_fraction = 0.25;
  double overlap_tolerance_fraction = 0.01;
  int64_t min_span_us = 100;  // shorter children are noise, never members
  // A pattern is reported when its p50 optimistic saving per trace is at
  // least this many µs.
  int64_t min_saving_us = 500;
};

struct NPlusOneConfig {
  bool enabled = true;
  size_t min_calls = 5;            // same template under one parent
  size_t min_distinct_params = 2;  // otherwise it is a repeated identical call
  int64_t min_total_us = 0;        // Σ durations of the calls in one instance
};

struct RepeatedCallConfig {
  bool enabled = true;
  size_t min_calls = 2;  // identical calls in one trace
  int64_t min_wasted_us = 0;
};

// Suppresses matching findings (reported as suppressed, with the reason).
// A rule matches by fingerprint, or when every regex given matches (ECMAScript
// syntax, whole string) the parent or any flagged child.
// libstdc++'s regex compiler recurses once per alternative or group and
// overflows a long on a back-reference or repeat count of 19+ digits (UB,
// found by fuzz/config_fuzzer.cc): every pattern is bounded before it sees
// it. "" when `pattern` is within the bounds, else why not (findings.cc).
std::string RegexBoundsError(std::string_view pattern);

struct IgnoreRule {
  std::string fingerprint;
  std::string service_regex;
  std::string operation_regex;
  std::string reason;
};

// Declares two operations dependent (B needs A's result) or independent.
// Names are "service:operation" or just "operation".
struct DependencyHint {
  std::string first;
  std::string second;
  bool dependent = true;
  std::string reason;
};

struct DetectorConfig {
  SequentialConfig sequential;
  NPlusOneConfig n_plus_one;
  RepeatedCallConfig repeated;
  std::vector<IgnoreRule> ignore;
  std::vector<DependencyHint> dependencies;
  size_t max_examples = 3;  // example trace ids per finding
  // Keep a picture of one instance of each sequential finding
  // (Finding::example): set when a report draws them, not by configuration.
  bool keep_examples = false;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DETECTOR_CONFIG_H_
