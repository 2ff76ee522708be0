// Decoder for Zipkin v2 JSON spans (POST /api/v2/spans bodies, UI exports).
// Zipkin files are arrays of spans of any traces in any order, so spans are
// staged with their trace ids and grouped by the caller; the shared
// client/server span fix-up (zipkin_shared_spans.h) runs per whole trace.
#ifndef TRACE_ANALYZE_FORMATS_ZIPKIN_JSON_DECODER_H_
#define TRACE_ANALYZE_FORMATS_ZIPKIN_JSON_DECODER_H_

#include <string>
#include <vector>

#include "analyzer/model.h"
#include "formats/decode_util.h"
#include "formats/trace_format.h"
#include "formats/trace_groups.h"

namespace trace_analyze::formats {

class ZipkinJsonDecoder final : public FormatDecoder {
 public:
  // Appends one span to `staging` and its trace id and flags to `staged`.
  // Mapping: id/traceId/parentId normalised (parentId -> CHILD_OF); name ->
  // operation; kind -> kind; timestamp/duration µs (absent -> has_start /
  // has_duration false); localEndpoint.serviceName -> service
  // ("unknown-service" when absent), its ipv4 (else ipv6) -> host; tags ->
  // attributes; an `error` tag (any value) -> error; `shared` kept in staged.
  bool DecodeSpan(ondemand::value span_value, size_t index, analyzer::Trace* staging,
                  std::vector<StagedSpan>* staged, DecodeError* error);

  // The format table's entry for one span: DecodeSpan.
  bool DecodeSpans(ondemand::value span_value, size_t index, analyzer::Trace* staging,
                   std::vector<StagedSpan>* staged, DecodeError* error) override {
    return DecodeSpan(span_value, index, staging, staged, error);
  }

 private:
  std::string id_scratch_;
  std::string read_failure_;  // set by the Read* helpers on failure
};

// One array of Zipkin v2 spans (an element of a Zipkin list of traces),
// decoded whole: a span that fails fails the list, naming the trace of its
// first span.
class ZipkinSpanListDecoder final : public FormatDecoder {
 public:
  bool DecodeSpans(ondemand::value list, size_t index, analyzer::Trace* staging,
                   std::vector<StagedSpan>* staged, DecodeError* error) override;

 private:
  ZipkinJsonDecoder span_;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_ZIPKIN_JSON_DECODER_H_
