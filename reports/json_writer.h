// JSON reports: stable, documented schemas (docs/json-schema.md). Keys come
// in a fixed order; keys may be added within a schema version, never removed.
#ifndef TRACE_ANALYZE_REPORTS_JSON_WRITER_H_
#define TRACE_ANALYZE_REPORTS_JSON_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class JsonWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "json"; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_JSON_WRITER_H_
