#include "jaeger_client/redact.h"

#include <fmt/format.h>

#include "jaeger_client/client_options.h"

namespace trace_analyze::jaeger_client {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

bool IsSensitiveHeader(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "authorization" || n == "proxy-authorization" || n == "cookie") return true;
  for (const char* word : {"token", "key", "secret", "password", "auth"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactedHeader(std::string_view name, std::string_view value) {
  if (!IsSensitiveHeader(name)) return fmt::format("{}: {}", name, value);
  const size_t space = value.find(' ');
  if (Lower(name) == "authorization" && space != std::string_view::npos) {
    return fmt::format("{}: {} ***", name, value.substr(0, space));
  }
  return fmt::format("{}: ***", name);
}

std::vector<std::string> SecretsOf(const ClientOptions& options) {
  std::vector<std::string> out;
  if (!options.bearer_token.empty()) out.push_back(options.bearer_token);
  for (const auto& [name, value] : options.headers) {
    if (!IsSensitiveHeader(name) || value.empty()) continue;
    out.push_back(value);
    const size_t space = value.find(' ');
    if (space != std::string::npos && space + 1 < value.size())
      out.push_back(value.substr(space + 1));
  }
  return out;
}

std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace trace_analyze::jaeger_client
