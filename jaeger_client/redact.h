// Keeping credentials out of messages: header values that may carry secrets
// are shown as "***" (Authorization keeps its scheme: "Bearer ***").
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_

#include <string>
#include <string_view>

namespace trace_analyze::jaeger {

// Whether a header's value must never be shown: Authorization,
// Proxy-Authorization, Cookie, and any name containing "token", "key",
// "secret", "password" or "auth" (case-insensitive).
bool IsSensitiveHeader(std::string_view name);

// "Name: value" for logs, with the value redacted when sensitive.
std::string RedactedHeader(std::string_view name, std::string_view value);

}  // namespace trace_analyze::jaeger

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_
