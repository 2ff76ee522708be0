// Builds the TraceSource for a --jaeger URL and --api choice.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_SOURCE_FACTORY_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_SOURCE_FACTORY_H_

#include <memory>

#include "analyzer/status.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client::net {

// http(s):// URLs take auto, http, http-v3; grpc(s):// URLs take auto,
// grpc-v2, grpc-v3; anything else is a usage error (kInput). `options` must
// outlive the source. Nothing is sent until the first call.
Result<std::unique_ptr<TraceSource>> MakeTraceSource(const ClientOptions& options, ApiKind api);

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_SOURCE_FACTORY_H_
