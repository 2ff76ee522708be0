#include "jaeger_client/redact.h"

#include <fmt/format.h>

namespace trace_analyze::jaeger {
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

}  // namespace trace_analyze::jaeger
