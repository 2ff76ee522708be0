// Format sniffing from content: compression magic numbers, and which trace
// format a JSON object is, judged from its top-level keys (in any order).
#ifndef TRACE_ANALYZE_INPUT_SNIFF_H_
#define TRACE_ANALYZE_INPUT_SNIFF_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/trace_format.h"

namespace trace_analyze::input {

enum class Compression : uint8_t { kNone, kGzip, kZstd };

// Bytes needed to recognise every magic number.
inline constexpr size_t kMaxMagicSize = 4;

// From the first bytes of a stream: gzip 1f 8b, zstd 28 b5 2f fd.
Compression SniffCompression(std::string_view prefix);

enum class UnitKind : uint8_t {
  kFormat,          // a unit of the trace format UnitType::format (formats/trace_format.h)
  kJaegerEnvelope,  // a whole {"data": ...} object nested where we do not stream
  kEnvelopeErrors,  // the `errors` value of a Jaeger API envelope
  kUnknown,         // an array element of no known shape (reported, skipped)
  kBrokenLine,      // a JSON Lines line that is not a complete document (reported, skipped)
  // A Jaeger UI trace too big to hold as text comes in pieces, in this order
  // (JsonSplitter): its opening brace (no bytes), then its members as they
  // come: each member other than a spans array (`"key": value`), and each
  // spans array as runs of whole span objects (`{...},{...}`); then its
  // closing brace.
  kTraceOpen,
  kTraceMember,
  kTraceSpans,
  kTraceClose,
};

// What a JSON value is to the reader: a unit of one trace format, or a piece
// of input structure that the unit decoder handles itself.
struct UnitType {
  UnitKind kind = UnitKind::kUnknown;
  formats::FormatId format = formats::kNoFormat;  // with kFormat

  static UnitType Structure(UnitKind kind) { return {kind, formats::kNoFormat}; }
  // kUnknown for kNoFormat.
  static UnitType Format(formats::FormatId format) {
    return format == formats::kNoFormat ? UnitType{} : UnitType{UnitKind::kFormat, format};
  }
  bool operator==(const UnitType&) const = default;
};

// What a top-level key proves: "data" a Jaeger API envelope, a key of the
// format table (formats/trace_format.h) that format; kUnknown when the key
// is shared by several formats ("traceID", "duration", "tags", ...) or
// unknown. Envelope bookkeeping keys (total, limit, offset, errors) also
// return kUnknown; see IsEnvelopeKey.
UnitType KindOfKey(std::string_view key);

// "total", "limit", "offset", "errors": keys of the Jaeger API envelope that
// do not decide anything on their own.
bool IsEnvelopeKey(std::string_view key);

// Classifies one complete JSON value (an array element): arrays are units of
// the format with array units; objects are judged by their first deciding
// key, or kJaegerEnvelope if only envelope keys were seen; anything else (or
// malformed text) is kUnknown. Reads only the top level.
UnitType ClassifyValue(std::string_view json);

// JSON insignificant whitespace: space, tab, CR, LF.
inline bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The UTF-8 byte order mark, tolerated at the start of an input.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_SNIFF_H_
