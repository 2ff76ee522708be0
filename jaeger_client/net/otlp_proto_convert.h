// OTLP protobuf TracesData (gRPC jaeger.api_v3.QueryService) -> model, with
// exactly the rules of the OTLP JSON decoder (otlp_mapping.h): resource
// service.name and host, span attributes (arrays/maps as compact JSON, bytes
// as base64), kind, status ERROR, parent + links.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_OTLP_PROTO_CONVERT_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_OTLP_PROTO_CONVERT_H_

#include "formats/span_assembler.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

namespace trace_analyze::jaeger_client::net {

// Stages and commits every span of `data` in `assembler`.
void AddOtlpTracesData(const ::opentelemetry::proto::trace::v1::TracesData& data,
                       formats::SpanAssembler* assembler);

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_OTLP_PROTO_CONVERT_H_
