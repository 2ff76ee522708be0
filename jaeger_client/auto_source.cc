#include "jaeger_client/auto_source.h"

#include <fmt/format.h>

#include <utility>

namespace trace_analyze::jaeger_client {

AutoTraceSource::AutoTraceSource(std::vector<std::unique_ptr<TraceSource>> candidates,
                                 std::function<void(std::string_view)> log)
    : candidates_(std::move(candidates)), log_(std::move(log)) {}

std::string AutoTraceSource::Describe() const { return candidates_[last_used_.load()]->Describe(); }

template <class T>
CallResult<T> AutoTraceSource::Try(CallKind kind,
                                   const std::function<CallResult<T>(TraceSource&)>& call) {
  std::string not_served;  // why earlier APIs were skipped, for the final message
  for (size_t i = preferred_[kind].load(); i < candidates_.size(); ++i) {
    last_used_ = i;
    CallResult<T> result = call(*candidates_[i]);
    if (result.ok() || result.error().kind != CallErrorKind::kNotServed ||
        i + 1 == candidates_.size()) {
      if (result.ok()) preferred_[kind] = i;
      if (!result.ok() && !not_served.empty()) {
        result.error().message += " (after trying: " + not_served + ")";
      }
      return result;
    }
    if (log_) {
      log_(fmt::format("{}; falling back to {}", result.error().message,
                       candidates_[i + 1]->Describe()));
    }
    if (!not_served.empty()) not_served += "; ";
    not_served += result.error().message;
  }
  return CallError{CallErrorKind::kNotServed, "no API left to try: " + not_served};
}

CallResult<std::vector<std::string>> AutoTraceSource::Services() {
  return Try<std::vector<std::string>>(kList, [](TraceSource& s) { return s.Services(); });
}

CallResult<std::vector<OperationInfo>> AutoTraceSource::Operations(const std::string& service) {
  return Try<std::vector<OperationInfo>>(kList,
                                         [&](TraceSource& s) { return s.Operations(service); });
}

CallResult<size_t> AutoTraceSource::Search(const SearchQuery& query,
                                           const formats::TraceCallback& on_trace,
                                           input::ReadStats* stats) {
  return Try<size_t>(kSearch, [&](TraceSource& s) { return s.Search(query, on_trace, stats); });
}

CallStatus AutoTraceSource::GetTrace(const std::string& trace_id,
                                     const formats::TraceCallback& on_trace,
                                     input::ReadStats* stats) {
  return Try<Ok>(kGet, [&](TraceSource& s) { return s.GetTrace(trace_id, on_trace, stats); });
}

}  // namespace trace_analyze::jaeger_client
