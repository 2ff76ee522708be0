#include "jaeger_client/client_options.h"

#include <fmt/format.h>

#include <charconv>

namespace trace_analyze::jaeger_client {

std::string_view ApiFlagName(ApiKind api) {
  switch (api) {
    case ApiKind::kAuto:
      return "auto";
    case ApiKind::kHttpV1:
      return "http";
    case ApiKind::kHttpV3:
      return "http-v3";
    case ApiKind::kGrpcV2:
      return "grpc-v2";
    case ApiKind::kGrpcV3:
      return "grpc-v3";
  }
  return "auto";
}

std::optional<ApiKind> ParseApiFlag(std::string_view name) {
  for (ApiKind api :
       {ApiKind::kAuto, ApiKind::kHttpV1, ApiKind::kHttpV3, ApiKind::kGrpcV2, ApiKind::kGrpcV3}) {
    if (ApiFlagName(api) == name) return api;
  }
  return std::nullopt;
}

std::string_view ApiLabel(ApiKind api) {
  switch (api) {
    case ApiKind::kAuto:
      return "auto";
    case ApiKind::kHttpV1:
      return "HTTP /api";
    case ApiKind::kHttpV3:
      return "HTTP /api/v3";
    case ApiKind::kGrpcV2:
      return "gRPC api_v2";
    case ApiKind::kGrpcV3:
      return "gRPC api_v3";
  }
  return "auto";
}

std::string ServerUrl::HostPort() const { return fmt::format("{}:{}", host, port); }

std::string ServerUrl::Origin() const { return fmt::format("{}://{}:{}", scheme, host, port); }

std::string ServerUrl::Display() const {
  return fmt::format("{}://{}:{}{}", scheme, host, port, base_path);
}

bool ServerUrl::IsLoopback() const {
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

Result<ServerUrl> ParseServerUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Error{ErrorCode::kInput,
                 fmt::format("--jaeger '{}': {} (expected http(s)://host:16686[/base-path] or "
                             "grpc(s)://host:16685)",
                             url, why)};
  };
  ServerUrl out;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("no scheme");
  out.scheme = std::string(url.substr(0, sep));
  for (char& c : out.scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (out.scheme != "http" && out.scheme != "https" && out.scheme != "grpc" &&
      out.scheme != "grpcs") {
    return bad(fmt::format("unsupported scheme '{}'", out.scheme));
  }
  std::string_view rest = url.substr(sep + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad("credentials in the URL are not supported; use --token-env or --header");
  }
  if (path.find_first_of("?#") != std::string_view::npos) return bad("query or fragment");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    out.host = std::string(authority.substr(0, close + 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("junk after the IPv6 address");
      port_text = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  if (!port_text.empty()) {
    const auto [p, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), out.port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || out.port <= 0 ||
        out.port > 65535) {
      return bad(fmt::format("bad port '{}'", port_text));
    }
  } else if (out.scheme == "http") {
    out.port = 80;
  } else if (out.scheme == "https") {
    out.port = 443;
  } else {
    out.port = 16685;
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (out.grpc() && !path.empty()) return bad("gRPC URLs take no path");
  out.base_path = std::string(path);
  return out;
}

}  // namespace trace_analyze::jaeger_client
