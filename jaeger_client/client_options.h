// How to reach a Jaeger server: its URL, which query API to speak, credentials,
// TLS, timeouts and retries. Shared by the HTTP and gRPC clients.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_CLIENT_OPTIONS_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_CLIENT_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/status.h"

namespace trace_analyze::jaeger_client {

// The query APIs (docs/jaeger.md, "Server and API").
enum class ApiKind {
  kAuto,    // probe: HTTP /api then /api/v3; gRPC api_v3 then api_v2
  kHttpV1,  // internal HTTP JSON API /api/* (UI JSON)
  kHttpV3,  // api_v3 HTTP gateway /api/v3/* (OTLP JSON)
  kGrpcV2,  // gRPC jaeger.api_v2.QueryService
  kGrpcV3,  // gRPC jaeger.api_v3.QueryService
};

// --api spelling: "auto", "http", "http-v3", "grpc-v2", "grpc-v3".
std::string_view ApiFlagName(ApiKind api);
std::optional<ApiKind> ParseApiFlag(std::string_view name);
// For messages: "HTTP /api", "HTTP /api/v3", "gRPC api_v2", "gRPC api_v3", "auto".
std::string_view ApiLabel(ApiKind api);

// A parsed --jaeger URL. http(s)://host[:port][/base-path] (port defaults to
// 80/443, as in any URL) or grpc(s)://host[:port] (port defaults to 16685).
struct ServerUrl {
  std::string scheme;  // "http", "https", "grpc", "grpcs"
  std::string host;    // as written; IPv6 literals keep their brackets
  int port = 0;
  std::string base_path;  // "" or "/jaeger" (no trailing slash); HTTP only

  bool tls() const { return scheme == "https" || scheme == "grpcs"; }
  bool grpc() const { return scheme == "grpc" || scheme == "grpcs"; }
  // "http://host:16686/jaeger": names the server in every message.
  std::string Display() const;
  // "http://host:16686": scheme and authority, without the base path.
  std::string Origin() const;
  // "host:port", the gRPC target.
  std::string HostPort() const;
  // Whether the host is a loopback address (tokens over plaintext are fine there).
  bool IsLoopback() const;
};

// Parses --jaeger. Errors (kInput) say what is wrong with the URL.
Result<ServerUrl> ParseServerUrl(std::string_view url);

// Retries of idempotent calls (all query calls are) on unavailable servers,
// 5xx, timeouts and truncated bodies: exponential backoff with jitter.
struct RetryPolicy {
  int max_attempts = 3;  // 1 = no retry
  int64_t initial_backoff_ms = 200;
  int64_t max_backoff_ms = 5000;
};

struct ClientOptions {
  ServerUrl server;
  // Extra request headers (HTTP) / metadata (gRPC, keys lower-cased).
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as "Authorization: Bearer <token>". Never printed or logged.
  std::string bearer_token;
  std::string tenant;  // "" = none; sent in tenant_header
  std::string tenant_header = "x-tenant";
  std::string ca_file;         // PEM bundle to verify the server with
  std::string cert_file;       // client certificate (PEM) for mutual TLS
  std::string key_file;        // its private key (PEM)
  bool insecure = false;       // skip server certificate verification (only when asked)
  int64_t timeout_ms = 30000;  // per call (request + whole response)
  int64_t connect_timeout_ms = 10000;
  // The most one call may buffer: an HTTP body after decompression, the
  // messages of a gRPC stream together. Larger responses fail (kTooLarge)
  // instead of exhausting memory.
  int64_t max_response_bytes = int64_t{512} << 20;
  RetryPolicy retry;
  // Verbose log sink (one line per request, credentials redacted); may be empty.
  std::function<void(std::string_view)> log;
};

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_CLIENT_OPTIONS_H_
