// Shared by the protobuf fuzz targets: the input as a gRPC stream of
// messages, and the checks every assembled trace must pass.
#ifndef TRACE_ANALYZE_FUZZ_PROTO_STREAM_H_
#define TRACE_ANALYZE_FUZZ_PROTO_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzer/critical_path.h"
#include "analyzer/normalize.h"
#include "formats/span_assembler.h"
#include "fuzz/fuzz_checks.h"
#include "jaeger_client/net/grpc_common.h"

namespace trace_analyze::fuzz {

// Calls fn(bytes) for each message of the stream: the input cut at FF 00
// markers (a message boundary the mutator can move, insert and remove).
// libprotobuf's log is silenced as in the product: invalid UTF-8 in a string
// field fails the parse, as it should, without a log line per input.
template <typename Fn>
void ForEachStreamMessage(const uint8_t* data, size_t size, Fn fn) {
  jaeger_client::net::SilenceProtobufLog();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t begin = 0;
  while (begin <= input.size()) {
    size_t end = input.find(std::string_view("\xff\x00", 2), begin);
    if (end == std::string_view::npos) end = input.size();
    fn(input.substr(begin, end - begin));
    begin = end + 2;
  }
}

// Delivers every assembled trace, then normalises it and computes its
// critical path, checking the invariants at each step.
inline void CheckAssembledTraces(formats::SpanAssembler& assembler) {
  const Status status = assembler.Deliver("fuzz", [](analyzer::Trace& trace) -> Status {
    CheckDecoded(trace);
    analyzer::Normalize(trace, {});
    CheckNormalized(trace);
    CheckCriticalPath(trace, analyzer::ComputeCriticalPath(trace, {}));
    return OkStatus();
  });
  TA_FUZZ_CHECK(status.ok());
}

}  // namespace trace_analyze::fuzz

#endif  // TRACE_ANALYZE_FUZZ_PROTO_STREAM_H_
