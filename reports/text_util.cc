#include "reports/text_util.h"

#include <fmt/format.h>

#include "reports/escape.h"

namespace trace_analyze::reports {

std::string Heading(const WriteOptions& o, const std::string& text) {
  return o.color ? "\x1b[1m" + text + "\x1b[0m" : text;
}

std::string Plural(uint64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string Safe(std::string_view text) { return EscapeTerminal(text); }

void WritePartial(const analyzer::InputSummary& in, const WriteOptions& o, std::ostream& out,
                  std::string_view side) {
  if (!in.partial) return;
  out << Heading(o, fmt::format("PARTIAL RESULTS{}: not every requested trace could be read",
                                side.empty() ? "" : fmt::format(" ({})", side)))
      << '\n';
  for (const std::string& reason : in.partial_reasons) out << "  - " << Safe(reason) << '\n';
  out << '\n';
}

}  // namespace trace_analyze::reports
