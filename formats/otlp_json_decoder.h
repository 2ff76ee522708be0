// Decoder for OTLP/JSON trace documents: TracesData /
// ExportTraceServiceRequest {"resourceSpans":[...]}, the api_v3 HTTP wrapper
// {"result":{...}}, and Tempo's older {"batches":[...]} with
// "instrumentationLibrarySpans". A document may hold spans of many traces,
// so spans are staged with their trace ids and grouped by the caller.
#ifndef TRACE_ANALYZE_FORMATS_OTLP_JSON_DECODER_H_
#define TRACE_ANALYZE_FORMATS_OTLP_JSON_DECODER_H_

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "formats/decode_util.h"
#include "formats/otlp_mapping.h"
#include "formats/trace_format.h"
#include "formats/trace_groups.h"

namespace trace_analyze::formats {

class OtlpJsonDecoder final : public FormatDecoder {
 public:
  // Appends every span of the document to `staging` (strings in its arena)
  // and its trace id and flags to `staged` (parallel to staging->spans).
  // Mapping (as Jaeger's OTLP translator): ids hex, case-insensitive (base64
  // ids of old api_v3 servers are converted); kind 1..5 -> internal, server,
  // client, producer, consumer; status.code 2 -> error; *UnixNano -> µs,
  // truncated, duration = (end - start) / 1000; parentSpanId -> CHILD_OF;
  // links -> references (attribute opentracing.ref_type "child_of" ->
  // CHILD_OF, else FOLLOWS_FROM; a link equal to the parent sets the parent
  // reference's type); resource service.name -> service ("unknown-service"
  // when missing); span attributes -> attributes (strings as-is, numbers as
  // written, arrays and kvlists as compact JSON text).
  bool DecodeDocument(ondemand::value document, analyzer::Trace* staging,
                      std::vector<StagedSpan>* staged, DecodeError* error);

  // The format table's entry: DecodeDocument (`index` is not needed).
  bool DecodeSpans(ondemand::value document, size_t /*index*/, analyzer::Trace* staging,
                   std::vector<StagedSpan>* staged, DecodeError* error) override {
    return DecodeDocument(document, staging, staged, error);
  }

 private:
  bool DecodeTracesData(ondemand::object data, analyzer::Trace* staging,
                        std::vector<StagedSpan>* staged, DecodeError* error);
  bool DecodeResourceSpans(ondemand::value value, size_t rs_index, analyzer::Trace* staging,
                           std::vector<StagedSpan>* staged, DecodeError* error);
  bool DecodeSpan(ondemand::value value, std::string_view path, analyzer::Trace* staging,
                  std::vector<StagedSpan>* staged, DecodeError* error);
  bool DecodeLinks(ondemand::value value, analyzer::Trace* staging, std::string* failure,
                   const char** where);
  // Attribute value text; composite values are rendered into scratch_.
  bool AnyValueText(ondemand::value value, std::string_view* out, std::string* failure);
  // Appends an AnyValue as plain JSON ("a", 1, true, [..], {..}; null if empty).
  bool AppendAnyValueJson(ondemand::value value, int depth, std::string* out, std::string* failure);
  // Appends an ArrayValue {"values":[...]} or KeyValueList as JSON.
  bool AppendCompositeJson(ondemand::value body, bool is_array, int depth, std::string* out,
                           std::string* failure);
  // Normalised id stored in staging's arena. `trace` selects trace-id rules.
  bool StoreId(ondemand::value value, bool trace, analyzer::Trace* staging, std::string_view* out,
               bool* is_hex, std::string* failure);

  std::vector<OtlpLink> links_;
  std::string id_scratch_;
  std::string read_failure_;  // set by the Read* helpers on failure
  std::string scratch_;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_OTLP_JSON_DECODER_H_
