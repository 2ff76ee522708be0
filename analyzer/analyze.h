// `analyze`: builds the AnalyzeResult from what one TraceAnalyzer and a
// PathSampler gathered while the input was streamed, and decides the
// findings gate. Pure computation, no I/O (as diff.h is for `diff`).
#ifndef TRACE_ANALYZE_ANALYZER_ANALYZE_H_
#define TRACE_ANALYZE_ANALYZER_ANALYZE_H_

#include <cstddef>

#include "analyzer/analysis.h"
#include "analyzer/critical_path.h"
#include "analyzer/data_quality.h"
#include "analyzer/model.h"
#include "analyzer/path_sampler.h"
#include "analyzer/results.h"

namespace trace_analyze::analyzer {

struct AnalyzeOptions {
  size_t top = 10;  // rows per ranking and findings shown (0 = all)
  // The gate: an unsuppressed high-confidence finding, shown or not, fails
  // the run (AnalyzeResult::pass).
  bool fail_on_findings = false;
};

// The result of what `analyzer` and `sampler` gathered (one stream, or the
// merge of shards'), as AnalyzeSession::Finish describes.
AnalyzeResult BuildAnalyzeResult(const TraceAnalyzer& analyzer, const PathSampler& sampler,
                                 const AnalyzeOptions& options, InputSummary input,
                                 const DataQuality& quality);

// Streams one input: each trace goes through analyzer(), then Observe() with
// its path; Finish() builds the result.
class AnalyzeSession {
 public:
  AnalyzeSession(const AnalysisOptions& analysis, AnalyzeOptions options);

  TraceAnalyzer& analyzer() { return analyzer_; }
  // Samples the trace's path for the representative p50 / p95 traces.
  void Observe(const Trace& trace, const CriticalPath& path);
  // After the input; `input` and `quality` say what was read. Findings are
  // ranked with suppressed ones last; the gate judges all of them before
  // they are cut to the first `top` shown (suppressed ones are kept).
  AnalyzeResult Finish(InputSummary input, const DataQuality& quality) const;

 private:
  AnalyzeOptions options_;
  TraceAnalyzer analyzer_;
  PathSampler sampler_;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_ANALYZE_H_
