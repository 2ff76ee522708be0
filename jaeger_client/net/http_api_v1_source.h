// TraceSource over Jaeger's internal HTTP JSON API (/api/*, UI JSON):
// docs/jaeger.md ("Server and API"). Present in every Jaeger version, but the search and
// listing endpoints are gone after v2.20 (they answer 404 "404 page not
// found", or the UI's index.html on older routers): those calls then fail
// with kNotServed, which AutoTraceSource takes as "use /api/v3".
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V1_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V1_SOURCE_H_

#include <string>
#include <vector>

#include "jaeger_client/net/http_api_common.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client::net {

class HttpApiV1Source : public TraceSource, private HttpApiBase {
 public:
  // `options` must outlive the source.
  explicit HttpApiV1Source(const ClientOptions& options);

  std::string Describe() const override { return HttpApiBase::Describe(); }
  CallResult<std::vector<std::string>> Services() override;
  CallResult<std::vector<OperationInfo>> Operations(const std::string& service) override;
  CallResult<size_t> Search(const SearchQuery& query, const formats::TraceCallback& on_trace,
                            input::ReadStats* stats) override;
  CallStatus GetTrace(const std::string& trace_id, const formats::TraceCallback& on_trace,
                      input::ReadStats* stats) override;
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V1_SOURCE_H_
