// Page skeleton and helpers shared by the HTML reports (private to
// reports/): one stylesheet, one colour per service, escaped names.
#ifndef TRACE_ANALYZE_REPORTS_HTML_UTIL_H_
#define TRACE_ANALYZE_REPORTS_HTML_UTIL_H_

#include <ostream>
#include <string>

namespace trace_analyze::reports {

// Writes the doctype, <head> (title, inline stylesheet) and opens <body>.
// The page loads nothing from anywhere: it must work offline.
void HtmlHead(const std::string& title, std::ostream& out);
// A stable colour per service, independent of the order services appear in.
std::string ServiceColour(const std::string& service);
// "service operation", HTML-escaped.
std::string HtmlOp(const std::string& service, const std::string& operation);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_HTML_UTIL_H_
