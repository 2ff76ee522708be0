#include "formats/trace_format.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "formats/jaeger_json_decoder.h"
#include "formats/otlp_json_decoder.h"
#include "formats/zipkin_json_decoder.h"

namespace trace_analyze::formats {
namespace {

template <typename Decoder>
std::unique_ptr<FormatDecoder> Make() {
  return std::make_unique<Decoder>();
}

// The built-in rows, in FormatId order (trace_format.h).
std::vector<TraceFormat> BuiltinFormats() {
  std::vector<TraceFormat> rows;
  rows.push_back({"Jaeger UI trace",
                  {"spans", "processes"},
                  false,
                  Assembly::kWholeTrace,
                  false,
                  Make<JaegerJsonDecoder>});
  rows.push_back({"Jaeger span",
                  {"spanID", "operationName", "references", "startTime", "processID", "process",
                   "logs", "parentSpanID"},
                  false,
                  Assembly::kSpans,
                  false,
                  Make<JaegerJsonDecoder>});
  // "result": the api_v3 HTTP wrapper; "batches": Tempo's older OTLP JSON.
  rows.push_back({"OTLP/JSON document",
                  {"resourceSpans", "result", "batches"},
                  false,
                  Assembly::kSpans,
                  false,
                  Make<OtlpJsonDecoder>});
  rows.push_back({"Zipkin v2 span",
                  {"traceId", "id", "parentId", "name", "kind", "timestamp", "localEndpoint",
                   "remoteEndpoint", "annotations", "shared"},
                  false,
                  Assembly::kSpans,
                  true,
                  Make<ZipkinJsonDecoder>});
  rows.push_back(
      {"Zipkin v2 span list", {}, true, Assembly::kSpans, true, Make<ZipkinSpanListDecoder>});
  return rows;
}

std::vector<TraceFormat>& Table() {
  static std::vector<TraceFormat> table = BuiltinFormats();
  return table;
}

[[noreturn]] void Abort(std::string_view what, std::string_view name) {
  std::fprintf(stderr, "RegisterTraceFormat(%.*s): %.*s\n", static_cast<int>(name.size()),
               name.data(), static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace

bool FormatDecoder::DecodeTrace(ondemand::value /*unit*/, analyzer::Trace* /*trace*/,
                                DecodeError* error) {
  error->message = "this format's units hold spans, not whole traces";
  return false;
}

bool FormatDecoder::DecodeSpans(ondemand::value /*unit*/, size_t /*index*/,
                                analyzer::Trace* /*staging*/, std::vector<StagedSpan>* /*staged*/,
                                DecodeError* error) {
  error->message = "this format's units are whole traces, not spans";
  return false;
}

const std::vector<TraceFormat>& TraceFormats() { return Table(); }

FormatId RegisterTraceFormat(TraceFormat format) {
  std::vector<TraceFormat>& table = Table();
  if (table.size() >= kNoFormat) Abort("the table is full", format.name);
  for (std::string_view key : format.keys) {
    if (FormatOfKey(key) != kNoFormat) Abort("a key is claimed by another format", format.name);
  }
  if (format.array_unit && ArrayUnitFormat() != kNoFormat) {
    Abort("array units are claimed by another format", format.name);
  }
  if (!format.make_decoder) Abort("no decoder", format.name);
  table.push_back(std::move(format));
  return static_cast<FormatId>(table.size() - 1);
}

FormatId FormatOfKey(std::string_view key) {
  const std::vector<TraceFormat>& table = Table();
  for (size_t id = 0; id < table.size(); ++id) {
    for (std::string_view k : table[id].keys) {
      if (k == key) return static_cast<FormatId>(id);
    }
  }
  return kNoFormat;
}

FormatId ArrayUnitFormat() {
  const std::vector<TraceFormat>& table = Table();
  for (size_t id = 0; id < table.size(); ++id) {
    if (table[id].array_unit) return static_cast<FormatId>(id);
  }
  return kNoFormat;
}

}  // namespace trace_analyze::formats
