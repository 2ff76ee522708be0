// api_v2 protobuf spans (gRPC jaeger.api_v2.QueryService) -> model, with the
// same rules as the Jaeger UI JSON decoder: process service name ("unknown-
// service" when empty) and host, tags as attributes with the span.kind /
// error conventions, references in order, µs times truncated from ns.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_API_V2_CONVERT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_API_V2_CONVERT_H_

#include "formats/span_assembler.h"
#include "jaeger/api_v2/model.pb.h"

namespace trace_analyze::jaeger_client::net {

// Stages span `in` in `assembler` (call assembler->Commit() after a chunk).
void StageApiV2Span(const ::jaeger::api_v2::Span& in, formats::SpanAssembler* assembler);

// The 16 id bytes api_v2 puts on the wire for a normalised hex trace id:
// high then low 64 bits, big-endian (docs/jaeger.md, "Wire details").
std::string ApiV2TraceIdBytes(std::string_view hex_trace_id);

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_API_V2_CONVERT_H_
