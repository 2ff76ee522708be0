// Fuzz target: the Jaeger UI JSON decoder (JaegerJsonDecoder), fed a trace
// object, a bare span, or an array of either, as the splitter would (a value
// that sniffs as a span is decoded as one, anything else as a trace).
#include <cstddef>
#include <cstdint>

#include "analyzer/model.h"
#include "formats/jaeger_json_decoder.h"
#include "fuzz/decoder_input.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using trace_analyze::analyzer::Trace;
  static trace_analyze::formats::JaegerJsonDecoder decoder;  // reused, as in the reader
  static Trace trace;
  trace_analyze::fuzz::ForEachTopLevelValue(
      data, size, [](simdjson::ondemand::value v, trace_analyze::input::UnitType kind) {
        trace.Reset();
        trace_analyze::formats::DecodeError error;
        bool ok = false;
        if (kind ==
            trace_analyze::input::UnitType::Format(trace_analyze::formats::kJaegerSpanFormat)) {
          std::string_view span_trace_id;
          ok = decoder.DecodeSpan(v, 0, &trace, &span_trace_id, &error);
        } else {
          ok = decoder.DecodeTrace(v, &trace, &error);
        }
        if (ok) trace_analyze::fuzz::CheckDecoded(trace);
      });
  return 0;
}
