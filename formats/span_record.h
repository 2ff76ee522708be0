// Span records: one span of a trace being assembled, in a compact binary
// form, and the trace rebuilt from its records. The reader holds the spans of
// span-format inputs (OTLP, Zipkin, bare Jaeger spans) as records until the
// last input, and writes them to its spill files past its memory budget
// (input/internal/held_spans.h). A record keeps everything TraceGroups::Add
// copies into a trace, so RecordedTrace builds the very trace TraceGroups
// would have built from the same spans in the same order. Layout:
// docs/architecture.md, "Span records and spill files".
#ifndef TRACE_ANALYZE_FORMATS_SPAN_RECORD_H_
#define TRACE_ANALYZE_FORMATS_SPAN_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "formats/trace_groups.h"

namespace trace_analyze::formats {

// Unsigned LEB128 (7 bits a byte, low first): the integers of records and of
// the spill files' trace blocks.
void AppendVarint(uint64_t value, std::string* out);
// Reads one from the front of *in and drops it; false when *in ends first or
// the value has more than 64 bits.
bool ReadVarint(std::string_view* in, uint64_t* value);
// A length (varint) and the bytes.
void AppendBytes(std::string_view bytes, std::string* out);
// Reads one into *bytes (a view into *in's memory); false when *in is short.
bool ReadBytes(std::string_view* in, std::string_view* bytes);

// Appends the record of span `index` of `staging` with its facts `info`
// (trace id excluded: the holder keeps it once per trace). `zipkin`: the
// span came from a format whose client and server halves share span ids.
void AppendSpanRecord(const analyzer::Trace& staging, uint32_t index, const StagedSpan& info,
                      bool zipkin, std::string* out);

// A trace rebuilt from its records, in the order they were appended.
class RecordedTrace {
 public:
  // Starts trace `trace_id` (normalised), keeping every buffer for reuse.
  void Begin(std::string_view trace_id);
  // Adds the span of `record`; false (the trace then unspecified) when the
  // record is malformed.
  bool Add(std::string_view record);
  // Applies what needs the whole trace: Zipkin's shared span ids
  // (SplitZipkinSharedSpans) when a span came from a Zipkin format.
  void Finish();

  analyzer::Trace& trace() { return trace_; }

 private:
  analyzer::Trace trace_;
  bool zipkin_ = false;
  std::vector<uint8_t> shared_;  // Zipkin `shared` per span, when zipkin_
  // The previous span's service and host (views into trace_'s arena):
  // consecutive spans of one process store their names once.
  std::string_view last_service_;
  std::string_view last_host_;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_SPAN_RECORD_H_
