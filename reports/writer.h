// Report writers: render an analysis result in one format. Writers never
// compute anything; they only format what the analyzer produced. Output is
// deterministic (fixed ordering and float formatting, no timestamps).
#ifndef TRACE_ANALYZE_REPORTS_WRITER_H_
#define TRACE_ANALYZE_REPORTS_WRITER_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/results.h"

namespace trace_analyze::reports {

struct WriteOptions {
  bool color = false;  // ANSI colour; the CLI sets it only on a TTY without NO_COLOR
  int width = 100;     // terminal columns for waterfalls
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  // The --format value, e.g. "text", "json".
  virtual std::string_view name() const = 0;
  // Whether it shows folded critical-path stacks (ProfileReport::stacks,
  // DiffResult::stacks): the analysis only folds them when a writer does.
  virtual bool uses_stacks() const { return false; }
  // Whether it draws each trace's full timeline (TracePath::timeline) in
  // `critical-path`: the command only builds timelines when a writer does,
  // for at most this many traces and spans per trace.
  virtual bool uses_timeline() const { return false; }
  // Whether it draws each sequential finding's example (Finding::example):
  // `analyze` keeps one only when a writer does.
  virtual bool uses_finding_examples() const { return false; }
  static constexpr size_t kTimelineTraces = 20;
  static constexpr size_t kTimelineSpans = 2000;
  virtual void WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& options,
                            std::ostream& out) const = 0;
  virtual void WriteCriticalPath(const analyzer::CriticalPathResult& result,
                                 const WriteOptions& options, std::ostream& out) const = 0;
  // `diff` and `verify` (result.command tells which): one document; every
  // format shows the verdict, and every target with its numbers and reason.
  virtual void WriteDiff(const analyzer::DiffResult& result, const WriteOptions& options,
                         std::ostream& out) const = 0;
};

// Every registered writer, in --help order.
const std::vector<const ReportWriter*>& AllReportWriters();
// nullptr if no writer has that name.
const ReportWriter* FindReportWriter(std::string_view name);
std::vector<std::string> ReportWriterNames();

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_WRITER_H_
