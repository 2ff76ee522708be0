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

// A trace's page in the Jaeger UI, "<ui_url>/trace/<id>", with the id
// percent-encoded as one path segment and every character of `ui_url` that
// could end a Markdown link destination or an HTML attribute (space, quotes,
// parentheses, < >, backslash, non-ASCII, ...) percent-encoded. Still to be
// HTML-escaped in an href. "" when `ui_url` is not an http(s) URL (no
// javascript: or data: links) or the id is empty.
std::string JaegerTraceUrl(std::string_view ui_url, std::string_view trace_id);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_ESCAPE_H_
