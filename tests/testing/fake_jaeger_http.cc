#include "tests/testing/fake_jaeger_http.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "jaeger_client/time_parse.h"

namespace trace_analyze::testing {
namespace {

constexpr const char* kPlain = "text/plain; charset=utf-8";

// Go's http.Error: the JSON envelope as text/plain, plus a newline.
void ApiError(httplib::Response& res, int status, const std::string& msg) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(nlohmann::json{{"data", nullptr},
                                 {"total", 0},
                                 {"limit", 0},
                                 {"offset", 0},
                                 {"errors", {{{"code", status}, {"msg", msg}}}}}
                          .dump() +
                      "\n",
                  kPlain);
}

void V3Error(httplib::Response& res, int status, const std::string& msg) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", {{"httpCode", status}, {"message", msg}}}}.dump() + "\n",
                  kPlain);
}

void GoNotFound(httplib::Response& res) {
  res.status = 404;
  res.set_content("404 page not found\n", kPlain);
}

void IndexHtml(httplib::Response& res) {
  res.status = 200;
  res.set_content("<!doctype html><html><head><title>Jaeger UI</title></head></html>",
                  "text/html; charset=utf-8");
}

int64_t Int(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  return std::stoll(req.get_param_value(name));
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

}  // namespace

FakeJaegerHttp::FakeJaegerHttp(const FakeJaegerStore* store, FakeHttpBehaviour behaviour)
    : store_(store),
      behaviour_(std::move(behaviour)),
      server_(behaviour_.tls_cert_file.empty()
                  ? std::make_unique<httplib::Server>()
                  : std::make_unique<httplib::SSLServer>(
                        behaviour_.tls_cert_file.c_str(), behaviour_.tls_key_file.c_str(),
                        behaviour_.tls_client_ca_file.empty()
                            ? nullptr
                            : behaviour_.tls_client_ca_file.c_str())) {
  httplib::Server& svr = *server_;
  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const int n = ++requests_;
    const int in_flight = ++in_flight_;
    for (int max = max_in_flight_;
         in_flight > max && !max_in_flight_.compare_exchange_weak(max, in_flight);) {
    }
    {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
      for (const auto& [name, value] : req.headers) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers_.push_back(lower + ": " + value);
      }
    }
    if (behaviour_.delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(behaviour_.delay_ms));
    }
    --in_flight_;  // the delay is the time a request is "being handled"
    const std::string echoed =
        behaviour_.echo_credentials
            ? " (request had Authorization: '" + req.get_header_value("Authorization") + "')"
            : "";
    if (!behaviour_.required_token.empty() &&
        req.get_header_value("Authorization") != "Bearer " + behaviour_.required_token) {
      ApiError(res, 401, "unauthorized" + echoed);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (n <= behaviour_.fail_first) {
      ApiError(res, behaviour_.fail_status, "storage unavailable" + echoed);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (auto it = behaviour_.canned.find(req.path); it != behaviour_.canned.end()) {
      res.status = it->second.status;
      res.set_content(it->second.body, it->second.content_type);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (n <= behaviour_.fail_first + behaviour_.drop_first) {
      // Promise a long body, send half of it, then give up: a dropped connection.
      const std::string half = "{\"data\":[{\"traceID\":\"00000000000000aa\",\"spans\":[";
      res.set_content_provider(half.size() * 2, "application/json",
                               [half](size_t, size_t, httplib::DataSink& sink) {
                                 sink.write(half.data(), half.size());
                                 return false;
                               });
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      if (behaviour_.html_for_unknown) {
        IndexHtml(res);
      } else {
        GoNotFound(res);
      }
    }
  });

  // ---- /api (internal HTTP JSON API) ----
  svr.Get("/api/services", [this](const httplib::Request&, httplib::Response& res) {
    if (behaviour_.legacy_search_removed) return GoNotFound(res);
    nlohmann::json data = store_->Services();
    res.set_content(nlohmann::json{{"data", data},
                                   {"total", data.size()},
                                   {"limit", 0},
                                   {"offset", 0},
                                   {"errors", nullptr}}
                        .dump(),
                    "application/json");
  });
  svr.Get("/api/operations", [this](const httplib::Request& req, httplib::Response& res) {
    if (behaviour_.legacy_search_removed) return GoNotFound(res);
    const std::string service = Param(req, "service");
    if (service.empty()) return ApiError(res, 400, "parameter 'service' is required");
    nlohmann::json data = nlohmann::json::array();
    for (const auto& [name, kind] : store_->Operations(service)) {
      data.push_back({{"name", name}, {"spanKind", kind}});
    }
    res.set_content(nlohmann::json{{"data", data},
                                   {"total", data.size()},
                                   {"limit", 0},
                                   {"offset", 0},
                                   {"errors", nullptr}}
                        .dump(),
                    "application/json");
  });
  svr.Get("/api/traces", [this](const httplib::Request& req, httplib::Response& res) {
    if (behaviour_.legacy_search_removed) {
      if (behaviour_.html_for_unknown) return IndexHtml(res);
      return GoNotFound(res);
    }
    FakeSearch q;
    q.service = Param(req, "service");
    if (q.service.empty()) return ApiError(res, 400, "parameter 'service' is required");
    q.operation = Param(req, "operation");
    if (req.has_param("tags")) {
      const nlohmann::json tags = nlohmann::json::parse(Param(req, "tags"), nullptr, false);
      if (!tags.is_object()) {
        return ApiError(res, 400, "malformed 'tags' parameter, cannot unmarshal JSON");
      }
      for (const auto& [k, v] : tags.items()) q.tags[k] = v.get<std::string>();
    }
    const int64_t now = jaeger_client::NowUs();
    q.start_us = Int(req, "start", now - 2LL * 86400 * 1000000);
    q.end_us = Int(req, "end", now);
    q.limit = static_cast<int>(Int(req, "limit", 100));
    if (req.has_param("minDuration")) {
      q.min_duration_us = jaeger_client::ParseDurationUs(Param(req, "minDuration")).value_or(0);
    }
    if (req.has_param("maxDuration")) {
      q.max_duration_us = jaeger_client::ParseDurationUs(Param(req, "maxDuration")).value_or(0);
    }
    if (FailSearch(q)) return ApiError(res, behaviour_.fail_status, "storage unavailable");
    res.set_content(ToUiJsonEnvelope(store_->Find(q)), "application/json");
  });
  svr.Get(R"(/api/traces/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (id.size() > 32 || id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return ApiError(res, 400, "strconv.ParseUint: parsing \"" + id + "\": invalid syntax");
    }
    const FakeTrace* t = store_->Get(id);
    if (t == nullptr) return ApiError(res, 404, "trace not found");
    res.set_content(ToUiJsonEnvelope({t}), "application/json");
  });

  // ---- /api/v3 (api_v3 HTTP gateway, OTLP JSON) ----
  if (behaviour_.serve_v3) {
    svr.Get("/api/v3/services", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(nlohmann::json{{"services", store_->Services()}}.dump(), "application/json");
    });
    svr.Get("/api/v3/operations", [this](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json ops = nlohmann::json::array();
      for (const auto& [name, kind] : store_->Operations(Param(req, "service"))) {
        ops.push_back({{"name", name}, {"spanKind", kind}});
      }
      res.set_content(nlohmann::json{{"operations", ops}}.dump(), "application/json");
    });
    svr.Get("/api/v3/traces", [this](const httplib::Request& req, httplib::Response& res) {
      FakeSearch q;
      q.service = Param(req, "query.service_name");
      q.operation = Param(req, "query.operation_name");
      const std::string min = Param(req, "query.start_time_min");
      const std::string max = Param(req, "query.start_time_max");
      if (min.empty() || max.empty()) {
        return V3Error(res, 400, "query.start_time_min and query.start_time_max are required");
      }
      q.start_us = jaeger_client::ParseTimeUs(min, 0).value_or(0);
      q.end_us = jaeger_client::ParseTimeUs(max, 0).value_or(0);
      q.limit = static_cast<int>(Int(req, "query.num_traces", 0));
      if (req.has_param("query.attributes")) {
        const nlohmann::json tags =
            nlohmann::json::parse(Param(req, "query.attributes"), nullptr, false);
        if (tags.is_object()) {
          for (const auto& [k, v] : tags.items()) q.tags[k] = v.get<std::string>();
        }
      }
      if (req.has_param("query.duration_min")) {
        q.min_duration_us =
            jaeger_client::ParseDurationUs(Param(req, "query.duration_min")).value_or(0);
      }
      if (FailSearch(q)) return V3Error(res, behaviour_.fail_status, "storage unavailable");
      std::vector<const FakeTrace*> found = store_->Find(q);
      if (found.empty()) return V3Error(res, 404, "No traces found");
      res.set_content(ToOtlpJsonResult(found), "application/json");
    });
    svr.Get(R"(/api/v3/traces/([^/]+))",
            [this](const httplib::Request& req, httplib::Response& res) {
              const FakeTrace* t = store_->Get(req.matches[1]);
              if (t == nullptr) return V3Error(res, 404, "No traces found");
              res.set_content(ToOtlpJsonResult({t}), "application/json");
            });
  }
  port_ = svr.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

FakeJaegerHttp::~FakeJaegerHttp() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeJaegerHttp::url() const {
  return fmt::format("{}://127.0.0.1:{}", behaviour_.tls_cert_file.empty() ? "http" : "https",
                     port_);
}

int FakeJaegerHttp::RequestsTo(const std::string& prefix) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const std::string& p : paths_) n += p.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

std::vector<std::string> FakeJaegerHttp::SeenHeaders() const {
  std::lock_guard lock(mu_);
  return headers_;
}

std::vector<std::string> FakeJaegerHttp::SeenPaths() const {
  std::lock_guard lock(mu_);
  return paths_;
}

}  // namespace trace_analyze::testing
