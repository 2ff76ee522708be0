#include "jaeger_client/net/network_sources.h"

#include <string>
#include <utility>
#include <vector>

#include "jaeger_client/auto_source.h"
#include "jaeger_client/net/grpc_api_v2_source.h"
#include "jaeger_client/net/grpc_api_v3_source.h"
#include "jaeger_client/net/grpc_common.h"
#include "jaeger_client/net/http_api_v1_source.h"
#include "jaeger_client/net/http_api_v3_source.h"

namespace trace_analyze::jaeger {
namespace {

using SourcePtr = std::unique_ptr<TraceSource>;

}  // namespace

Result<std::unique_ptr<TraceSource>> MakeNetworkTraceSource(const ClientOptions& options,
                                                            ApiKind api) {
  const bool grpc = options.server.grpc();
  if (!grpc) {
    if (api == ApiKind::kHttpV1) return SourcePtr(std::make_unique<HttpApiV1Source>(options));
    if (api == ApiKind::kHttpV3) return SourcePtr(std::make_unique<HttpApiV3Source>(options));
    std::vector<std::unique_ptr<TraceSource>> candidates;
    candidates.push_back(std::make_unique<HttpApiV1Source>(options));
    candidates.push_back(std::make_unique<HttpApiV3Source>(options));
    return SourcePtr(std::make_unique<AutoTraceSource>(std::move(candidates), options.log));
  }
  Result<std::shared_ptr<grpc::Channel>> channel = MakeGrpcChannel(options);
  if (!channel.ok()) return channel.error();
  if (api == ApiKind::kGrpcV2)
    return SourcePtr(std::make_unique<GrpcApiV2Source>(options, channel.value()));
  if (api == ApiKind::kGrpcV3)
    return SourcePtr(std::make_unique<GrpcApiV3Source>(options, channel.value()));
  std::vector<std::unique_ptr<TraceSource>> candidates;
  candidates.push_back(std::make_unique<GrpcApiV3Source>(options, channel.value()));
  candidates.push_back(std::make_unique<GrpcApiV2Source>(options, channel.value()));
  return SourcePtr(std::make_unique<AutoTraceSource>(std::move(candidates), options.log));
}

const NetworkApi* NetworkApiOfThisLibrary() {
  static constexpr NetworkApi kApi{kNetworkApiVersion, &MakeNetworkTraceSource};
  return &kApi;
}

}  // namespace trace_analyze::jaeger
