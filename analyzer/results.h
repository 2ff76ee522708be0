// The results each subcommand computes: the only things report writers see.
// They own their data (no views into a reused Trace) and are render-ready:
// ranked, with percentiles computed, so writers never recompute anything.
#ifndef TRACE_ANALYZE_ANALYZER_RESULTS_H_
#define TRACE_ANALYZE_ANALYZER_RESULTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/data_quality.h"
#include "analyzer/detectors.h"
#include "analyzer/profile.h"

namespace trace_analyze::analyzer {

// What was read, and what had to be skipped.
struct InputSummary {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t problems_total = 0;
  std::vector<std::string> problems;  // the first ones, each naming file/offset/trace
  // Read from a Jaeger server instead of files: "http://jaeger:16686 (HTTP /api)".
  std::string server;
  // Not everything that was asked for could be read (traces not found on the
  // server, failed calls, a truncated search): every report says so.
  bool partial = false;
  std::vector<std::string> partial_reasons;
  // Jaeger UI base URL (http(s), no trailing slash): HTML and Markdown link
  // trace ids to "<ui_url>/trace/<id>". "" = no links (files, or gRPC without
  // --jaeger-ui-url).
  std::string ui_url;
};

// One section of a trace's critical path, resolved to names.
struct PathSection {
  std::string span_id;
  std::string service;
  std::string operation;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// A span that has time on the critical path.
struct PathSpan {
  std::string span_id;
  std::string service;
  std::string operation;
  int64_t start_us = 0;
  int64_t duration_us = 0;
  int64_t self_us = 0;      // SelfTimePerSpan
  int64_t critical_us = 0;  // CriticalTimePerSpan
  uint32_t depth = 0;       // tree depth (roots 0), for indentation
};

struct TracePath {
  std::string trace_id;
  int64_t start_us = 0;
  int64_t duration_us = 0;            // trace extent
  int64_t critical_path_us = 0;       // Σ section lengths
  std::vector<PathSection> sections;  // ascending start
  std::vector<PathSpan> spans;  // spans with critical time, in section order of first appearance
};

// A trace shown as typical of a latency percentile.
struct RepresentativeTrace {
  std::string label;          // "p50", "p95"
  int64_t percentile_us = 0;  // that percentile of all traces' durations
  TracePath path;             // the sampled trace closest to it
};

// `trace-analyze analyze`.
struct AnalyzeResult {
  std::string cp_mode;  // "jaeger" | "causal"
  InputSummary input;
  DataQuality quality;  // decode + normalisation counters over all input
  ProfileReport profile;
  bool findings_enabled = true;
  std::vector<Finding> findings;  // ranked; suppressed ones last, flagged
  bool fail_on_findings = false;  // --fail-on-findings: high-confidence findings fail the run
  std::vector<RepresentativeTrace> representatives;  // typical p50 / p95 traces
};

// `trace-analyze critical-path`.
struct CriticalPathResult {
  std::string cp_mode;
  InputSummary input;
  DataQuality quality;
  std::vector<TracePath> traces;  // in input order
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_RESULTS_H_
