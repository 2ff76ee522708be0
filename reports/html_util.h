// Page skeleton and helpers shared by the HTML reports (private to
// reports/): one stylesheet, one colour per service, escaped names.
#ifndef TRACE_ANALYZE_REPORTS_HTML_UTIL_H_
#define TRACE_ANALYZE_REPORTS_HTML_UTIL_H_

#include <ostream>
#include <string>
#include <string_view>

#include "analyzer/results.h"

namespace trace_analyze::reports {

// Writes the doctype, <head> (title, inline stylesheet) and opens <body>.
// The page loads nothing from anywhere: it must work offline.
void HtmlHead(const std::string& title, std::ostream& out);
// A stable colour per service, independent of the order services appear in.
std::string ServiceColour(const std::string& service);
// "service operation", HTML-escaped.
std::string HtmlOp(const analyzer::OpName& op);
// A trace id in <code>, linked to its page in the Jaeger UI when the traces
// came from one (InputSummary::ui_url).
std::string HtmlTraceRef(const analyzer::InputSummary& in, const std::string& trace_id);
// A run's steps (HTML joined by `arrow`) with the steps after the first
// `shown` folded into a <details> element: a 20-step run reads as a line.
std::string FoldSteps(const std::string& html, std::string_view arrow, size_t shown = 6);
// A finding's or a verified pattern's instance (FindingExample) as an SVG:
// the parent and its children as bars on one time axis of `scale_us`, the
// members in their service's colour, other children grey, time on the
// critical path outlined; `retimed`: as if the members had started together.
// class "example-asis" or "example-retimed" on the <svg>.
void ExampleWaterfall(const analyzer::FindingExample& e, bool retimed, int64_t scale_us,
                      std::ostream& out);
// Where the traces came from, HTML-escaped: the server, or "N files (size)".
std::string HtmlSource(const analyzer::InputSummary& in);
// A warning box listing why the input is partial; for a diff, `side` names
// the side. Nothing when the input is complete. Written before any number.
void HtmlPartial(const analyzer::InputSummary& in, std::ostream& out, std::string_view side = {});

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_HTML_UTIL_H_
