#include "reports/markdown_util.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/escape.h"

namespace trace_analyze::reports {

std::string MarkdownCode(const std::string& text) {
  const bool risky = std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || std::string_view("`<>&|\\").find(c) != std::string_view::npos;
  });
  if (risky) return EscapeMarkdown(text);  // escapes, entities, control characters
  return "`" + text + "`";
}

std::string MarkdownTraceRef(const analyzer::InputSummary& in, const std::string& trace_id) {
  const std::string url = JaegerTraceUrl(in.ui_url, trace_id);
  if (url.empty()) return MarkdownCode(trace_id);
  return fmt::format("[{}]({})", MarkdownCode(trace_id), url);
}

void WriteMarkdownPartial(const analyzer::InputSummary& in, std::ostream& out,
                          std::string_view side) {
  if (!in.partial) return;
  out << "> ⚠️ **Partial results" << (side.empty() ? "" : fmt::format(" ({})", side))
      << "**: not every requested trace could be read";
  if (!in.server.empty()) out << " from " << EscapeMarkdown(in.server);
  out << "; everything below covers only the traces that were.\n>\n";
  for (const std::string& reason : in.partial_reasons) {
    out << "> - " << EscapeMarkdown(reason) << '\n';
  }
}

}  // namespace trace_analyze::reports
