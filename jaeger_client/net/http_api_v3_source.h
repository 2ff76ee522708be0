// TraceSource over the api_v3 HTTP gateway (/api/v3/*, OTLP JSON):
// docs/jaeger.md ("Server and API"). Uses the snake_case parameter names and
// query.num_traces, which every server from v1.54 on accepts. Servers before
// v2.19 ignore query.attributes (--tag); "no traces" is a 404 here.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V3_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V3_SOURCE_H_

#include <string>
#include <vector>

#include "jaeger_client/net/http_api_common.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client::net {

class HttpApiV3Source : public TraceSource, private HttpApiBase {
 public:
  // `options` must outlive the source.
  explicit HttpApiV3Source(const ClientOptions& options);

  std::string Describe() const override { return HttpApiBase::Describe(); }
  CallResult<std::vector<std::string>> Services() override;
  CallResult<std::vector<OperationInfo>> Operations(const std::string& service) override;
  CallResult<size_t> Search(const SearchQuery& query, const formats::TraceCallback& on_trace,
                            input::ReadStats* stats) override;
  CallStatus GetTrace(const std::string& trace_id, const formats::TraceCallback& on_trace,
                      input::ReadStats* stats) override;
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_V3_SOURCE_H_
