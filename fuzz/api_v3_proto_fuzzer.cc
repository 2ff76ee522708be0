// Fuzz target: the OTLP protobuf converter (AddOtlpTracesData) behind gRPC
// jaeger.api_v3.QueryService. The input is split into stream messages at
// 0xFF 0x00 markers; each is parsed as one TracesData, then the assembled
// traces are normalised and their critical paths computed.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzer/critical_path.h"
#include "analyzer/normalize.h"
#include "fuzz/fuzz_checks.h"
#include "jaeger_client/otlp_proto_convert.h"
#include "jaeger_client/span_assembler.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Invalid UTF-8 in string fields fails the parse, as it should; without
  // this libprotobuf logs every such input to stderr (as MakeGrpcChannel
  // silences it in the product).
  static const bool kQuiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)kQuiet;
  namespace analyzer = trace_analyze::analyzer;
  namespace fuzz = trace_analyze::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  trace_analyze::jaeger::SpanAssembler assembler;
  ::opentelemetry::proto::trace::v1::TracesData message;
  size_t begin = 0;
  while (begin <= input.size()) {
    size_t end = input.find(std::string_view("\xff\x00", 2), begin);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view bytes = input.substr(begin, end - begin);
    if (message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      trace_analyze::jaeger::AddOtlpTracesData(message, &assembler);
      TA_FUZZ_CHECK(assembler.staging().spans.empty());  // committed
    }
    begin = end + 2;
  }
  const trace_analyze::Status status =
      assembler.Deliver("fuzz", [](analyzer::Trace& trace) -> trace_analyze::Status {
        fuzz::CheckDecoded(trace);
        analyzer::Normalize(trace, {});
        fuzz::CheckNormalized(trace);
        fuzz::CheckCriticalPath(trace, analyzer::ComputeCriticalPath(trace, {}));
        return trace_analyze::OkStatus();
      });
  TA_FUZZ_CHECK(status.ok());
  return 0;
}
