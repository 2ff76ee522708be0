// Value formatting shared by the `diff` / `verify` reports of every format
// (private to reports/), so text, Markdown, HTML, JUnit and JSON print the
// same numbers and sentences the same way. Results are plain text: callers
// escape them for their format.
#ifndef TRACE_ANALYZE_REPORTS_DIFF_FORMAT_H_
#define TRACE_ANALYZE_REPORTS_DIFF_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/results.h"

namespace trace_analyze::reports {

// What a value that could not be measured or tested prints as.
inline constexpr const char* kNa = "n/a";

// µs as ms ("1.234"), or "n/a".
std::string MsOrNa(const std::optional<int64_t>& us);
// A signed percentage with 1 decimal ("+12.3%"), or "n/a".
std::string SignedPercent(const std::optional<double>& pct);
// A p-value with 3 decimals, "<0.001", or "n/a".
std::string FormatPValue(const std::optional<double>& p);
// "yes", "no", or "untested" when a side had too few samples (no p-value).
std::string SignificanceLabel(bool significant, const std::optional<double>& p);
// The distribution test of the root operation of `row`, when `row` is the last
// percentile row of it in `r.latency` (index `i`): a table prints it below
// that row. nullptr otherwise.
const analyzer::LatencyDistributionTest* DistributionTestAfter(const analyzer::DiffResult& r,
                                                               size_t i);
// The label of a distribution test's row in the percentile column.
inline constexpr const char* kDistributionLabel = "dist";
// "parent: a → b → c".
std::string PatternLabel(const analyzer::OpName& parent, const std::vector<analyzer::OpName>& seq,
                         const std::vector<analyzer::RunStep>& run);
// A target level in its unit: "30.0%", "1.50 pp", "100.000 ms", "2.50x".
std::string TargetLevel(double v, const std::string& unit);
// The same with an explicit sign: "+5.0%", "-1.50 pp".
std::string SignedTargetLevel(double v, const std::string& unit);
// Where a side's traces came from: "1 file, 5.2 KiB", or the Jaeger server
// and the side's window: "http://jaeger:16686 (HTTP /api),
// 2024-05-01T09:30:00Z..2024-05-01T10:00:00Z".
std::string DiffSideSource(const analyzer::DiffSideSummary& s);
// "" when both sides are complete, else "partial results (baseline)",
// "(candidate)" or "(baseline and candidate)".
std::string PartialSidesLabel(const analyzer::DiffResult& r);
// The 95% CI of a latency change, "+1.0%..+5.0%", or "n/a".
std::string ChangeInterval(const analyzer::LatencyChange& c);
// Traces per second, "4.000/s", or "n/a".
std::string PerSecondOrNa(const std::optional<double>& per_s);
// An error rate with its counts, "1.7% (1/60)", or "n/a".
std::string ErrorRateOrNa(const std::optional<double>& rate, uint64_t errors, uint64_t traces);
// A change in percentage points, "+0.50 pp", or "n/a".
std::string PointsOrNa(const std::optional<double>& points);
// A verified pattern's concurrency (Σ durations / union length), "1.95", or
// "n/a".
std::string ConcurrencyOrNa(const std::optional<double>& concurrency);
// Why a target has its status: "40.0% meets the target >= 30.0% (p < 0.001,
// 95% CI of the change 35.0%..45.0%)", "cannot be measured: ...". `r` holds
// the verify row that explains a pattern target that cannot be measured.
std::string TargetReason(const analyzer::DiffResult& r, const analyzer::TargetRow& t);
// What the candidate showed of a verified pattern, and so its status: the
// instances whose members overlapped, concurrency and what it saved, the
// members' durations and critical-path time.
std::string VerifyReason(const analyzer::VerifyRow& v);

// One data-quality counter on both sides.
struct QualityPair {
  std::string name;
  uint64_t baseline = 0;
  uint64_t candidate = 0;
};
// Every data-quality counter, in the documented order.
std::vector<QualityPair> QualityPairs(const analyzer::DiffResult& r);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_DIFF_FORMAT_H_
