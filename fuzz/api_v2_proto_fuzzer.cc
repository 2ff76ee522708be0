// Fuzz target: the api_v2 protobuf converter (StageApiV2Span) and the span
// assembly of a gRPC jaeger.api_v2.QueryService stream: each stream message
// (proto_stream.h) is parsed as one SpansResponseChunk, as ReadGrpcStream
// does, then the assembled traces are normalised and their critical paths
// computed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/span_assembler.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/proto_stream.h"
#include "jaeger/api_v2/query.pb.h"
#include "jaeger_client/net/api_v2_convert.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  trace_analyze::formats::SpanAssembler assembler;
  ::jaeger::api_v2::SpansResponseChunk chunk;
  trace_analyze::fuzz::ForEachStreamMessage(data, size, [&](std::string_view message) {
    if (!chunk.ParseFromArray(message.data(), static_cast<int>(message.size()))) return;
    for (const ::jaeger::api_v2::Span& span : chunk.spans()) {
      trace_analyze::jaeger_client::net::StageApiV2Span(span, &assembler);
    }
    trace_analyze::fuzz::CheckDecoded(assembler.staging());
    TA_FUZZ_CHECK(assembler.staged().size() == assembler.staging().spans.size());
    assembler.Commit();
  });
  trace_analyze::fuzz::CheckAssembledTraces(assembler);
  return 0;
}
