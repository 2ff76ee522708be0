// Test support: an in-process HTTP server (cpp-httplib) on 127.0.0.1 that
// answers /api/* and /api/v3/* as Jaeger's query service does (envelopes,
// error bodies sent as text/plain, 404 "No traces found" for api_v3, Go's
// "404 page not found"), with switches for version differences and faults.
#ifndef TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_HTTP_H_
#define TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_HTTP_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/fake_jaeger_store.h"

namespace httplib {
class Server;
}

namespace trace_analyze::testing {

struct FakeHttpBehaviour {
  // Jaeger after v2.20: /api/services, /api/operations, /api/traces (search)
  // answer 404 "404 page not found".
  bool legacy_search_removed = false;
  // Servers before v2.16: unknown paths get the UI's index.html (200, text/html).
  bool html_for_unknown = false;
  bool serve_v3 = true;
  // The first `fail_first` requests answer `fail_status` with a Jaeger error body.
  int fail_first = 0;
  int fail_status = 503;
  // The first `drop_first` requests send half of a body and close the connection.
  int drop_first = 0;
  // > 0: searches (/api/traces, /api/v3/traces) whose window starts after
  // this time answer `fail_status`. A window search whose first call starts
  // at this time gets its first call answered and every newer sub-window
  // failed: a partial search.
  int64_t fail_searches_starting_after_us = 0;
  int delay_ms = 0;  // every request waits this long first
  // When set, requests without "Authorization: Bearer <token>" get 401.
  std::string required_token;
  // Error bodies quote the request's Authorization header, as careless
  // proxies do: credentials must not reach our messages through them.
  bool echo_credentials = false;
  // Canned answers by path (without the query), after the faults above:
  // malformed bodies, HTML pages, ...
  struct Canned {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
  };
  std::map<std::string, Canned> canned;
  // HTTPS (cpp-httplib's SSLServer) with this certificate and key (PEM
  // files); with client_ca_file, clients must present a certificate it
  // signed.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
};

class FakeJaegerHttp {
 public:
  FakeJaegerHttp(const FakeJaegerStore* store, FakeHttpBehaviour behaviour);
  ~FakeJaegerHttp();

  // "http://127.0.0.1:<port>" ("https://..." with TLS)
  std::string url() const;
  int requests() const { return requests_; }
  // The most requests that were being handled at the same time.
  int max_in_flight() const { return max_in_flight_; }
  // Requests whose path starts with `prefix`.
  int RequestsTo(const std::string& prefix) const;
  // Every header of every request, "name: value" lower-cased names.
  std::vector<std::string> SeenHeaders() const;
  std::vector<std::string> SeenPaths() const;

 private:
  bool FailSearch(const FakeSearch& q) const {
    return behaviour_.fail_searches_starting_after_us > 0 &&
           q.start_us > behaviour_.fail_searches_starting_after_us;
  }

  const FakeJaegerStore* store_;
  FakeHttpBehaviour behaviour_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  mutable std::mutex mu_;
  std::vector<std::string> headers_;
  std::vector<std::string> paths_;
};

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_HTTP_H_
