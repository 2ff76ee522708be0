// Keeping credentials out of messages: header values that may carry secrets
// are shown as "***" (Authorization keeps its scheme: "Bearer ***").
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_

#include <string>
#include <string_view>
#include <vector>

namespace trace_analyze::jaeger_client {

struct ClientOptions;

// Whether a header's value must never be shown: Authorization,
// Proxy-Authorization, Cookie, and any name containing "token", "key",
// "secret", "password" or "auth" (case-insensitive).
bool IsSensitiveHeader(std::string_view name);

// "Name: value" for logs, with the value redacted when sensitive.
std::string RedactedHeader(std::string_view name, std::string_view value);

// The credentials `options` sends: the bearer token and the values of
// sensitive headers (for "Authorization: Bearer X" also X).
std::vector<std::string> SecretsOf(const ClientOptions& options);

// `text` with every occurrence of a secret replaced by "***". Servers may
// echo request headers in their error bodies or gRPC status messages, and
// those reach our messages: every CallError message goes through this.
std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_REDACT_H_
