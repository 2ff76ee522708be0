// Escaping of untrusted text (span names, tag values) for each output format:
// a span called "<script>" must never become markup.
#ifndef TRACE_ANALYZE_REPORTS_ESCAPE_H_
#define TRACE_ANALYZE_REPORTS_ESCAPE_H_

#include <string>
#include <string_view>

namespace trace_analyze::reports {

// HTML text and attribute values: & < > " ' as entities.
std::string EscapeHtml(std::string_view text);
// XML 1.0 (JUnit): as HTML, and control characters XML cannot carry dropped.
std::string EscapeXml(std::string_view text);
// GitHub Markdown table cells and inline text: markup characters
// backslash-escaped, < > as entities, line breaks as spaces.
std::string EscapeMarkdown(std::string_view text);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_ESCAPE_H_
