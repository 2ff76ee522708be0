// TraceSource: one Jaeger query API of one server. Traces come out through the
// same TraceCallback the file reader uses, so analysis does not care whether
// they came from a file or a server. Implementations: HttpApiV1Source,
// HttpApiV3Source, GrpcApiV2Source, GrpcApiV3Source, and AutoTraceSource,
// which probes them. Window splitting, de-duplication, caching and parallel
// fetches are layered on top (fetcher.h).
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_TRACE_SOURCE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_TRACE_SOURCE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "input/input.h"
#include "jaeger_client/call_result.h"
#include "jaeger_client/query.h"

namespace trace_analyze::jaeger_client {

class TraceSource {
 public:
  virtual ~TraceSource() = default;

  // "http://jaeger:16686 (HTTP /api)": the server and the API, as every
  // message of this source starts.
  virtual std::string Describe() const = 0;

  // Service names, sorted.
  virtual CallResult<std::vector<std::string>> Services() = 0;

  // Operations of `service`, sorted by name then kind.
  virtual CallResult<std::vector<OperationInfo>> Operations(const std::string& service) = 0;

  // One search call (one window, at most query.limit traces). Every trace is
  // passed to `on_trace` only after the whole response arrived and decoded,
  // so a failed call delivered nothing and may be retried. Undecodable traces
  // are problems in *stats. Returns the number of traces the server returned.
  virtual CallResult<size_t> Search(const SearchQuery& query,
                                    const formats::TraceCallback& on_trace,
                                    input::ReadStats* stats) = 0;

  // Fetches the trace with normalised hex id `trace_id`. kNotFound when the
  // server has no such trace. Same delivery rule as Search. Thread-safe:
  // parallel fetches call it from several threads.
  virtual CallStatus GetTrace(const std::string& trace_id, const formats::TraceCallback& on_trace,
                              input::ReadStats* stats) = 0;
};

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_TRACE_SOURCE_H_
