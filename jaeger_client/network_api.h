// The boundary between trace-analyze and its network clients.
//
// The Jaeger query clients (jaeger_client/net: libcurl, gRPC, protobuf) are a
// separate library, so that reading files never loads them: they bring ~80
// shared libraries whose loading took ~30 ms of every run, most of the
// start-up. The executable loads the library (libtrace-analyze-net.so, next
// to it) at the first MakeTraceSource() call; tests link it in instead
// (trace_analyze::jaeger_net_linked), which registers it before main.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NETWORK_API_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NETWORK_API_H_

#include <memory>

#include "analyzer/status.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger {

// What the network library provides. Both sides are built from the same
// sources in the same build; `version` guards against a library left over
// from another build.
struct NetworkApi {
  int version = 0;
  Result<std::unique_ptr<TraceSource>> (*make_source)(const ClientOptions& options,
                                                      ApiKind api) = nullptr;
};

// Bump when NetworkApi or a type it passes changes.
inline constexpr int kNetworkApiVersion = 1;
// The library's file name and its one exported symbol, a C function
// `const NetworkApi* trace_analyze_network_api()`.
inline constexpr char kNetworkLibraryName[] = "libtrace-analyze-net.so";
inline constexpr char kNetworkApiSymbol[] = "trace_analyze_network_api";

// Makes MakeTraceSource() use `api` (linked into the process) instead of
// loading the library. Called before main by jaeger_net_linked.
void RegisterNetworkApi(const NetworkApi* api);

}  // namespace trace_analyze::jaeger

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NETWORK_API_H_
