// Helpers for the network tests: client options tuned for tests (short
// timeouts and backoff), a store of fixture traces, trace collection.
#ifndef TRACE_ANALYZE_TESTS_JAEGER_CLIENT_NET_NET_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_JAEGER_CLIENT_NET_NET_TEST_UTIL_H_

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/model.h"
#include "input/input.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/net/source_factory.h"
#include "jaeger_client/trace_source.h"
#include "tests/testing/fake_jaeger_store.h"

namespace trace_analyze::testing {

// 2023-11-14T22:13:20Z: old enough for the cache's settling time.
inline constexpr int64_t kBaseUs = 1700000000LL * 1000000;

// `n` traces, one a minute from kBaseUs, ids 00000000000a0000 + i (every
// third 128-bit), every fourth with an error.
inline FakeJaegerStore MakeStore(int n) {
  FakeJaegerStore store;
  for (int i = 0; i < n; ++i) {
    const std::string id = i % 3 == 2 ? fmt::format("{:016x}{:016x}", 0xfeed, 0xa0000 + i)
                                      : fmt::format("{:016x}", 0xa0000 + i);
    store.Add(MakeFakeTrace(id, kBaseUs + i * 60LL * 1000000, 2 + i % 3, i % 4 == 3));
  }
  return store;
}

// Options for tests: one attempt unless a test asks for retries, 10 ms
// backoff, 2 s timeout (tests with slow servers lower it).
inline jaeger_client::ClientOptions TestOptions(const std::string& url) {
  jaeger_client::ClientOptions o;
  Result<jaeger_client::ServerUrl> server = jaeger_client::ParseServerUrl(url);
  EXPECT_TRUE(server.ok());
  if (server.ok()) o.server = server.value();
  o.retry.max_attempts = 1;
  o.retry.initial_backoff_ms = 10;
  o.retry.max_backoff_ms = 40;
  o.timeout_ms = 2000;
  o.connect_timeout_ms = 1000;
  return o;
}

inline std::unique_ptr<jaeger_client::TraceSource> MakeSource(
    const jaeger_client::ClientOptions& options, jaeger_client::ApiKind api) {
  Result<std::unique_ptr<jaeger_client::TraceSource>> source =
      jaeger_client::net::MakeTraceSource(options, api);
  EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message);
  return source.ok() ? std::move(source).value() : nullptr;
}

struct Collected {
  std::vector<analyzer::Trace> traces;
  input::ReadStats stats;

  formats::TraceCallback Callback() {
    return [this](analyzer::Trace& t) {
      traces.push_back(std::move(t));
      return OkStatus();
    };
  }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const analyzer::Trace& t : traces) ids.emplace_back(t.trace_id);
    return ids;
  }
};

// A comparable summary of a span: what every API must agree on.
inline std::string SpanSummary(const analyzer::Trace& t, const analyzer::Span& s) {
  std::string refs;
  for (const analyzer::Reference& r : t.RefsOf(s)) {
    refs += fmt::format("{}:{}/{} ", r.type == analyzer::RefType::kChildOf ? "child" : "follows",
                        r.trace_id, r.span_id);
  }
  return fmt::format("{} {} {} host={} start={} dur={} kind={} error={} status={} refs=[{}]",
                     s.span_id, s.service, s.operation, s.host, s.start_us, s.duration_us,
                     analyzer::SpanKindName(s.kind), s.error, t.FindAttr(s, "http.status_code"),
                     refs);
}

inline std::vector<std::string> TraceSummary(const analyzer::Trace& t) {
  std::vector<std::string> out{std::string(t.trace_id)};
  for (const analyzer::Span& s : t.spans) out.push_back(SpanSummary(t, s));
  return out;
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_JAEGER_CLIENT_NET_NET_TEST_UTIL_H_
