#include "input/internal/delivery.h"

namespace trace_analyze::input::internal {

Status Delivery::Deliver(analyzer::Trace& trace, analyzer::TraceAnalysis* prepared) {
  if (analyzer_ == nullptr) return (*plain_)(trace);
  const analyzer::CriticalPath& path =
      prepared != nullptr ? analyzer_->Add(*prepared) : analyzer_->Analyze(trace);
  if (*analyzed_) (*analyzed_)(trace, path);
  return OkStatus();
}

}  // namespace trace_analyze::input::internal
