#include "reports/writer.h"

namespace trace_analyze::reports {

void ReportWriter::WriteCriticalPath(const analyzer::CriticalPathResult& result,
                                     const WriteOptions& options, std::ostream& out) const {
  const std::unique_ptr<CriticalPathSink> sink = NewCriticalPathSink(options, result.input.ui_url);
  for (const analyzer::TracePath& trace : result.traces) sink->Add(trace);
  const analyzer::CriticalPathSummary summary{result.cp_mode, result.input, result.quality,
                                              result.traces.size()};
  if (!sink->Finish(summary, out).ok()) out.setstate(std::ios::badbit);
}

}  // namespace trace_analyze::reports
