// AnalysisLanes: analyses traces that arrive one at a time from a source
// that decodes them itself (a Jaeger server fetch) on several threads, with
// the result of analysing them in turn: each trace is prepared
// (TraceAnalyzer::Prepare) on a worker thread, then added to the analyzer
// and handed to `on_trace` in submission order, on the submitting thread.
#ifndef TRACE_ANALYZE_INPUT_ANALYSIS_LANES_H_
#define TRACE_ANALYZE_INPUT_ANALYSIS_LANES_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/trace_analysis.h"
#include "input/input.h"

namespace trace_analyze::input {

class AnalysisLanes {
 public:
  // `analyzer` and `on_trace` must outlive this; `lanes` >= 1 worker threads.
  AnalysisLanes(analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace,
                size_t lanes);
  // Finish()es.
  ~AnalysisLanes();
  AnalysisLanes(const AnalysisLanes&) = delete;
  AnalysisLanes& operator=(const AnalysisLanes&) = delete;

  // Takes `trace` (it is moved from) and hands over every trace already
  // prepared, in order. Blocks while a few traces per lane are in flight,
  // so memory stays bounded whatever the producer's pace.
  void Submit(analyzer::Trace& trace);

  // Hands over every trace submitted; the workers stop. Idempotent.
  void Finish();

 private:
  struct Slot {
    analyzer::Trace trace;
    analyzer::TraceAnalysis analysis;
    bool done = false;
  };
  void Work(size_t lane);
  // Adds and hands over the prepared traces at the front, in order.
  // Requires lock on mu_; releases it around the callback.
  void CommitReady(std::unique_lock<std::mutex>& lock);

  analyzer::TraceAnalyzer& analyzer_;
  const AnalyzedTraceCallback& on_trace_;
  const size_t max_in_flight_;
  std::vector<analyzer::CriticalPathComputer> computers_;  // one per lane
  std::vector<std::thread> workers_;

  std::mutex mu_;
  std::condition_variable work_;  // workers: a slot to prepare, or stopping
  std::condition_variable done_;  // submitter: a slot prepared
  std::deque<Slot> slots_;        // in submission order; front is the next to commit
  size_t next_to_prepare_ = 0;    // index into slots_ of the first slot no worker took
  bool stopping_ = false;
};

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_ANALYSIS_LANES_H_
