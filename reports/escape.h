// Escaping of untrusted text (span names, tag values, ids, file names) for
// each output format: a span called "<script>" must never become markup, and
// one called "\x1b[2J" must not clear the reader's terminal. Every function
// also repairs invalid UTF-8 (each bad byte becomes U+FFFD), so reports are
// always valid UTF-8 whatever the input held.
#ifndef TRACE_ANALYZE_REPORTS_ESCAPE_H_
#define TRACE_ANALYZE_REPORTS_ESCAPE_H_

#include <string>
#include <string_view>

namespace trace_analyze::reports {

// HTML text and attribute values: & < > " ' as entities; control characters
// other than tab/LF/CR as U+FFFD.
std::string EscapeHtml(std::string_view text);
// XML 1.0 (JUnit): as HTML, and characters XML cannot carry (control
// characters other than tab/LF/CR, U+FFFE, U+FFFF) dropped.
std::string EscapeXml(std::string_view text);
// GitHub Markdown table cells and inline text: markup characters
// backslash-escaped, < > & as entities, line breaks and tabs as spaces, other
// control characters as U+FFFD.
std::string EscapeMarkdown(std::string_view text);
// Plain text for a terminal or log: tab, CR and LF become spaces; other C0
// and C1 control characters and DEL become U+FFFD (no escape sequences).
std::string EscapeTerminal(std::string_view text);

// `text` with each byte that is not part of a well-formed UTF-8 sequence
// replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);
// The longest prefix of `text` of at most `max_bytes` bytes that does not end
// inside a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);
// `text` when at most `max_bytes` (≥ 1) bytes long; otherwise its
// TruncateUtf8 prefix of max_bytes − 1 bytes followed by "…" (a label cut
// to fit a picture).
std::string EllipsizeUtf8(std::string_view text, size_t max_bytes);

// A trace's page in the Jaeger UI, "<ui_url>/trace/<id>", with the id
// percent-encoded as one path segment and every character of `ui_url` that
// could end a Markdown link destination or an HTML attribute (space, quotes,
// parentheses, < >, backslash, non-ASCII, ...) percent-encoded. Still to be
// HTML-escaped in an href. "" when `ui_url` is not an http(s) URL (no
// javascript: or data: links) or the id is empty.
std::string JaegerTraceUrl(std::string_view ui_url, std::string_view trace_id);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_ESCAPE_H_
