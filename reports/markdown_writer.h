// GitHub-flavoured Markdown for pull-request comments and
// $GITHUB_STEP_SUMMARY: the verdict first, key tables, long sections folded in
// <details>, never more than kMaxMarkdownChars characters.
#ifndef TRACE_ANALYZE_REPORTS_MARKDOWN_WRITER_H_
#define TRACE_ANALYZE_REPORTS_MARKDOWN_WRITER_H_

#include <cstddef>

#include "reports/writer.h"

namespace trace_analyze::reports {

// GitHub rejects comments over 65,536 characters; keep a margin.
inline constexpr size_t kMaxMarkdownChars = 60000;

class MarkdownWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "markdown"; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& os) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& os) const override;
};

// Cuts `text` at a line boundary so that it fits `limit` characters with the
// truncation note appended. Exposed for tests.
std::string TruncateMarkdown(std::string text, size_t limit);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_MARKDOWN_WRITER_H_
