// One self-contained HTML page for performance reviews: inline CSS and SVG,
// no scripts, fonts or network requests, so it works offline, prints, and can
// be attached to a ticket. Hover details come from SVG <title> elements.
#ifndef TRACE_ANALYZE_REPORTS_HTML_WRITER_H_
#define TRACE_ANALYZE_REPORTS_HTML_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class HtmlWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "html"; }
  bool uses_stacks() const override { return true; }
  bool uses_timeline() const override { return true; }
  bool uses_finding_examples() const override { return true; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_HTML_WRITER_H_
