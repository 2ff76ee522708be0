// TraceSource over gRPC jaeger.api_v2.QueryService (docs/jaeger.md, "Wire details"):
// Jaeger's own span model, streamed in chunks of at most 10 spans. Missing
// trace: NOT_FOUND. Every search sets start/end and search_depth, since the
// API has no defaults for them.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V2_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V2_SOURCE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "jaeger/api_v2/query.grpc.pb.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client::net {

class GrpcApiV2Source : public TraceSource {
 public:
  // `options` must outlive the source.
  GrpcApiV2Source(const ClientOptions& options, std::shared_ptr<grpc::Channel> channel);

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
  std::unique_ptr<::jaeger::api_v2::QueryService::Stub> stub_;
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_API_V2_SOURCE_H_
