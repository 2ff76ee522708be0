// Fuzz target: the Zipkin v2 JSON decoder (ZipkinJsonDecoder), the grouping
// of spans into traces and the shared client/server span split.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzer/model.h"
#include "formats/trace_groups.h"
#include "formats/zipkin_json_decoder.h"
#include "formats/zipkin_shared_spans.h"
#include "fuzz/decoder_input.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using trace_analyze::analyzer::Trace;
  static trace_analyze::formats::ZipkinJsonDecoder decoder;
  static Trace staging;
  static std::vector<trace_analyze::formats::StagedSpan> staged;
  static trace_analyze::formats::TraceGroups groups;
  groups.Clear();
  size_t index = 0;
  auto decode_span = [&](simdjson::ondemand::value v) {
    staging.Reset();
    staged.clear();
    trace_analyze::formats::DecodeError error;
    if (!decoder.DecodeSpan(v, index++, &staging, &staged, &error)) return;
    trace_analyze::fuzz::CheckDecoded(staging);
    TA_FUZZ_CHECK(staged.size() == staging.spans.size());
    for (uint32_t i = 0; i < staging.spans.size(); ++i) groups.Add(staging, i, staged[i], true);
  };
  trace_analyze::fuzz::ForEachTopLevelValue(
      data, size, [&](simdjson::ondemand::value v, trace_analyze::input::UnitType kind) {
        if (kind !=
            trace_analyze::input::UnitType::Format(trace_analyze::formats::kZipkinSpanListFormat))
          return decode_span(v);
        // A list of traces: each element is an array of spans.
        simdjson::ondemand::array spans;
        if (v.get_array().get(spans)) return;
        for (auto element : spans) {
          simdjson::ondemand::value span;
          if (element.get(span)) return;
          decode_span(span);
        }
      });
  for (size_t i = 0; i < groups.size(); ++i) {
    trace_analyze::formats::TraceGroups::Group& group = groups.group(i);
    trace_analyze::formats::SplitZipkinSharedSpans(&group.trace, group.shared);
    trace_analyze::fuzz::CheckDecoded(group.trace);
  }
  return 0;
}
