// Delivery: where decoded traces go. Either straight to a TraceCallback, or
// through a TraceAnalyzer: then each trace is prepared (normalised, its
// critical path, summary and findings computed) on the decoding lane that
// holds it, and added to the analyzer in input order. The prepared results
// travel beside the trace (in the decoder's slots), never inside it.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_DELIVERY_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_DELIVERY_H_

#include <cstddef>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/status.h"
#include "analyzer/trace_analysis.h"
#include "formats/trace_callback.h"
#include "input/input.h"

namespace trace_analyze::input::internal {

class Delivery {
 public:
  // Both must outlive the delivery.
  explicit Delivery(const formats::TraceCallback& on_trace) : plain_(&on_trace) {}
  // With `lanes` decoding lanes (>= 1).
  Delivery(analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace, size_t lanes)
      : analyzer_(&analyzer), analyzed_(&on_trace), computers_(lanes) {}

  // Whether traces are worth preparing on the decoding lanes.
  bool prepares() const { return analyzer_ != nullptr; }

  // The per-trace work, into *out, on lane `lane` (< the lanes given). Lanes
  // may run at once; each touches only its own state.
  void Prepare(analyzer::Trace& trace, size_t lane, analyzer::TraceAnalysis* out) {
    analyzer_->Prepare(trace, computers_[lane], out);
  }

  // Hands `trace` over, in input order, one call at a time. `prepared` is
  // what Prepare() computed for it, or null when it was not prepared.
  Status Deliver(analyzer::Trace& trace, analyzer::TraceAnalysis* prepared);

 private:
  const formats::TraceCallback* plain_ = nullptr;
  analyzer::TraceAnalyzer* analyzer_ = nullptr;
  const AnalyzedTraceCallback* analyzed_ = nullptr;
  std::vector<analyzer::CriticalPathComputer> computers_;  // one per lane
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_DELIVERY_H_
