#include "input/sniff.h"

#include "input/internal/value_scanner.h"

namespace trace_analyze::input {
namespace {

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

UnitType KindOfKey(std::string_view key) {
  if (key == "data") return UnitType::Structure(UnitKind::kJaegerEnvelope);
  return UnitType::Format(formats::FormatOfKey(key));
}

bool IsEnvelopeKey(std::string_view key) {
  return key == "total" || key == "limit" || key == "offset" || key == "errors";
}

UnitType ClassifyValue(std::string_view json) {
  size_t i = SkipSpace(json, 0);
  if (i >= json.size()) return {};
  if (json[i] == '[') return UnitType::Format(formats::ArrayUnitFormat());
  if (json[i] != '{') return {};
  bool envelope_keys = false;
  i = SkipSpace(json, i + 1);
  while (i < json.size() && json[i] == '"') {
    const size_t key_end = internal::FindValueEnd(json.substr(i));
    if (key_end == internal::ValueScanner::kNotFound) return {};
    const std::string_view key = json.substr(i + 1, key_end - 2);
    const UnitType kind = KindOfKey(key);
    if (kind.kind != UnitKind::kUnknown) return kind;
    envelope_keys = envelope_keys || IsEnvelopeKey(key);
    i = SkipSpace(json, i + key_end);
    if (i >= json.size() || json[i] != ':') return {};
    i = SkipSpace(json, i + 1);
    if (i >= json.size()) return {};
    const size_t value_end = internal::FindValueEnd(json.substr(i));
    if (value_end == internal::ValueScanner::kNotFound || value_end == 0) return {};
    i = SkipSpace(json, i + value_end);
    if (i < json.size() && json[i] == ',') i = SkipSpace(json, i + 1);
  }
  return envelope_keys ? UnitType::Structure(UnitKind::kJaegerEnvelope) : UnitType{};
}

}  // namespace trace_analyze::input
