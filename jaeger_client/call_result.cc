#include "jaeger_client/call_result.h"

namespace trace_analyze::jaeger_client {

std::string_view CallErrorKindName(CallErrorKind kind) {
  switch (kind) {
    case CallErrorKind::kNotFound:
      return "not found";
    case CallErrorKind::kNotServed:
      return "not served";
    case CallErrorKind::kBadRequest:
      return "bad request";
    case CallErrorKind::kAuth:
      return "not authorised";
    case CallErrorKind::kUnavailable:
      return "unavailable";
    case CallErrorKind::kTimeout:
      return "timeout";
    case CallErrorKind::kServer:
      return "server error";
    case CallErrorKind::kTls:
      return "TLS failure";
    case CallErrorKind::kMalformed:
      return "malformed response";
    case CallErrorKind::kTooLarge:
      return "response too large";
  }
  return "error";
}

bool IsRetryable(CallErrorKind kind) {
  return kind == CallErrorKind::kUnavailable || kind == CallErrorKind::kTimeout ||
         kind == CallErrorKind::kServer || kind == CallErrorKind::kMalformed;
}

}  // namespace trace_analyze::jaeger_client
