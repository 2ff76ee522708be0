// Helpers shared by the JSON decoders: fast key access, typed reads with
// precise error messages, tag/attribute conventions (span.kind, error, HTTP
// status, host identity), all on simdjson On-Demand values.
#ifndef TRACE_ANALYZE_FORMATS_DECODE_UTIL_H_
#define TRACE_ANALYZE_FORMATS_DECODE_UTIL_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "analyzer/bytes_equal.h"
#include "analyzer/model.h"

namespace trace_analyze::formats {

using analyzer::BytesEqual;

namespace ondemand = simdjson::ondemand;

// Service name used when the input names none (Jaeger UI does the same).
inline constexpr std::string_view kUnknownService = "unknown-service";

// Why a unit (trace, span, document) could not be decoded.
struct DecodeError {
  const char* location = nullptr;  // into the parsed bytes, nullptr if unknown
  std::string message;             // e.g. "span 3 (id 00000000000000ab): field 'duration': ..."
  // The trace the failed unit belongs to, when a span decoder knows it (""
  // otherwise); valid while the staging trace is.
  std::string_view trace_id;
};

// The key of an object field as written (escapes not decoded; our keys have
// none). Valid while the document is. Found by scanning back from the value
// (`"key" : value`), which is cheaper than unescaped_key().
inline std::string_view RawKey(ondemand::field& field) {
  const char* key = field.key().raw();
  const char* p = field.value().raw_json_token().data() - 1;
  while (*p != ':') --p;
  do {
    --p;
  } while (*p != '"');
  return {key, static_cast<size_t>(p - key)};
}

// key == literal, written so that GCC inlines the comparison (an equality-only
// memcmp of constant size becomes a few loads; string_view's operator== calls
// memcmp). Used for every field of every span.
template <size_t N>
inline bool KeyIs(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// "array", "object", "number", "string", "boolean", "null".
std::string_view JsonTypeName(ondemand::json_type type);

// "expected <expected>, got <type of v>"; "invalid JSON (...)" if even the
// type cannot be read.
std::string Mismatch(ondemand::value& v, std::string_view expected);

// Text for a simdjson error: "invalid JSON: <simdjson's message>".
std::string JsonErrorText(simdjson::error_code code);

// Where `v` starts in the parsed bytes (for error offsets).
inline const char* Where(ondemand::value& v) { return v.raw_json_token().data(); }

// Typed reads. Each returns false on failure and then sets *failure to what
// was wrong (without field context), e.g. "expected a number, got string".

// Reads an integer: a JSON number (fractions truncated), or with
// `allow_string` also a string holding a decimal integer (int64 values that
// JSON encoders quote). Out-of-range values are errors.
bool ReadInt64Slow(ondemand::value& v, bool allow_string, int64_t* out, std::string* failure);
// Inlined: this runs for every time of every span; only a plain integer
// takes the fast path.
[[gnu::always_inline]] inline bool ReadInt64(ondemand::value& v, bool allow_string, int64_t* out,
                                             std::string* failure) {
  if (!v.get_int64().get(*out)) return true;
  return ReadInt64Slow(v, allow_string, out, failure);
}

// Whether p[0, n) holds a '\\', 8 bytes at a time (strings here are short,
// so this beats a memchr call).
[[gnu::always_inline]] inline bool HasBackslash(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    x ^= kOnes * '\\';
    if (((x - kOnes) & ~x & (kOnes << 7)) != 0) return true;  // a zero byte
  }
  for (; i < n; ++i) {
    if (p[i] == '\\') return true;
  }
  return false;
}

// Reads a string, unescaped (valid while the document is).
bool ReadStringSlow(ondemand::value& v, std::string_view* out, std::string* failure);
// Inlined: this runs for every string of every span.
[[gnu::always_inline]] inline bool ReadString(ondemand::value& v, std::string_view* out,
                                              std::string* failure) {
  // Fast path: a string without escapes is its raw text, which saves the
  // copy into simdjson's string buffer. Not consuming the value is fine: the
  // enclosing iteration skips it.
  const std::string_view token = v.raw_json_token();
  if (!token.empty() && token.front() == '"') {
    size_t close = token.size() - 1;
    while (close > 0 && token[close] != '"') --close;  // trailing whitespace
    if (close > 0) {
      const char* p = token.data() + 1;
      const size_t n = close - 1;
      if (!HasBackslash(p, n)) {
        *out = {p, n};
        return true;
      }
    }
  }
  return ReadStringSlow(v, out, failure);
}

// Reads any value as text: strings unescaped, numbers as written, booleans
// "true"/"false", null ""; arrays and objects as their raw JSON text.
bool ReadValueText(ondemand::value& v, std::string_view* out, std::string* failure);

// Applies the cross-format attribute conventions to `span`:
//   span.kind -> kind; error = true/"true" -> error;
//   otel.status_code = "ERROR" -> error; http.status_code or
//   http.response.status_code >= 500 -> error.
void ApplySpanAttribute(std::string_view key, std::string_view value, analyzer::Span* span);

// Host identity keys in priority order: ip, hostname, host.name, host.id,
// host.ip. Returns the rank (0 = best) or -1 if `key` is none of them.
int HostKeyRank(std::string_view key);

// Tracks the best host identity seen among process/resource attributes.
class HostPicker {
 public:
  void Offer(std::string_view key, std::string_view value) {
    const int rank = HostKeyRank(key);
    if (rank >= 0 && rank < rank_ && !value.empty()) {
      rank_ = rank;
      value_ = value;
    }
  }
  std::string_view value() const { return value_; }

 private:
  int rank_ = 1 << 30;
  std::string_view value_;
};

// Appends `s` to `out` as a JSON string literal (quotes and escapes added).
void AppendJsonString(std::string_view s, std::string* out);

// A span about to be decoded into `trace`: no start time or duration yet
// (has_start, has_duration false until read), its references and attributes
// appended after the trace's current ones.
inline analyzer::Span StartSpan(const analyzer::Trace& trace) {
  analyzer::Span span;
  span.has_start = false;
  span.has_duration = false;
  span.refs_begin = static_cast<uint32_t>(trace.references.size());
  span.attrs_begin = static_cast<uint32_t>(trace.attributes.size());
  return span;
}

// Sets `error` for a failure in a span and returns false:
// "<span>[ (id <span_id>)]: [field '<field>': ]<failure>", `span` naming it
// in its input ("span 3", an OTLP path).
bool SpanFailure(DecodeError* error, const char* where, std::string_view span,
                 std::string_view span_id, std::string_view field, std::string_view failure);

// "element N: <failure>", or "element N: field 'F': <failure>" when `field`
// is given: how the decoders name a failure inside an array of objects.
std::string ElementFailure(size_t index, std::string_view field, std::string_view failure);

// The loop every decoder runs over an array of objects (tags, references,
// links): calls on_element(index, object) for each element; it returns false
// to stop, having set *failure. A JSON error or an element that is not an
// object fails with an ElementFailure; *where follows the elements.
template <typename OnElement>
bool ForEachObjectElement(ondemand::value value, const char** where, std::string* failure,
                          OnElement&& on_element) {
  ondemand::array array;
  if (value.get_array().get(array)) {
    *failure = Mismatch(value, "an array");
    return false;
  }
  size_t index = 0;
  for (auto element_result : array) {
    ondemand::value& element = element_result.value_unsafe();
    if (auto ec = element_result.error(); ec) {
      *failure = ElementFailure(index, {}, JsonErrorText(ec));
      return false;
    }
    *where = Where(element);
    ondemand::object object;
    if (element.get_object().get(object)) {
      *failure = ElementFailure(index, {}, Mismatch(element, "an object"));
      return false;
    }
    if (!on_element(index, object)) return false;
    ++index;
  }
  return true;
}

// The fields of element `index`'s object: on_field(key, value) for each (key
// as written, see RawKey); it returns false to stop, having set *failure. A
// JSON error fails with an ElementFailure.
template <typename OnField>
bool ForEachElementField(ondemand::object& object, size_t index, std::string* failure,
                         OnField&& on_field) {
  for (auto field_result : object) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      *failure = ElementFailure(index, {}, JsonErrorText(ec));
      return false;
    }
    if (!on_field(RawKey(field), field.value())) return false;
  }
  return true;
}

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_DECODE_UTIL_H_
