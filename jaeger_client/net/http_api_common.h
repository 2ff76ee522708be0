// What the two HTTP APIs share: URL encoding, reading Jaeger's error bodies
// (sent as text/plain although they hold JSON), telling "this endpoint is not
// served" (Go's "404 page not found", or the UI's index.html) from real
// answers, and decoding trace bodies with the file decoders.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_COMMON_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_COMMON_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "input/input.h"
#include "jaeger_client/call_result.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/net/http_client.h"

namespace trace_analyze::jaeger_client::net {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view s);

// The error text of a response: /api's errors[0].msg, api_v3's
// error.message, "an HTML page", or the body's first line (shortened).
std::string ErrorText(const HttpResponse& response);

// Whether the response is an HTML page (the UI's index.html answers unknown
// paths on servers before v2.16).
bool IsHtml(const HttpResponse& response);

// Whether a 404 came from the router (no such endpoint) rather than from
// Jaeger's handler (a JSON error envelope such as "trace not found").
bool IsRouterNotFound(const HttpResponse& response);

// Shared plumbing of HttpApiV1Source and HttpApiV3Source.
class HttpApiBase {
 public:
  HttpApiBase(const ClientOptions& options, ApiKind api);

  std::string Describe() const;

 protected:
  // GET with retries; every failure message is prefixed with Describe().
  CallResult<HttpResponse> Get(const std::string& path);

  // A failure of `call` ("GET /api/services"): "<server> (<api>): <call>: <what>".
  CallError Fail(CallErrorKind kind, std::string_view call, std::string_view what) const;

  // The CallError for a non-200 response (404 counts as kNotServed here;
  // callers that know better handle 404 first).
  CallError StatusError(const HttpResponse& response, std::string_view call) const;

  // OK for a 200 answer of `call` that is not an HTML page (which a UI
  // serves for paths it does not know: kNotServed); else the error.
  CallStatus ExpectJsonAnswer(const HttpResponse& response, std::string_view call) const;

  // Decodes a 200 trace body (any format the file reader knows), delivering
  // traces only once the whole body decoded. Returns the trace count.
  CallResult<size_t> DecodeTraces(const HttpResponse& response, std::string_view call,
                                  const formats::TraceCallback& on_trace,
                                  input::ReadStats* stats) const;

  const ClientOptions& options_;
  ApiKind api_;
  HttpClient http_;
  std::vector<std::string> secrets_;  // scrubbed from every message (redact.h)
};

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_HTTP_API_COMMON_H_
