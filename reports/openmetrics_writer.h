// OpenMetrics / Prometheus text exposition: the numbers of a report as
// gauges, for a Pushgateway and dashboards (dashboards/optimization-impact.json).
// Metric names and labels are a stable interface, documented in
// docs/openmetrics.md; every family is a gauge (a report is a snapshot), and
// the document ends with "# EOF".
#ifndef TRACE_ANALYZE_REPORTS_OPENMETRICS_WRITER_H_
#define TRACE_ANALYZE_REPORTS_OPENMETRICS_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class OpenMetricsWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "openmetrics"; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_OPENMETRICS_WRITER_H_
