#include "reports/diff_format.h"

#include <fmt/format.h>

#include <cmath>

#include "reports/format.h"
#include "reports/text_util.h"

namespace trace_analyze::reports {

std::string MsOrNa(const std::optional<int64_t>& us) { return us ? FormatMs(*us) : kNa; }

std::string SignedPercent(const std::optional<double>& pct) {
  return pct ? fmt::format("{:+.1f}%", *pct) : kNa;
}

std::string FormatPValue(const std::optional<double>& p) {
  if (!p) return kNa;
  return *p < 0.001 ? "<0.001" : fmt::format("{:.3f}", *p);
}

std::string SignificanceLabel(bool significant, const std::optional<double>& p) {
  if (!p) return "untested";
  return significant ? "yes" : "no";
}

const analyzer::LatencyDistributionTest* DistributionTestAfter(const analyzer::DiffResult& r,
                                                               size_t i) {
  const analyzer::LatencyChange& row = r.latency[i];
  if (i + 1 < r.latency.size() && r.latency[i + 1].service == row.service &&
      r.latency[i + 1].operation == row.operation) {
    return nullptr;
  }
  for (const analyzer::LatencyDistributionTest& t : r.latency_tests) {
    if (t.service == row.service && t.operation == row.operation) return &t;
  }
  return nullptr;
}

std::string DiffSideSource(const analyzer::DiffSideSummary& s) {
  if (s.input.server.empty()) {
    return fmt::format("{}, {}", Plural(s.input.files, "file"), FormatBytes(s.input.bytes));
  }
  if (s.window_start.empty()) return s.input.server;
  return fmt::format("{}, {}..{}", s.input.server, s.window_start, s.window_end);
}

std::string PartialSidesLabel(const analyzer::DiffResult& r) {
  const bool b = r.baseline.input.partial, c = r.candidate.input.partial;
  if (!b && !c) return "";
  return fmt::format("partial results ({})", b && c ? "baseline and candidate"
                                             : b    ? "baseline"
                                                    : "candidate");
}

std::string OpLabel(const std::string& service, const std::string& operation) {
  if (service.empty()) return operation;
  return operation.empty() ? service : service + " " + operation;
}

std::string PatternLabel(const analyzer::OpName& parent, const std::vector<analyzer::OpName>& seq,
                         const std::vector<analyzer::RunStep>& run) {
  return OpLabel(parent.service, parent.operation) + ": " +
         RunLabel(run, seq,
                  [](const analyzer::OpName& o) { return OpLabel(o.service, o.operation); });
}

std::string TargetLevel(double v, const std::string& unit) {
  if (unit == "%") return fmt::format("{:.1f}%", v);
  if (unit == "pp") return fmt::format("{:.2f} pp", v);
  if (unit == "us") return FormatMs(static_cast<int64_t>(std::llround(v))) + " ms";
  return fmt::format("{:.2f}x", v);
}

std::string SignedTargetLevel(double v, const std::string& unit) {
  return fmt::format("{}{}", v >= 0 ? "+" : "-", TargetLevel(std::fabs(v), unit));
}

std::string ChangeInterval(const analyzer::LatencyChange& c) {
  if (!c.ci_low_pct || !c.ci_high_pct) return kNa;
  return fmt::format("{:+.1f}%..{:+.1f}%", *c.ci_low_pct, *c.ci_high_pct);
}

std::string PerSecondOrNa(const std::optional<double>& per_s) {
  return per_s ? fmt::format("{:.3f}/s", *per_s) : kNa;
}

std::string ErrorRateOrNa(const std::optional<double>& rate, uint64_t errors, uint64_t traces) {
  return rate ? fmt::format("{} ({}/{})", FormatPercent(*rate), errors, traces) : kNa;
}

std::string PointsOrNa(const std::optional<double>& points) {
  return points ? fmt::format("{:+.2f} pp", *points) : kNa;
}

std::vector<QualityPair> QualityPairs(const analyzer::DiffResult& r) {
  std::vector<QualityPair> out;
  r.baseline.quality.ForEach([&](std::string_view name, uint64_t v) {
    out.push_back({std::string(name), v, 0});
  });
  size_t i = 0;
  r.candidate.quality.ForEach([&](std::string_view, uint64_t v) { out[i++].candidate = v; });
  return out;
}

}  // namespace trace_analyze::reports
