// Linked into processes that contain the network clients (tests, fuzzers):
// MakeTraceSource() uses them directly instead of loading the library.
#include "jaeger_client/net/network_sources.h"

namespace trace_analyze::jaeger {
namespace {

const bool kRegistered = (RegisterNetworkApi(NetworkApiOfThisLibrary()), true);

}  // namespace
}  // namespace trace_analyze::jaeger
