#include "jaeger_client/net/http_api_v1_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "formats/decode_util.h"
#include "jaeger_client/time_parse.h"

namespace trace_analyze::jaeger_client::net {
namespace {

// The `data` member of a 200 /api envelope; null when absent or null.
CallResult<nlohmann::json> EnvelopeData(const HttpResponse& response) {
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object()) {
    return CallError{
        CallErrorKind::kMalformed,
        fmt::format("expected a JSON envelope {{\"data\":...}}, got: {}", ErrorText(response))};
  }
  return doc.contains("data") ? doc["data"] : nlohmann::json();
}

}  // namespace

HttpApiV1Source::HttpApiV1Source(const ClientOptions& options)
    : HttpApiBase(options, ApiKind::kHttpV1) {}

CallResult<std::vector<std::string>> HttpApiV1Source::Services() {
  const std::string path = "/api/services";
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (CallStatus answer = ExpectJsonAnswer(r.value(), call); !answer.ok()) return answer.error();
  CallResult<nlohmann::json> data = EnvelopeData(r.value());
  if (!data.ok()) return Fail(data.error().kind, call, data.error().message);
  std::vector<std::string> out;
  if (data.value().is_array()) {
    for (const nlohmann::json& s : data.value()) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

CallResult<std::vector<OperationInfo>> HttpApiV1Source::Operations(const std::string& service) {
  std::string path = "/api/operations?service=" + UrlEncode(service);
  std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  bool legacy = false;
  if (r.value().status == 404 || IsHtml(r.value())) {
    // Before v1.16 only the legacy route exists.
    path = "/api/services/" + UrlEncode(service) + "/operations";
    call = "GET " + path;
    r = Get(path);
    if (!r.ok()) return r.error();
    legacy = true;
  }
  if (CallStatus answer = ExpectJsonAnswer(r.value(), call); !answer.ok()) return answer.error();
  CallResult<nlohmann::json> data = EnvelopeData(r.value());
  if (!data.ok()) return Fail(data.error().kind, call, data.error().message);
  std::vector<OperationInfo> out;
  if (data.value().is_array()) {
    for (const nlohmann::json& op : data.value()) {
      if (legacy && op.is_string()) {
        out.push_back({op.get<std::string>(), ""});
      } else if (op.is_object() && op.contains("name") && op["name"].is_string()) {
        std::string kind;
        if (op.contains("spanKind") && op["spanKind"].is_string()) kind = op["spanKind"];
        out.push_back({op["name"].get<std::string>(), kind});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

CallResult<size_t> HttpApiV1Source::Search(const SearchQuery& query,
                                           const formats::TraceCallback& on_trace,
                                           input::ReadStats* stats) {
  std::string path = "/api/traces?service=" + UrlEncode(query.service);
  if (!query.operation.empty()) path += "&operation=" + UrlEncode(query.operation);
  if (!query.tags.empty()) {
    std::string tags = "{";
    for (const auto& [key, value] : query.tags) {
      if (tags.size() > 1) tags += ',';
      formats::AppendJsonString(key, &tags);
      tags += ':';
      formats::AppendJsonString(value, &tags);
    }
    tags += '}';
    path += "&tags=" + UrlEncode(tags);
  }
  path += fmt::format("&start={}&end={}&limit={}", query.start_us, query.end_us, query.limit);
  if (query.min_duration_us > 0) {
    path += "&minDuration=" + FormatGoDuration(query.min_duration_us);
  }
  if (query.max_duration_us > 0) {
    path += "&maxDuration=" + FormatGoDuration(query.max_duration_us);
  }
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (r.value().status != 200) {
    CallError error = StatusError(r.value(), call);
    if (r.value().status == 404 && IsRouterNotFound(r.value())) {
      error.message += "; the /api search endpoints were removed after Jaeger v2.20";
    }
    return error;
  }
  return DecodeTraces(r.value(), call, on_trace, stats);
}

CallStatus HttpApiV1Source::GetTrace(const std::string& trace_id,
                                     const formats::TraceCallback& on_trace,
                                     input::ReadStats* stats) {
  const std::string path = "/api/traces/" + UrlEncode(trace_id);
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (r.value().status == 404 && !IsRouterNotFound(r.value())) {
    return Fail(CallErrorKind::kNotFound, call, fmt::format("HTTP 404: {}", ErrorText(r.value())));
  }
  if (r.value().status != 200) return StatusError(r.value(), call);
  CallResult<size_t> n = DecodeTraces(r.value(), call, on_trace, stats);
  if (!n.ok()) return n.error();
  if (n.value() == 0) return Fail(CallErrorKind::kNotFound, call, "trace not found (empty data)");
  return CallOk();
}

}  // namespace trace_analyze::jaeger_client::net
