// Fuzz target: the OTLP/JSON decoder (OtlpJsonDecoder) and the grouping of
// its staged spans into traces (TraceGroups).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzer/model.h"
#include "formats/otlp_json_decoder.h"
#include "formats/trace_groups.h"
#include "fuzz/decoder_input.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using trace_analyze::analyzer::Trace;
  static trace_analyze::formats::OtlpJsonDecoder decoder;
  static Trace staging;
  static std::vector<trace_analyze::formats::StagedSpan> staged;
  static trace_analyze::formats::TraceGroups groups;
  groups.Clear();
  trace_analyze::fuzz::ForEachTopLevelValue(data, size, [](simdjson::ondemand::value v, auto) {
    staging.Reset();
    staged.clear();
    trace_analyze::formats::DecodeError error;
    if (!decoder.DecodeDocument(v, &staging, &staged, &error)) return;
    trace_analyze::fuzz::CheckDecoded(staging);
    TA_FUZZ_CHECK(staged.size() == staging.spans.size());
    for (uint32_t i = 0; i < staging.spans.size(); ++i) groups.Add(staging, i, staged[i], false);
  });
  for (size_t i = 0; i < groups.size(); ++i)
    trace_analyze::fuzz::CheckDecoded(groups.group(i).trace);
  return 0;
}
