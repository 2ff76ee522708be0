// Decoder for Jaeger UI JSON (the /api/traces model and UI downloads): one
// trace object, or one span with an embedded process (bare span arrays).
// Single pass over the On-Demand document, so keys may come in any order
// (processes after spans); allocation-free once the reused buffers are warm.
#ifndef TRACE_ANALYZE_FORMATS_JAEGER_JSON_DECODER_H_
#define TRACE_ANALYZE_FORMATS_JAEGER_JSON_DECODER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "formats/decode_util.h"
#include "formats/short_strings.h"
#include "formats/trace_format.h"

namespace trace_analyze::formats {

struct JaegerProcess {
  std::string_view id;       // key in `processes`; "" if embedded in its span
  std::string_view service;  // in the trace arena
  std::string_view host;     // in the trace arena
};

// Decode-time facts about a span, resolved once the whole trace is read (a
// trace lists its processes after its spans).
struct JaegerPendingSpan {
  // Its processID: a view of the document while a whole trace is decoded,
  // in the trace's arena for a run of a streamed trace.
  std::string_view process_id;
  // Index of its embedded process in the decoder's processes; -1: none;
  // kProcessResolved: service and host are set already.
  int32_t embedded_process = -1;
  bool has_trace_id = false;  // the span has its own traceID
  bool trace_id_hex = true;
  bool span_id_hex = true;
  static constexpr int32_t kProcessResolved = -2;
};

class JaegerJsonDecoder;

// A Jaeger trace too big to hold as text (input/ streams it): its members
// (traceID, processes, ...) and runs of its spans arrive as separate pieces.
// Runs may be decoded on any thread (JaegerJsonDecoder::DecodeSpanRun) and
// are appended in input order; the result equals DecodeTrace's on the whole
// object.
class JaegerStreamedTrace {
 public:
  // Starts a new trace, keeping buffers for reuse.
  void Begin();
  analyzer::Trace& trace() { return trace_; }

  // Appends a decoded run: its spans, references and attributes are copied,
  // its strings adopted (`part` is left empty). `first_trace_id`: the first
  // traceID its spans carried ("" if none), in part's arena.
  void AppendRun(analyzer::Trace* part, const std::vector<JaegerPendingSpan>& pending,
                 std::string_view first_trace_id);

  // After the last piece: the trace id from the first span when the trace
  // has none, services and hosts from the processes, references' trace ids.
  void Finish();

 private:
  friend class JaegerJsonDecoder;
  analyzer::Trace trace_;
  std::vector<JaegerProcess> processes_;  // ids in the trace's arena
  std::vector<JaegerPendingSpan> pending_;
  std::string_view first_span_trace_id_;
};

// The decoder of two rows of the format table: Jaeger UI traces (whole) and
// bare Jaeger spans.
class JaegerJsonDecoder final : public FormatDecoder {
 public:
  // Decodes a trace object {traceID, spans[], processes{}} into `trace`, which
  // the caller has Reset(). Sets trace_id (from the first span when the trace
  // has none), spans, references, attributes and quality.non_hex_ids; not
  // `source`. Spans: processID/embedded process -> service and host
  // ("unknown-service" when missing); tags -> attributes; span.kind, error
  // conventions applied; deprecated parentSpanID -> CHILD_OF when there are
  // no references. On failure returns false with `error` set; `trace` then
  // holds a partial trace (its trace_id may help the message).
  bool DecodeTrace(ondemand::value trace_value, analyzer::Trace* trace,
                   DecodeError* error) override;

  // One bare span (DecodeSpan) into `staging`, which the caller has Reset(),
  // staged under its own trace id.
  bool DecodeSpans(ondemand::value span_value, size_t index, analyzer::Trace* staging,
                   std::vector<StagedSpan>* staged, DecodeError* error) override;

  // Decodes one span object and appends it to `trace` (with its references
  // and attributes). The span's own normalised trace id (may be "") is
  // stored in trace->arena and returned in `span_trace_id`. `index` names the
  // span in messages.
  bool DecodeSpan(ondemand::value span_value, size_t index, analyzer::Trace* trace,
                  std::string_view* span_trace_id, DecodeError* error);

  // A streamed trace's pieces. DecodeSpanRun decodes an array of span
  // objects, numbered from `first_index` in messages, into `part` (which the
  // caller has Reset()) and `pending` (cleared here), for
  // JaegerStreamedTrace::AppendRun; `first_trace_id` as AppendRun wants it.
  // Touches no streamed trace, so lanes may run it at once, each with its
  // own decoder.
  bool DecodeSpanRun(ondemand::value array, uint32_t first_index, analyzer::Trace* part,
                     std::vector<JaegerPendingSpan>* pending, std::string_view* first_trace_id,
                     DecodeError* error);
  // An object holding some members of the trace object other than a spans
  // array (traceID, processes, spans: null, ...), as DecodeTrace reads them.
  bool DecodeTraceMembers(ondemand::value object, JaegerStreamedTrace* streamed,
                          DecodeError* error);

 private:
  using Process = JaegerProcess;
  using PendingSpan = JaegerPendingSpan;

  // The span objects of a spans array, numbered from `first_index` in
  // messages, appended to `trace` and their facts to `pending`;
  // *first_trace_id is set from the first span with a traceID when empty.
  bool DecodeSpanArray(ondemand::value array, uint32_t first_index, analyzer::Trace* trace,
                       std::vector<PendingSpan>* pending, std::string_view* first_trace_id,
                       DecodeError* error);
  bool DecodeSpanObject(ondemand::value span_value, uint32_t index, analyzer::Trace* trace,
                        PendingSpan* pending, DecodeError* error);
  bool DecodeProcess(ondemand::value process_value, analyzer::Trace* trace, Process* process,
                     std::string* failure);
  // A trace object's traceID or processes member (other keys are ignored)
  // into `trace` and `processes`; process ids are stored in the trace's arena
  // when `store_ids`, else they view the document.
  bool DecodeTraceMember(std::string_view key, ondemand::value& v, analyzer::Trace* trace,
                         std::vector<Process>* processes, bool store_ids, DecodeError* error);
  bool DecodeReferences(ondemand::value refs_value, analyzer::Trace* trace, const char** where,
                        std::string* failure);
  bool DecodeTags(ondemand::value tags_value, analyzer::Trace* trace, analyzer::Span* span,
                  const char** where, std::string* failure);
  // Normalises a trace id, remembering the last one: a trace's spans and
  // references repeat the same id, and normalising is not free.
  const std::string& NormalizeTraceIdCached(std::string_view raw, bool* is_hex);
  // Stores a normalised trace id in the trace's arena, sharing the trace's
  // own copy or the previous stored copy when equal.
  std::string_view StoreTraceId(std::string_view raw, analyzer::Trace* trace);
  void Resolve(analyzer::Trace* trace, uint32_t first_span);

  std::vector<Process> processes_;
  std::vector<PendingSpan> pending_;
  std::string id_scratch_;
  std::string read_failure_;   // set by the Read* helpers on failure
  std::string span_trace_id_;  // normalised traceID of the current span
  std::string cache_raw_trace_id_;
  std::string cache_trace_id_;
  bool cache_trace_id_hex_ = true;
  bool cache_valid_ = false;
  std::string_view last_stored_trace_id_;  // in the current trace's arena
  // Into the current trace's (or run's) arena: cleared with it.
  ShortStrings short_strings_;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_JAEGER_JSON_DECODER_H_
