#include "reports/format.h"

#include <fmt/format.h>

#include <cstdlib>

namespace trace_analyze::reports {

std::string FormatMs(int64_t us) {
  // Integer arithmetic: no float rounding differences between machines.
  const char* sign = us < 0 ? "-" : "";
  const uint64_t mag = us < 0 ? 0 - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
  return fmt::format("{}{}.{:03}", sign, mag / 1000, mag % 1000);
}

std::string FormatPercent(double fraction, int decimals) {
  return fmt::format("{:.{}f}%", fraction * 100.0, decimals);
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  if (bytes < 1000ull * 1000) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
  if (bytes < 1000ull * 1000 * 1000)
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  return fmt::format("{:.2f} GB", static_cast<double>(bytes) / 1e9);
}

std::string OpLabel(const analyzer::OpName& op) {
  if (op.service.empty()) return op.operation;
  return op.operation.empty() ? op.service : op.service + " " + op.operation;
}

size_t FirstEvidenceReason(const analyzer::Finding& f) {
  return f.kind == analyzer::FindingKind::kSequential && !f.run.empty() ? 1 : 0;
}

std::string RunLabel(const std::vector<analyzer::RunStep>& run,
                     const std::vector<analyzer::OpName>& sequence,
                     const std::function<std::string(const analyzer::OpName&)>& op,
                     const std::string& arrow) {
  std::string out;
  if (run.empty()) {
    for (const analyzer::OpName& o : sequence) out += (out.empty() ? "" : arrow) + op(o);
    return out;
  }
  return analyzer::DescribeRun(run, op, arrow);
}

}  // namespace trace_analyze::reports
