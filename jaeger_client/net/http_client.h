// A small libcurl client for the Jaeger HTTP APIs: GET only, connection reuse
// (a pool of easy handles, one per concurrent request), HTTP/2 when the server
// offers it over TLS (ALPN), gzip/deflate/br/zstd transfer decoding, TLS
// options, timeouts, and the request headers every call carries.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_CLIENT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_CLIENT_H_

#include <mutex>
#include <string>
#include <vector>

#include "jaeger_client/call_result.h"
#include "jaeger_client/client_options.h"

namespace trace_analyze::jaeger_client::net {

struct HttpResponse {
  long status = 0;           // NOLINT(runtime/int): libcurl's type
  std::string content_type;  // lower-cased, parameters dropped: "application/json"
  std::string body;          // decoded (gzip etc. undone)
};

class HttpClient {
 public:
  // `options` must outlive the client.
  explicit HttpClient(const ClientOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs the server's origin + `path_and_query` (which starts with '/' and
  // includes any base path). Any HTTP
  // status is a response; transport failures are CallErrors: kUnavailable
  // (refused, reset, DNS, empty reply), kTimeout, kTls, kMalformed (truncated
  // or undecodable body). Their messages are "GET <path>: <cause>"; the
  // caller prefixes the server. Thread-safe.
  CallResult<HttpResponse> Get(const std::string& path_and_query);

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  const ClientOptions& options_;
  std::string base_url_;
  void* headers_ = nullptr;  // curl_slist*
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles, each keeping its connections alive
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_CLIENT_H_
