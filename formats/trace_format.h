// TraceFormat: the table of trace formats the readers understand. A row says
// how a format is recognised (the top-level keys only its units have), how
// its units become traces (whole traces, or spans grouped by trace id at the
// end of an input) and how to make its decoder. The splitter sniffs units
// with it and the unit decoder dispatches on it, so a new format is one file
// (its FormatDecoder) plus one row (trace_format.cc), or one
// RegisterTraceFormat() call.
#ifndef TRACE_ANALYZE_FORMATS_TRACE_FORMAT_H_
#define TRACE_ANALYZE_FORMATS_TRACE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "formats/decode_util.h"
#include "formats/trace_groups.h"

namespace trace_analyze::formats {

// A row's index in TraceFormats().
using FormatId = uint8_t;
inline constexpr FormatId kNoFormat = 0xff;

// The built-in rows, at fixed positions: the Jaeger API envelope's `data`
// elements are Jaeger traces, and servers answer in one known format.
inline constexpr FormatId kJaegerTraceFormat = 0;     // {"traceID", "spans", "processes"}
inline constexpr FormatId kJaegerSpanFormat = 1;      // a bare Jaeger span
inline constexpr FormatId kOtlpFormat = 2;            // an OTLP/JSON document
inline constexpr FormatId kZipkinSpanFormat = 3;      // one Zipkin v2 span
inline constexpr FormatId kZipkinSpanListFormat = 4;  // [span, ...]: one trace's Zipkin spans

// How a format's units become traces.
enum class Assembly : uint8_t {
  // A unit is one whole trace: decoded on any thread, delivered in order.
  kWholeTrace,
  // A unit holds spans of any traces: they are grouped by trace id and the
  // traces delivered at the end of the input, in order of first appearance.
  kSpans,
};

// One decoder per thread and format, reused from unit to unit (its buffers
// stay warm). Implement the method of the format's Assembly.
class FormatDecoder {
 public:
  virtual ~FormatDecoder() = default;

  // kWholeTrace: decodes `unit` into `trace`, which the caller has Reset().
  // Sets everything but `source`. On failure returns false with `error` set;
  // `trace` then holds what was decoded (its trace_id may name the trace).
  virtual bool DecodeTrace(ondemand::value unit, analyzer::Trace* trace, DecodeError* error);

  // kSpans: appends the unit's spans to `staging` (strings in its arena) and
  // one StagedSpan each to `staged`. `index` counts this format's units in
  // the current input (for messages). On failure returns false with `error`
  // set; the caller then drops whatever was staged for the unit.
  virtual bool DecodeSpans(ondemand::value unit, size_t index, analyzer::Trace* staging,
                           std::vector<StagedSpan>* staged, DecodeError* error);
};

struct TraceFormat {
  std::string_view name;  // for people: "Zipkin v2 span"
  // Top-level keys that only this format's objects have. The first key of an
  // object that any row claims decides its format (sniffing reads keys, never
  // parses values); keys shared by several formats ("traceID", "duration")
  // decide nothing and belong to no row.
  std::vector<std::string_view> keys;
  // Units are JSON arrays instead of objects (at most one row).
  bool array_unit = false;
  Assembly assembly = Assembly::kWholeTrace;
  // Zipkin's client and server halves of one call share a span id: split them
  // (SplitZipkinSharedSpans) once the whole trace is assembled.
  bool shared_span_ids = false;
  std::function<std::unique_ptr<FormatDecoder>()> make_decoder;
};

// Every format, indexed by FormatId: the built-in rows, then the registered
// ones.
const std::vector<TraceFormat>& TraceFormats();

// Adds a row and returns its id. Call before any input is read (the table is
// not locked). Aborts when a key or the array unit is already claimed, or
// when the table is full: both are programming errors.
FormatId RegisterTraceFormat(TraceFormat format);

// The format that top-level key `key` proves, or kNoFormat.
FormatId FormatOfKey(std::string_view key);

// The format whose units are arrays, or kNoFormat.
FormatId ArrayUnitFormat();

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_TRACE_FORMAT_H_
