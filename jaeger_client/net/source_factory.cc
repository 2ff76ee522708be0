#include "jaeger_client/net/source_factory.h"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jaeger_client/auto_source.h"
#include "jaeger_client/net/grpc_api_v2_source.h"
#include "jaeger_client/net/grpc_api_v3_source.h"
#include "jaeger_client/net/grpc_common.h"
#include "jaeger_client/net/http_api_v1_source.h"
#include "jaeger_client/net/http_api_v3_source.h"

namespace trace_analyze::jaeger_client::net {
namespace {

// Usage errors (exit 2) are told before any connection is made.
Status CheckUsage(const ClientOptions& options, ApiKind api) {
  const bool grpc = options.server.grpc();
  const bool grpc_api = api == ApiKind::kGrpcV2 || api == ApiKind::kGrpcV3;
  const bool http_api = api == ApiKind::kHttpV1 || api == ApiKind::kHttpV3;
  if ((grpc && http_api) || (!grpc && grpc_api)) {
    return Error{ErrorCode::kInput,
                 fmt::format("--api {} does not go with --jaeger {}: use {}", ApiFlagName(api),
                             options.server.Display(),
                             grpc ? "auto, grpc-v2 or grpc-v3 for grpc(s):// URLs"
                                  : "auto, http or http-v3 for http(s):// URLs")};
  }
  // TLS files are checked before anything is sent, so that a typo is a usage
  // error rather than a TLS failure of the first call (gRPC reads them into
  // the channel credentials anyway).
  for (const auto& [path, flag] :
       {std::pair{&options.ca_file, "--ca-file"}, std::pair{&options.cert_file, "--cert"},
        std::pair{&options.key_file, "--key"}}) {
    if (path->empty() || std::ifstream(*path, std::ios::binary).good()) continue;
    return Error{ErrorCode::kInput, fmt::format("{} {}: cannot read the file", flag, *path)};
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<TraceSource>> MakeTraceSource(const ClientOptions& options, ApiKind api) {
  if (Status s = CheckUsage(options, api); !s.ok()) return s.error();
  using SourcePtr = std::unique_ptr<TraceSource>;
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

}  // namespace trace_analyze::jaeger_client::net
