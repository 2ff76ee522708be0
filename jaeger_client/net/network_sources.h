// The network library's side of network_api.h: the Jaeger query clients
// behind MakeTraceSource() (jaeger_client/source_factory.h).
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_NETWORK_SOURCES_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_NETWORK_SOURCES_H_

#include <memory>

#include "jaeger_client/network_api.h"

namespace trace_analyze::jaeger {

// MakeTraceSource() as documented in source_factory.h, once it has checked
// `api` against the URL and the TLS files (without loading this library).
Result<std::unique_ptr<TraceSource>> MakeNetworkTraceSource(const ClientOptions& options,
                                                            ApiKind api);

// {kNetworkApiVersion, MakeNetworkTraceSource}.
const NetworkApi* NetworkApiOfThisLibrary();

}  // namespace trace_analyze::jaeger

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_NETWORK_SOURCES_H_
