// Number formatting shared by the human-readable writers.
#ifndef TRACE_ANALYZE_REPORTS_FORMAT_H_
#define TRACE_ANALYZE_REPORTS_FORMAT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/detectors.h"

namespace trace_analyze::reports {

// Microseconds as milliseconds with 3 decimals: 1234 -> "1.234".
std::string FormatMs(int64_t us);
// A fraction as a percentage with `decimals` decimals: 0.1234 -> "12.3%"
// (1), "12%" (0).
std::string FormatPercent(double fraction, int decimals = 1);
// Bytes as "12.3 MB" (decimal units) or "512 B".
std::string FormatBytes(uint64_t bytes);

// "service operation"; "operation" alone when the service is empty, "service"
// alone when the operation is.
std::string OpLabel(const analyzer::OpName& op);

// The first of a finding's reasons that a writer lists under a headline that
// already names the run: a sequential run's first reason restates it.
size_t FirstEvidenceReason(const analyzer::Finding& f);

// What a finding flags, compactly: a sequential run's steps with loops as
// "×N" ("A → B ×3–9 (p50 5) → (C → D) ×2"), else the flagged operations
// joined by arrows. `op` renders (and escapes) one operation; `arrow` joins.
std::string RunLabel(const std::vector<analyzer::RunStep>& run,
                     const std::vector<analyzer::OpName>& sequence,
                     const std::function<std::string(const analyzer::OpName&)>& op,
                     const std::string& arrow = " → ");

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_FORMAT_H_
