// AutoTraceSource (--api auto): speaks the first API of a list that the
// server serves, per kind of call. A call that fails with kNotServed (404
// page, HTML index page, gRPC UNIMPLEMENTED) is repeated with the next API,
// and the one that worked is remembered for the rest of the run. Order: HTTP
// /api then /api/v3 (all versions serve /api/traces/{id}; the /api searches
// are gone after v2.20), gRPC api_v3 then api_v2.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_AUTO_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_AUTO_SOURCE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client {

class AutoTraceSource : public TraceSource {
 public:
  // `candidates` in order of preference (at least one). `log` (may be empty)
  // hears about each fallback.
  AutoTraceSource(std::vector<std::unique_ptr<TraceSource>> candidates,
                  std::function<void(std::string_view)> log);

  // The API used by the last search or fetch, e.g. "http://h:16686 (HTTP /api/v3)".
  std::string Describe() const override;
  CallResult<std::vector<std::string>> Services() override;
  CallResult<std::vector<OperationInfo>> Operations(const std::string& service) override;
  CallResult<size_t> Search(const SearchQuery& query, const formats::TraceCallback& on_trace,
                            input::ReadStats* stats) override;
  CallStatus GetTrace(const std::string& trace_id, const formats::TraceCallback& on_trace,
                      input::ReadStats* stats) override;

 private:
  enum CallKind { kList, kSearch, kGet, kCallKinds };

  template <class T>
  CallResult<T> Try(CallKind kind, const std::function<CallResult<T>(TraceSource&)>& call);

  std::vector<std::unique_ptr<TraceSource>> candidates_;
  std::function<void(std::string_view)> log_;
  std::atomic<size_t> preferred_[kCallKinds] = {0, 0, 0};
  std::atomic<size_t> last_used_{0};
};

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_AUTO_SOURCE_H_
