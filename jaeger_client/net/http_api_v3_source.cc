#include "jaeger_client/net/http_api_v3_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "formats/decode_util.h"
#include "jaeger_client/time_parse.h"

namespace trace_analyze::jaeger_client::net {
namespace {

// api_v3 answers "no traces" with 404 {"error":{"httpCode":404,"message":"No traces found"}}.
bool IsNoTraces(const HttpResponse& response) {
  return response.status == 404 && !IsRouterNotFound(response);
}

CallResult<nlohmann::json> JsonObject(const HttpResponse& response) {
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object()) {
    return CallError{CallErrorKind::kMalformed,
                     fmt::format("expected a JSON object, got: {}", ErrorText(response))};
  }
  return doc;
}

}  // namespace

HttpApiV3Source::HttpApiV3Source(const ClientOptions& options)
    : HttpApiBase(options, ApiKind::kHttpV3) {}

CallResult<std::vector<std::string>> HttpApiV3Source::Services() {
  const std::string path = "/api/v3/services";
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (CallStatus answer = ExpectJsonAnswer(r.value(), call); !answer.ok()) return answer.error();
  CallResult<nlohmann::json> doc = JsonObject(r.value());
  if (!doc.ok()) return Fail(doc.error().kind, call, doc.error().message);
  std::vector<std::string> out;
  // A missing key is an empty list (gogo jsonpb omits nil lists).
  const nlohmann::json& list =
      doc.value().contains("services") ? doc.value()["services"] : nlohmann::json::array();
  if (list.is_array()) {
    for (const nlohmann::json& s : list) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

CallResult<std::vector<OperationInfo>> HttpApiV3Source::Operations(const std::string& service) {
  const std::string path = "/api/v3/operations?service=" + UrlEncode(service);
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (CallStatus answer = ExpectJsonAnswer(r.value(), call); !answer.ok()) return answer.error();
  CallResult<nlohmann::json> doc = JsonObject(r.value());
  if (!doc.ok()) return Fail(doc.error().kind, call, doc.error().message);
  std::vector<OperationInfo> out;
  if (doc.value().contains("operations") && doc.value()["operations"].is_array()) {
    for (const nlohmann::json& op : doc.value()["operations"]) {
      if (!op.is_object() || !op.contains("name") || !op["name"].is_string()) continue;
      std::string kind;
      if (op.contains("spanKind") && op["spanKind"].is_string()) kind = op["spanKind"];
      out.push_back({op["name"].get<std::string>(), kind});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

CallResult<size_t> HttpApiV3Source::Search(const SearchQuery& query,
                                           const formats::TraceCallback& on_trace,
                                           input::ReadStats* stats) {
  std::string path = "/api/v3/traces?query.service_name=" + UrlEncode(query.service);
  if (!query.operation.empty()) path += "&query.operation_name=" + UrlEncode(query.operation);
  path += "&query.start_time_min=" + UrlEncode(FormatRfc3339(query.start_us));
  path += "&query.start_time_max=" + UrlEncode(FormatRfc3339(query.end_us));
  path += fmt::format("&query.num_traces={}", query.limit);
  if (query.min_duration_us > 0) {
    path += "&query.duration_min=" + FormatGoDuration(query.min_duration_us);
  }
  if (query.max_duration_us > 0) {
    path += "&query.duration_max=" + FormatGoDuration(query.max_duration_us);
  }
  if (!query.tags.empty()) {
    std::string attributes = "{";
    for (const auto& [key, value] : query.tags) {
      if (attributes.size() > 1) attributes += ',';
      formats::AppendJsonString(key, &attributes);
      attributes += ':';
      formats::AppendJsonString(value, &attributes);
    }
    attributes += '}';
    path += "&query.attributes=" + UrlEncode(attributes);
  }
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (IsNoTraces(r.value())) return size_t{0};
  if (r.value().status != 200) return StatusError(r.value(), call);
  return DecodeTraces(r.value(), call, on_trace, stats);
}

CallStatus HttpApiV3Source::GetTrace(const std::string& trace_id,
                                     const formats::TraceCallback& on_trace,
                                     input::ReadStats* stats) {
  const std::string path = "/api/v3/traces/" + UrlEncode(trace_id);
  const std::string call = "GET " + path;
  CallResult<HttpResponse> r = Get(path);
  if (!r.ok()) return r.error();
  if (IsNoTraces(r.value())) {
    return Fail(CallErrorKind::kNotFound, call, fmt::format("HTTP 404: {}", ErrorText(r.value())));
  }
  if (r.value().status != 200) return StatusError(r.value(), call);
  CallResult<size_t> n = DecodeTraces(r.value(), call, on_trace, stats);
  if (!n.ok()) return n.error();
  if (n.value() == 0) return Fail(CallErrorKind::kNotFound, call, "trace not found (empty result)");
  return CallOk();
}

}  // namespace trace_analyze::jaeger_client::net
