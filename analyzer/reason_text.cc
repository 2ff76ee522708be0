#include "analyzer/reason_text.h"

#include <fmt/format.h>

namespace trace_analyze::analyzer {

std::string DurationText(int64_t us, DurationUnit unit) {
  return unit == DurationUnit::kMicros || us < 10'000
             ? fmt::format("{} µs", us)
             : fmt::format("{:.1f} ms", static_cast<double>(us) / 1e3);
}

std::string Percent(uint64_t part, uint64_t whole) {
  return fmt::format("{:.0f}%",
                     whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
}

std::string Instances(uint64_t n) { return fmt::format("{} instance{}", n, n == 1 ? "" : "s"); }

std::string Describe(const OpName& o) { return o.service + " " + o.operation; }

}  // namespace trace_analyze::analyzer
