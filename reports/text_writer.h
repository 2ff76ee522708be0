// Terminal report: aligned tables, and a waterfall of each critical path.
// ANSI colour only when WriteOptions::color is set.
#ifndef TRACE_ANALYZE_REPORTS_TEXT_WRITER_H_
#define TRACE_ANALYZE_REPORTS_TEXT_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class TextWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "text"; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_TEXT_WRITER_H_
