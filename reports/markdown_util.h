// Helpers shared by the Markdown reports (private to reports/): inline code,
// trace links to the Jaeger UI, the partial-results box.
#ifndef TRACE_ANALYZE_REPORTS_MARKDOWN_UTIL_H_
#define TRACE_ANALYZE_REPORTS_MARKDOWN_UTIL_H_

#include <ostream>
#include <string>
#include <string_view>

#include "analyzer/results.h"

namespace trace_analyze::reports {

// `text` as inline code when that is safe, else as escaped plain text:
// backslash escapes and entities do not work inside a code span, a backtick
// would end it early and a pipe would split a table row.
std::string MarkdownCode(const std::string& text);
// A trace id, linked to its page in the Jaeger UI when the traces came from
// one (InputSummary::ui_url).
std::string MarkdownTraceRef(const analyzer::InputSummary& in, const std::string& trace_id);
// A quoted ⚠️ box saying the input is partial, with one line per reason; for
// a diff, `side` names the side. Nothing when the input is complete.
void WriteMarkdownPartial(const analyzer::InputSummary& in, std::ostream& out,
                          std::string_view side = {});

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_MARKDOWN_UTIL_H_
