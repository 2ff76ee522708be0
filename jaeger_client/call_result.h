// CallResult: the outcome of one call to a Jaeger server. Like Result<T>, but
// the error carries a kind, because the client reacts differently to "trace
// not found" (report it, go on), "endpoint not served" (try another API),
// "unavailable" (retry) and "bad request" (give up).
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_CALL_RESULT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_CALL_RESULT_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "analyzer/status.h"

namespace trace_analyze::jaeger_client {

enum class CallErrorKind {
  kNotFound,     // the trace does not exist (HTTP 404 "trace not found", gRPC NOT_FOUND)
  kNotServed,    // this API/endpoint is not served (404 page, HTML index, UNIMPLEMENTED)
  kBadRequest,   // the server refused the request (HTTP 400, INVALID_ARGUMENT): not retried
  kAuth,         // HTTP 401/403, UNAUTHENTICATED, PERMISSION_DENIED
  kUnavailable,  // connection refused/reset, DNS, HTTP 502/503/504, UNAVAILABLE: retried
  kTimeout,      // no answer in time (DEADLINE_EXCEEDED, curl timeout): retried
  kServer,       // other 5xx, INTERNAL, UNKNOWN: retried
  kTls,          // TLS handshake or certificate failure: not retried
  kMalformed,    // truncated or undecodable body: retried (it may be a dropped connection)
  kTooLarge,     // the response exceeds ClientOptions::max_response_bytes: not retried
};

// "not found", "not served", ... for messages and tests.
std::string_view CallErrorKindName(CallErrorKind kind);

// Whether an idempotent call that failed this way is worth retrying.
bool IsRetryable(CallErrorKind kind);

struct CallError {
  CallErrorKind kind = CallErrorKind::kServer;
  // Names the server, the API, the call and the cause, e.g.
  // "http://jaeger:16686 (HTTP /api): GET /api/traces/4bf9...: HTTP 404: trace not found".
  // Never contains credentials.
  std::string message;

  // Every call failure is a backend error for the CLI (exit code 3).
  Error ToError() const { return Error{ErrorCode::kBackend, message}; }
};

template <class T>
class [[nodiscard]] CallResult {
 public:
  CallResult(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  CallResult(CallError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const CallError& error() const { return std::get<1>(v_); }
  CallError& error() { return std::get<1>(v_); }

 private:
  std::variant<T, CallError> v_;
};

using CallStatus = CallResult<Ok>;
inline CallStatus CallOk() { return Ok{}; }

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_CALL_RESULT_H_
