// What the client asks a Jaeger server for: a trace search over a time window,
// and the names a server lists. Plain data, shared by every API.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_QUERY_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_QUERY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace trace_analyze::jaeger_client {

// One search call. Jaeger has no pagination: a call returns at most `limit`
// whole traces (all spans, not only the matching ones) in no defined order.
struct SearchQuery {
  std::string service;    // required by every Jaeger storage backend
  std::string operation;  // "" = all
  // Span (or process/resource) tags that must all match, compared as strings.
  std::vector<std::pair<std::string, std::string>> tags;
  int64_t start_us = 0;  // window of trace start times, µs since the epoch
  int64_t end_us = 0;
  int64_t min_duration_us = 0;  // 0 = no bound
  int64_t max_duration_us = 0;  // 0 = no bound
  int limit = 100;              // traces per call (/api `limit`, api_v3 `search_depth`), > 0
};

struct OperationInfo {
  std::string name;
  std::string span_kind;  // "server", "client", ... or "" when the server does not say

  bool operator==(const OperationInfo&) const = default;
  // By name, then span kind: how every source lists them.
  auto operator<=>(const OperationInfo&) const = default;
};

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_QUERY_H_
