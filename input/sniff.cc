#include "input/sniff.h"

#include "input/value_scanner.h"

namespace trace_analyze::input {
namespace {

struct KeyKind {
  std::string_view key;
  DocKind kind;
};

// Keys that only one format has at the top level of the object in question.
// Shared ones ("traceID" on Jaeger traces and spans, "duration"/"tags" on
// Jaeger and Zipkin spans, "warnings") decide nothing.
constexpr KeyKind kDecidingKeys[] = {
    {"data", DocKind::kJaegerEnvelope},
    {"spans", DocKind::kJaegerTrace},
    {"processes", DocKind::kJaegerTrace},
    {"spanID", DocKind::kJaegerSpan},
    {"operationName", DocKind::kJaegerSpan},
    {"references", DocKind::kJaegerSpan},
    {"startTime", DocKind::kJaegerSpan},
    {"processID", DocKind::kJaegerSpan},
    {"process", DocKind::kJaegerSpan},
    {"logs", DocKind::kJaegerSpan},
    {"parentSpanID", DocKind::kJaegerSpan},
    {"resourceSpans", DocKind::kOtlp},
    {"result", DocKind::kOtlp},
    {"batches", DocKind::kOtlp},  // Tempo's older OTLP JSON
    {"traceId", DocKind::kZipkinSpan},
    {"id", DocKind::kZipkinSpan},
    {"parentId", DocKind::kZipkinSpan},
    {"name", DocKind::kZipkinSpan},
    {"kind", DocKind::kZipkinSpan},
    {"timestamp", DocKind::kZipkinSpan},
    {"localEndpoint", DocKind::kZipkinSpan},
    {"remoteEndpoint", DocKind::kZipkinSpan},
    {"annotations", DocKind::kZipkinSpan},
    {"shared", DocKind::kZipkinSpan},
};

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  return i;
}

}  // namespace

Compression SniffCompression(std::string_view prefix) {
  if (prefix.size() >= 2 && prefix[0] == '\x1f' && prefix[1] == '\x8b') return Compression::kGzip;
  if (prefix.size() >= 4 && prefix.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

DocKind KindOfKey(std::string_view key) {
  for (const KeyKind& k : kDecidingKeys) {
    if (k.key == key) return k.kind;
  }
  return DocKind::kUnknown;
}

bool IsEnvelopeKey(std::string_view key) {
  return key == "total" || key == "limit" || key == "offset" || key == "errors";
}

DocKind ClassifyValue(std::string_view json) {
  size_t i = SkipSpace(json, 0);
  if (i >= json.size()) return DocKind::kUnknown;
  if (json[i] == '[') return DocKind::kZipkinSpanList;
  if (json[i] != '{') return DocKind::kUnknown;
  bool envelope_keys = false;
  i = SkipSpace(json, i + 1);
  while (i < json.size() && json[i] == '"') {
    const size_t key_end = FindValueEnd(json.substr(i));
    if (key_end == ValueScanner::kNotFound) return DocKind::kUnknown;
    const std::string_view key = json.substr(i + 1, key_end - 2);
    const DocKind kind = KindOfKey(key);
    if (kind != DocKind::kUnknown) return kind;
    envelope_keys = envelope_keys || IsEnvelopeKey(key);
    i = SkipSpace(json, i + key_end);
    if (i >= json.size() || json[i] != ':') return DocKind::kUnknown;
    i = SkipSpace(json, i + 1);
    if (i >= json.size()) return DocKind::kUnknown;
    const size_t value_end = FindValueEnd(json.substr(i));
    if (value_end == ValueScanner::kNotFound || value_end == 0) return DocKind::kUnknown;
    i = SkipSpace(json, i + value_end);
    if (i < json.size() && json[i] == ',') i = SkipSpace(json, i + 1);
  }
  return envelope_keys ? DocKind::kJaegerEnvelope : DocKind::kUnknown;
}

}  // namespace trace_analyze::input
