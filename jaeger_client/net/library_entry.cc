// The one symbol libtrace-analyze-net.so exports (see network_api.h).
#include "jaeger_client/net/network_sources.h"

extern "C" __attribute__((visibility("default"))) const trace_analyze::jaeger::NetworkApi*
trace_analyze_network_api() {
  return trace_analyze::jaeger::NetworkApiOfThisLibrary();
}
