// Folded stacks ("frame;frame;… value", one per line) for flamegraph.pl and
// speedscope: the aggregated critical path, frames alternating service and
// operation, values in µs of critical-path time.
#ifndef TRACE_ANALYZE_REPORTS_COLLAPSED_WRITER_H_
#define TRACE_ANALYZE_REPORTS_COLLAPSED_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class CollapsedWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "collapsed"; }
  bool uses_stacks() const override { return true; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  // Per trace: "trace <id>;service;operation µs" for each span on its path.
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  // Differential folded stacks, "stack baseline candidate" (mean µs per trace
  // on each side), the two-column input flamegraph.pl draws as a differential
  // flame graph (coloured by the change).
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_COLLAPSED_WRITER_H_
