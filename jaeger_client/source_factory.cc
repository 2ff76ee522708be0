#include "jaeger_client/source_factory.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "jaeger_client/network_api.h"

namespace trace_analyze::jaeger {
namespace {

std::atomic<const NetworkApi*> registered_api{nullptr};

// Usage errors are told before the library is loaded: they need no network
// code, and stay usage errors (exit 2) when the library is missing.
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

// Loads the library once per process, from the executable's folder (where
// the build puts it) or else wherever the dynamic linker finds it; the handle
// is never closed.
Result<const NetworkApi*> LoadNetworkApi() {
  static std::once_flag once;
  static Result<const NetworkApi*> loaded = Error{ErrorCode::kBackend, ""};
  std::call_once(once, [] {
    std::error_code ec;
    const std::filesystem::path folder =
        std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    const std::filesystem::path beside = folder / kNetworkLibraryName;
    const std::string path =
        !ec && std::filesystem::exists(beside, ec) ? beside.string() : kNetworkLibraryName;
    auto fail = [&](const std::string& why) {
      loaded = Error{ErrorCode::kBackend,
                     fmt::format("the Jaeger clients ({}) could not be loaded: {}; the library is "
                                 "built with trace-analyze and belongs in the same folder ({})",
                                 kNetworkLibraryName, why, folder.string())};
    };
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      return fail(why != nullptr ? why : "dlopen failed");
    }
    using Entry = const NetworkApi* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, kNetworkApiSymbol));
    const NetworkApi* api = entry != nullptr ? entry() : nullptr;
    if (api == nullptr || api->make_source == nullptr) {
      return fail(fmt::format("{} has no {}", path, kNetworkApiSymbol));
    }
    if (api->version != kNetworkApiVersion) {
      return fail(fmt::format("{} is from another build (interface version {}, expected {})", path,
                              api->version, kNetworkApiVersion));
    }
    loaded = api;
  });
  return loaded;
}

}  // namespace

void RegisterNetworkApi(const NetworkApi* api) { registered_api.store(api); }

Result<std::unique_ptr<TraceSource>> MakeTraceSource(const ClientOptions& options, ApiKind api) {
  if (Status s = CheckUsage(options, api); !s.ok()) return s.error();
  const NetworkApi* network = registered_api.load();
  if (network == nullptr) {
    Result<const NetworkApi*> loaded = LoadNetworkApi();
    if (!loaded.ok()) return loaded.error();
    network = loaded.value();
  }
  return network->make_source(options, api);
}

}  // namespace trace_analyze::jaeger
