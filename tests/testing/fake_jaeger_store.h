// Test support: the traces a fake Jaeger server holds, Jaeger's search
// semantics over them, and their encodings in each wire format (UI JSON,
// OTLP JSON, api_v2 protobuf, OTLP protobuf), written independently of the
// client's decoders so that the tests check one against the other.
#ifndef TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_STORE_H_
#define TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "jaeger/api_v2/model.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

namespace trace_analyze::testing {

struct FakeSpan {
  std::string span_id;  // 16 hex digits
  std::string parent;   // "" for a root
  std::string service;
  std::string operation;
  int64_t start_us = 0;
  int64_t duration_us = 0;
  std::string kind;  // "server", "client", ... or ""
  bool error = false;
  std::vector<std::pair<std::string, std::string>> tags;  // string tags
  int64_t status_code = 0;  // http.status_code as an int64 tag when > 0
};

struct FakeTrace {
  std::string trace_id;  // 16 or 32 lower-case hex digits
  std::vector<FakeSpan> spans;

  int64_t StartUs() const;
  int64_t DurationUs() const;
};

// A trace of `n_children` + 1 spans: root frontend "GET /dispatch" (server)
// with client calls to "driver" "FindDriver"; the last child errs when
// `with_error`. Times are whole µs.
FakeTrace MakeFakeTrace(const std::string& trace_id, int64_t start_us, int n_children = 2,
                        bool with_error = false);

// A trace whose OTLP protobuf encoding is larger than 4 MiB (gRPC's default
// receive limit).
FakeTrace MakeBigFakeTrace(const std::string& trace_id, int64_t start_us);

struct FakeSearch {
  std::string service;
  std::string operation;
  std::map<std::string, std::string> tags;
  int64_t start_us = 0;
  int64_t end_us = 0;
  int64_t min_duration_us = 0;
  int64_t max_duration_us = 0;
  int limit = 0;  // 0 = unlimited
};

class FakeJaegerStore {
 public:
  void Add(FakeTrace trace) { traces_.push_back(std::move(trace)); }
  const std::vector<FakeTrace>& traces() const { return traces_; }

  // By normalised id (64-bit ids match their 128-bit zero-padded spelling).
  const FakeTrace* Get(const std::string& trace_id) const;
  // Traces with a span of the service (and operation, and all tags), whose
  // start lies in [start, end], newest first, at most `limit`. With
  // set_span_level_search(true), as Jaeger's storage backends search: traces
  // with one span that matches the service, operation and tags, whose own
  // start lies in [start, end] and whose own duration is within the bounds.
  std::vector<const FakeTrace*> Find(const FakeSearch& search) const;
  void set_span_level_search(bool on) { span_level_search_ = on; }
  std::vector<std::string> Services() const;
  std::vector<std::pair<std::string, std::string>> Operations(const std::string& service) const;

 private:
  std::vector<FakeTrace> traces_;
  bool span_level_search_ = false;
};

// {"traceID","spans","processes","warnings"} as Jaeger's /api returns it.
std::string ToUiJsonTrace(const FakeTrace& trace);
// {"data":[...],"total":0,"limit":0,"offset":0,"errors":null}
std::string ToUiJsonEnvelope(const std::vector<const FakeTrace*>& traces);
// {"result":{"resourceSpans":[...]}} as /api/v3 returns it (OTLP JSON).
std::string ToOtlpJsonResult(const std::vector<const FakeTrace*>& traces);
// api_v2 spans, each carrying its process.
std::vector<::jaeger::api_v2::Span> ToApiV2Spans(const FakeTrace& trace);
// One TracesData per trace, as api_v3 streams it.
::opentelemetry::proto::trace::v1::TracesData ToOtlpProto(const FakeTrace& trace);

// Lower-case hex -> bytes (test-side, independent of the client's code).
std::string HexToBytes(const std::string& hex);
// Trace id padded to 32 hex digits.
std::string Pad32(const std::string& id);

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_STORE_H_
