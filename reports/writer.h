// Report writers: render an analysis result in one format. Writers never
// compute anything; they only format what the analyzer produced. Output is
// deterministic (fixed ordering and float formatting, no timestamps).
#ifndef TRACE_ANALYZE_REPORTS_WRITER_H_
#define TRACE_ANALYZE_REPORTS_WRITER_H_

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/results.h"
#include "analyzer/status.h"

namespace trace_analyze::reports {

struct WriteOptions {
  bool color = false;  // ANSI colour; the CLI sets it only on a TTY without NO_COLOR
  int width = 100;     // terminal columns for waterfalls
  // Bytes of rendered traces a streamed report keeps in memory per part
  // (CriticalPathSink); more go to a temporary file.
  size_t spill_bytes = size_t{4} << 20;
};

// One `critical-path` report, rendered as its traces arrive: Add is called
// once per trace, in input order, then Finish once. A sink keeps only what
// its format still has to show (rendered bytes beyond a few MB go to a
// temporary file, reports/spill_buffer.h), so memory does not grow with the
// number of traces. Finish writes the whole document to `out`: the parts
// that depend on totals (input, data quality, counts) first, then what Add
// rendered. Errors (a temporary file that cannot be written or read back)
// come from Finish; `out`'s own failures are left in its state.
class CriticalPathSink {
 public:
  virtual ~CriticalPathSink() = default;
  virtual void Add(const analyzer::TracePath& trace) = 0;
  virtual Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) = 0;
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
  // A sink for one `critical-path` report. `ui_url` is the
  // InputSummary::ui_url that Finish's summary will carry: HTML and Markdown
  // link each trace id to the Jaeger UI as the trace arrives.
  virtual std::unique_ptr<CriticalPathSink> NewCriticalPathSink(const WriteOptions& options,
                                                                std::string_view ui_url) const = 0;
  // The whole report of a collected result, through NewCriticalPathSink (the
  // one way each format renders it). A failure of the sink sets badbit on
  // `out`.
  void WriteCriticalPath(const analyzer::CriticalPathResult& result, const WriteOptions& options,
                         std::ostream& out) const;
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
