// Targets and budgets that gate a diff (CI exit codes): the expression
// syntax, and the evaluation of each target against a DiffResult.
// Grammar, metrics and rules: docs/diff.md ("Targets").
#ifndef TRACE_ANALYZE_ANALYZER_TARGETS_H_
#define TRACE_ANALYZE_ANALYZER_TARGETS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/results.h"
#include "analyzer/status.h"

namespace trace_analyze::analyzer {

enum class TargetOp { kGe, kGt, kLe, kLt };

struct TargetSpec {
  std::string metric;  // e.g. "p95_latency_reduction" (see docs/diff.md for the list)
  std::string scope;   // the text inside [...] after the metric; "" when none
  TargetOp op = TargetOp::kGe;
  // In the metric's unit: percent ("%"), percentage points ("pp"), µs ("us")
  // or a plain ratio ("x").
  double target = 0;
  // A looser level: missing the target but meeting this is ACCEPTABLE (which
  // does not fail the gate).
  std::optional<double> acceptable;
  std::string origin;  // where it was given, for the report ("--target", "config targets[1]")

  std::string Name() const;  // "metric" or "metric[scope]"
};

// Parses "METRIC[SCOPE] OP VALUE[/ACCEPTABLE]", e.g. "p95_latency_reduction>=30%",
// "error_rate_increase <= 0", "p99_duration[cart:checkout]<=100ms/200ms".
// Strict: unknown metrics, a missing or wrong unit, a scope where none is
// allowed and an acceptable level tighter than the target are errors
// (ErrorCode::kInput) that quote the text.
Result<TargetSpec> ParseTarget(std::string_view text, std::string origin);

// Parses a budget "[service:]operation=TARGET[/ACCEPTABLE]" (times with a
// unit: us, µs, ms, s), i.e. the target "p95_duration[operation] <= TARGET".
// The last '=' separates the operation, which may contain '='.
Result<TargetSpec> ParseBudget(std::string_view text, std::string origin);

// A budget in parts (the config file's object form); `percentile` is 50, 90,
// 95 or 99.
Result<TargetSpec> MakeBudget(const std::string& operation, int percentile, std::string_view target,
                              std::optional<std::string_view> acceptable, std::string origin);

// The operations whose span durations the targets need (scopes of
// pNN_duration targets, without duplicates, in order).
std::vector<std::string> DurationScopes(const std::vector<TargetSpec>& targets);

// Span durations (µs) of one operation on both sides.
struct DurationSamples {
  std::string scope;
  std::vector<int64_t> baseline;
  std::vector<int64_t> candidate;
};

// Evaluates every target against `result` (latency, throughput, error-rate
// and verify sections, which must be filled) and `durations`; sets
// result->targets, result->pass and result->verdict_reason. A target without
// a scope on overlap_share / realised_saving expands to one row per verify row.
void EvaluateTargets(const std::vector<TargetSpec>& targets,
                     const std::vector<DurationSamples>& durations, DiffResult* result);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_TARGETS_H_
