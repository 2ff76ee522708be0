// JUnit XML for CI systems: one testcase per gate, so failures show natively.
// For `analyze`, each high-confidence finding is a failing testcase when
// --fail-on-findings is set; `critical-path` gets one passing testcase per
// trace; `diff`/`verify` get one testcase per target (failing when the target
// fails, ACCEPTABLE passes with a note) and one per side's input. Structure: testsuites > testsuite
// > testcase (> failure | system-out).
#ifndef TRACE_ANALYZE_REPORTS_JUNIT_WRITER_H_
#define TRACE_ANALYZE_REPORTS_JUNIT_WRITER_H_

#include "reports/writer.h"

namespace trace_analyze::reports {

class JunitWriter : public ReportWriter {
 public:
  std::string_view name() const override { return "junit"; }
  void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                    std::ostream& out) const override;
  std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                        std::string_view ui_url) const override;
  void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                 std::ostream& out) const override;
};

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_JUNIT_WRITER_H_
