// Fuzz target: the OTLP protobuf converter (AddOtlpTracesData) behind gRPC
// jaeger.api_v3.QueryService: each stream message (proto_stream.h) is parsed
// as one TracesData, then the assembled traces are normalised and their
// critical paths computed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/span_assembler.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/proto_stream.h"
#include "jaeger_client/net/otlp_proto_convert.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  trace_analyze::formats::SpanAssembler assembler;
  ::opentelemetry::proto::trace::v1::TracesData message;
  trace_analyze::fuzz::ForEachStreamMessage(data, size, [&](std::string_view bytes) {
    if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
    trace_analyze::jaeger_client::net::AddOtlpTracesData(message, &assembler);
    TA_FUZZ_CHECK(assembler.staging().spans.empty());  // committed
  });
  trace_analyze::fuzz::CheckAssembledTraces(assembler);
  return 0;
}
