// TraceSource over gRPC jaeger.api_v3.QueryService (docs/jaeger.md, "Wire details"):
// OTLP TracesData, one message per trace. A missing trace is NOT_FOUND on
// newer servers and an empty OK stream up to v2.20; both mean kNotFound.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V3_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V3_SOURCE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "jaeger/api_v3/query_service.grpc.pb.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client::net {

class GrpcApiV3Source : public TraceSource {
 public:
  // `options` must outlive the source.
  GrpcApiV3Source(const ClientOptions& options, std::shared_ptr<grpc::Channel> channel);

  std::string Describe() const override;
  CallResult<std::vector<std::string>> Services() override;
  CallResult<std::vector<OperationInfo>> Operations(const std::string& service) override;
  CallResult<size_t> Search(const SearchQuery& query, const formats::TraceCallback& on_trace,
                            input::ReadStats* stats) override;
  CallStatus GetTrace(const std::string& trace_id, const formats::TraceCallback& on_trace,
                      input::ReadStats* stats) override;

 private:
  const ClientOptions& options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::jaeger::api_v3::QueryService::Stub> stub_;
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V3_SOURCE_H_
