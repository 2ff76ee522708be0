#include "jaeger_client/net/http_api_common.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "input/sniff.h"
#include "jaeger_client/redact.h"
#include "jaeger_client/retry.h"

namespace trace_analyze::jaeger_client::net {
namespace {

constexpr size_t kMaxErrorText = 300;

std::string FirstLine(std::string_view body) {
  size_t begin = 0;
  while (begin < body.size() && (body[begin] == ' ' || body[begin] == '\n')) ++begin;
  body = body.substr(begin);
  body = body.substr(0, body.find('\n'));
  while (!body.empty() && (body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
  if (body.size() > kMaxErrorText) return std::string(body.substr(0, kMaxErrorText)) + "…";
  return std::string(body);
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

bool IsHtml(const HttpResponse& response) {
  if (response.content_type == "text/html") return true;
  size_t i = 0;
  while (i < response.body.size() && (response.body[i] == ' ' || response.body[i] == '\n')) ++i;
  return i < response.body.size() && response.body[i] == '<';
}

std::string ErrorText(const HttpResponse& response) {
  if (IsHtml(response)) return "an HTML page instead of JSON";
  const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_object()) {
    // /api: {"data":null,...,"errors":[{"code":400,"msg":"..."}]}
    const auto errors = doc.find("errors");
    if (errors != doc.end() && errors->is_array() && !errors->empty()) {
      const nlohmann::json& first = (*errors)[0];
      if (first.is_object() && first.contains("msg") && first["msg"].is_string()) {
        return FirstLine(first["msg"].get<std::string>());
      }
    }
    // api_v3: {"error":{"httpCode":404,"message":"No traces found"}}
    const auto error = doc.find("error");
    if (error != doc.end() && error->is_object() && error->contains("message") &&
        (*error)["message"].is_string()) {
      return FirstLine((*error)["message"].get<std::string>());
    }
  }
  if (response.body.empty()) return "empty body";
  return FirstLine(response.body);
}

bool IsRouterNotFound(const HttpResponse& response) {
  if (response.status != 404) return false;
  if (IsHtml(response)) return true;
  const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  return !(doc.is_object() && (doc.contains("errors") || doc.contains("error")));
}

HttpApiBase::HttpApiBase(const ClientOptions& options, ApiKind api)
    : options_(options), api_(api), http_(options), secrets_(SecretsOf(options)) {}

std::string HttpApiBase::Describe() const {
  return fmt::format("{} ({})", options_.server.Display(), ApiLabel(api_));
}

CallError HttpApiBase::Fail(CallErrorKind kind, std::string_view call,
                            std::string_view what) const {
  return CallError{kind, ScrubSecrets(fmt::format("{}: {}: {}", Describe(), call, what), secrets_)};
}

CallResult<HttpResponse> HttpApiBase::Get(const std::string& path) {
  const std::string full = options_.server.base_path + path;
  return WithRetries<HttpResponse>(options_.retry, options_.log, [&]() -> CallResult<HttpResponse> {
    CallResult<HttpResponse> r = http_.Get(full);
    if (!r.ok()) {
      r.error().message =
          ScrubSecrets(fmt::format("{}: {}", Describe(), r.error().message), secrets_);
      return r;
    }
    const long status = r.value().status;  // NOLINT(runtime/int)
    // Retry transient server failures here; callers interpret the rest.
    if (status >= 500 || status == 429) {
      return StatusError(r.value(), "GET " + full);
    }
    return r;
  });
}

CallError HttpApiBase::StatusError(const HttpResponse& response, std::string_view call) const {
  const long s = response.status;  // NOLINT(runtime/int)
  CallErrorKind kind = CallErrorKind::kServer;
  if (s == 400 || s == 422) kind = CallErrorKind::kBadRequest;
  if (s == 401 || s == 403) kind = CallErrorKind::kAuth;
  if (s == 404 || s == 405 || s == 501) kind = CallErrorKind::kNotServed;
  if (s == 429 || s == 502 || s == 503 || s == 504) kind = CallErrorKind::kUnavailable;
  std::string what = fmt::format("HTTP {}: {}", s, ErrorText(response));
  if (kind == CallErrorKind::kNotServed) what += " (endpoint not served by this server)";
  return Fail(kind, call, what);
}

CallStatus HttpApiBase::ExpectJsonAnswer(const HttpResponse& response,
                                         std::string_view call) const {
  if (response.status != 200) return StatusError(response, call);
  if (IsHtml(response)) {
    return Fail(CallErrorKind::kNotServed, call, "got an HTML page instead of JSON");
  }
  return CallOk();
}

CallResult<size_t> HttpApiBase::DecodeTraces(const HttpResponse& response, std::string_view call,
                                             const formats::TraceCallback& on_trace,
                                             input::ReadStats* stats) const {
  if (IsHtml(response)) {
    return Fail(CallErrorKind::kNotServed, call,
                "got an HTML page instead of JSON (endpoint not served by this server)");
  }
  // The file reader takes any format; a server answers in one. Anything else
  // (an error page with status 200, JSON of another shape) is malformed, not
  // "no traces".
  const bool otlp = api_ == ApiKind::kHttpV3;
  const input::UnitType expected =
      otlp ? input::UnitType::Format(formats::kOtlpFormat)
           : input::UnitType::Structure(input::UnitKind::kJaegerEnvelope);
  if (input::ClassifyValue(response.body) != expected) {
    return Fail(CallErrorKind::kMalformed, call,
                fmt::format("malformed body ({} bytes): expected {}, got: {}", response.body.size(),
                            otlp ? "OTLP JSON {\"result\":{\"resourceSpans\":...}}"
                                 : "a Jaeger envelope {\"data\":[...]}",
                            response.body.empty() ? "an empty body" : ErrorText(response)));
  }
  std::vector<analyzer::Trace> traces;
  input::ReadStats local;
  const std::string source = fmt::format("{} {}", options_.server.Display(), call);
  const Status decoded = input::DecodeBuffer(
      response.body, source, input::ReadOptions{},
      [&](analyzer::Trace& trace) -> Status {
        traces.push_back(std::move(trace));
        return OkStatus();
      },
      &local);
  if (!decoded.ok()) {
    return Fail(CallErrorKind::kMalformed, call,
                fmt::format("malformed or truncated body ({} bytes): {}", response.body.size(),
                            decoded.error().message));
  }
  for (analyzer::Trace& trace : traces) {
    if (Status s = on_trace(trace); !s.ok()) {
      return Fail(CallErrorKind::kServer, call, s.error().message);
    }
  }
  if (stats != nullptr) {
    stats->bytes += local.bytes;
    stats->quality.Merge(local.quality);
    for (input::InputProblem& p : local.problems) {
      p.message = ScrubSecrets(std::move(p.message), secrets_);
      stats->problems.push_back(std::move(p));
    }
  }
  // Undecodable traces still count towards the server's limit.
  return traces.size() + static_cast<size_t>(local.quality.skipped_traces);
}

}  // namespace trace_analyze::jaeger_client::net
