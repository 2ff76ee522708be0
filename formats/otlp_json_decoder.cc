#include "formats/otlp_json_decoder.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

#include "formats/ids.h"
#include "formats/otlp_mapping.h"

namespace trace_analyze::formats {
namespace {

using analyzer::RefType;
using analyzer::SpanKind;
using analyzer::Trace;

constexpr int kMaxAnyValueDepth = 64;

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Decodes standard or URL-safe base64 (padding optional) of exactly
// `bytes` bytes into lower-case hex. Old api_v3 servers sent ids this way.
bool Base64ToHex(std::string_view in, size_t bytes, std::string* hex) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() != (bytes * 8 + 5) / 6) return false;
  hex->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+' || c == '-') v = 62;
    if (c == '/' || c == '_') v = 63;
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      fmt::format_to(std::back_inserter(*hex), "{:02x}", (acc >> bits) & 0xff);
    }
  }
  return hex->size() == bytes * 2;
}

// OTLP enums are integers; servers before Jaeger v1.54 wrote their names.
SpanKind KindFromName(std::string_view name) {
  constexpr std::string_view kPrefix = "SPAN_KIND_";
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return analyzer::ParseSpanKind(name);
}

std::string SpanPath(size_t rs, size_t scope, size_t span, std::string_view span_id) {
  std::string path = fmt::format("resourceSpans[{}].scopeSpans[{}].spans[{}]", rs, scope, span);
  if (!span_id.empty()) fmt::format_to(std::back_inserter(path), " (id {})", span_id);
  return path;
}

}  // namespace

bool OtlpJsonDecoder::DecodeDocument(ondemand::value document, Trace* staging,
                                     std::vector<StagedSpan>* staged, DecodeError* error) {
  ondemand::object obj;
  if (document.get_object().get(obj)) {
    error->location = Where(document);
    error->message = "document: " + Mismatch(document, "an object");
    return false;
  }
  return DecodeTracesData(obj, staging, staged, error);
}

bool OtlpJsonDecoder::DecodeTracesData(ondemand::object data, Trace* staging,
                                       std::vector<StagedSpan>* staged, DecodeError* error) {
  size_t rs_index = 0;
  for (auto field_result : data) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      error->message = JsonErrorText(ec);
      return false;
    }
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "result")) {
      // api_v3 HTTP wrapper {"result": TracesData}.
      ondemand::object inner;
      if (v.get_object().get(inner)) {
        error->location = Where(v);
        error->message = "field 'result': " + Mismatch(v, "an object");
        return false;
      }
      if (!DecodeTracesData(inner, staging, staged, error)) return false;
    } else if (KeyIs(key, "resourceSpans") || KeyIs(key, "batches")) {
      ondemand::array list;
      if (v.get_array().get(list)) {
        error->location = Where(v);
        error->message = fmt::format("field '{}': {}", key, Mismatch(v, "an array"));
        return false;
      }
      for (auto rs_result : list) {
        ondemand::value& rs = rs_result.value_unsafe();
        if (auto ec = rs_result.error(); ec) {
          error->message = fmt::format("resourceSpans[{}]: {}", rs_index, JsonErrorText(ec));
          return false;
        }
        if (!DecodeResourceSpans(rs, rs_index, staging, staged, error)) return false;
        ++rs_index;
      }
    }
  }
  return true;
}

bool OtlpJsonDecoder::DecodeResourceSpans(ondemand::value value, size_t rs_index, Trace* staging,
                                          std::vector<StagedSpan>* staged, DecodeError* error) {
  auto fail = [&](const char* where, std::string message) {
    error->location = where;
    error->message = fmt::format("resourceSpans[{}]: {}", rs_index, message);
    return false;
  };
  ondemand::object obj;
  if (value.get_object().get(obj)) return fail(Where(value), Mismatch(value, "an object"));
  const size_t first_span = staging->spans.size();
  std::string_view service;  // in staging's arena
  HostPicker host;           // views in staging's arena
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) return fail(Where(value), JsonErrorText(ec));
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "resource")) {
      ondemand::object resource;
      if (v.get_object().get(resource)) {
        return fail(Where(v), "field 'resource': " + Mismatch(v, "an object"));
      }
      for (auto resource_field_result : resource) {
        ondemand::field& resource_field = resource_field_result.value_unsafe();
        if (auto ec = resource_field_result.error(); ec) {
          return fail(Where(v), JsonErrorText(ec));
        }
        if (RawKey(resource_field) != "attributes") continue;
        ondemand::value& attrs_value = resource_field.value();
        ondemand::array attrs;
        if (attrs_value.get_array().get(attrs)) {
          return fail(Where(attrs_value),
                      "field 'resource.attributes': " + Mismatch(attrs_value, "an array"));
        }
        for (auto attr_result : attrs) {
          ondemand::object attr;
          if (auto ec = attr_result.get_object().get(attr); ec) {
            return fail(Where(attrs_value), "field 'resource.attributes': " + JsonErrorText(ec));
          }
          std::string_view attr_key;
          std::string_view attr_value;
          for (auto kv_result : attr) {
            ondemand::field& kv = kv_result.value_unsafe();
            if (auto ec = kv_result.error(); ec) return fail(Where(v), JsonErrorText(ec));
            const std::string_view name = RawKey(kv);
            std::string failure;
            if (KeyIs(name, "key")) {
              if (!ReadString(kv.value(), &attr_key, &read_failure_)) {
                return fail(Where(kv.value()), "resource attribute key: " + read_failure_);
              }
            } else if (KeyIs(name, "value")) {
              const char* where = Where(kv.value());
              if (!AnyValueText(kv.value(), &attr_value, &failure)) {
                return fail(where, "resource attribute value: " + failure);
              }
              attr_value = staging->arena.Store(attr_value);
            }
          }
          if (attr_key == "service.name") service = attr_value;
          host.Offer(attr_key, attr_value);
        }
      }
    } else if (KeyIs(key, "scopeSpans") || KeyIs(key, "instrumentationLibrarySpans")) {
      ondemand::array scopes;
      if (v.get_array().get(scopes)) {
        return fail(Where(v), fmt::format("field '{}': {}", key, Mismatch(v, "an array")));
      }
      size_t scope_index = 0;
      for (auto scope_result : scopes) {
        ondemand::object scope;
        if (auto ec = scope_result.get_object().get(scope); ec) {
          return fail(Where(v), fmt::format("scopeSpans[{}]: {}", scope_index, JsonErrorText(ec)));
        }
        for (auto scope_field_result : scope) {
          ondemand::field& scope_field = scope_field_result.value_unsafe();
          if (auto ec = scope_field_result.error(); ec) {
            return fail(Where(v), JsonErrorText(ec));
          }
          if (RawKey(scope_field) != "spans") continue;
          ondemand::value& spans_value = scope_field.value();
          ondemand::array spans;
          if (spans_value.get_array().get(spans)) {
            return fail(Where(spans_value),
                        fmt::format("scopeSpans[{}]: field 'spans': {}", scope_index,
                                    Mismatch(spans_value, "an array")));
          }
          size_t span_index = 0;
          for (auto span_result : spans) {
            ondemand::value& span_value = span_result.value_unsafe();
            if (auto ec = span_result.error(); ec) {
              error->location = Where(spans_value);
              error->message =
                  SpanPath(rs_index, scope_index, span_index, {}) + ": " + JsonErrorText(ec);
              return false;
            }
            if (!DecodeSpan(span_value, SpanPath(rs_index, scope_index, span_index, {}), staging,
                            staged, error)) {
              return false;
            }
            ++span_index;
          }
        }
        ++scope_index;
      }
    }
  }
  // The resource may come after its spans: resolve now that both are read.
  const std::string_view stored_host = host.value();
  for (size_t i = first_span; i < staging->spans.size(); ++i) {
    staging->spans[i].service = service.empty() ? kUnknownService : service;
    staging->spans[i].host = stored_host;
  }
  return true;
}

bool OtlpJsonDecoder::StoreId(ondemand::value value, bool trace, Trace* staging,
                              std::string_view* out, bool* is_hex, std::string* failure) {
  std::string_view raw;
  if (!ReadString(value, &raw, &read_failure_)) {
    *failure = read_failure_;
    return false;
  }
  *is_hex = true;
  if (raw.empty()) {
    *out = {};
    return true;
  }
  bool hex =
      trace ? NormalizeTraceIdInto(raw, &id_scratch_) : NormalizeSpanIdInto(raw, &id_scratch_);
  if (!hex) {
    std::string decoded;
    if (Base64ToHex(raw, trace ? 16 : 8, &decoded)) {
      hex = trace ? NormalizeTraceIdInto(decoded, &id_scratch_)
                  : NormalizeSpanIdInto(decoded, &id_scratch_);
    }
  }
  *is_hex = hex;
  *out = staging->arena.Store(id_scratch_);
  return true;
}

bool OtlpJsonDecoder::DecodeSpan(ondemand::value value, std::string_view path, Trace* staging,
                                 std::vector<StagedSpan>* staged, DecodeError* error) {
  analyzer::Span span = StartSpan(*staging);
  std::string_view trace_id;
  std::string_view parent_id;
  bool trace_hex = true;
  bool span_hex = true;
  bool parent_hex = true;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  bool has_start = false;
  bool has_end = false;
  SpanKind kind = SpanKind::kUnspecified;
  bool status_error = false;
  links_.clear();

  const char* span_where = Where(value);
  auto fail = [&](const char* where, std::string_view field, std::string_view failure) {
    return SpanFailure(error, where, path, span.span_id, field, failure);
  };

  ondemand::object obj;
  if (value.get_object().get(obj)) return fail(span_where, {}, Mismatch(value, "an object"));
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) return fail(span_where, {}, JsonErrorText(ec));
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    std::string failure;
    if (KeyIs(key, "traceId")) {
      if (!StoreId(v, true, staging, &trace_id, &trace_hex, &failure)) {
        return fail(Where(v), key, failure);
      }
    } else if (KeyIs(key, "spanId")) {
      if (!StoreId(v, false, staging, &span.span_id, &span_hex, &failure)) {
        return fail(Where(v), key, failure);
      }
    } else if (KeyIs(key, "parentSpanId")) {
      if (!StoreId(v, false, staging, &parent_id, &parent_hex, &failure)) {
        return fail(Where(v), key, failure);
      }
    } else if (KeyIs(key, "name")) {
      std::string_view name;
      if (!ReadString(v, &name, &read_failure_)) return fail(Where(v), key, read_failure_);
      span.operation = staging->arena.Store(name);
    } else if (KeyIs(key, "kind")) {
      std::string_view name;
      int64_t number = 0;
      if (!v.get_string().get(name)) {
        kind = KindFromName(name);
      } else if (ReadInt64(v, false, &number, &read_failure_)) {
        kind = OtlpKindFromNumber(number);
      } else {
        return fail(Where(v), key, Mismatch(v, "an integer"));
      }
    } else if (KeyIs(key, "startTimeUnixNano") || KeyIs(key, "endTimeUnixNano")) {
      const bool is_start = KeyIs(key, "startTimeUnixNano");
      const char* where = Where(v);
      if (!ReadInt64(v, true, is_start ? &start_ns : &end_ns, &read_failure_)) {
        return fail(where, key, read_failure_);
      }
      (is_start ? has_start : has_end) = true;
    } else if (KeyIs(key, "attributes")) {
      ondemand::array attrs;
      if (v.get_array().get(attrs)) return fail(Where(v), key, Mismatch(v, "an array"));
      size_t index = 0;
      for (auto attr_result : attrs) {
        ondemand::object attr;
        if (auto ec = attr_result.get_object().get(attr); ec) {
          return fail(Where(v), key, fmt::format("element {}: {}", index, JsonErrorText(ec)));
        }
        std::string_view attr_key;
        std::string_view attr_value;
        for (auto kv_result : attr) {
          ondemand::field& kv = kv_result.value_unsafe();
          if (auto ec = kv_result.error(); ec) return fail(Where(v), key, JsonErrorText(ec));
          const std::string_view name = RawKey(kv);
          if (KeyIs(name, "key")) {
            if (!ReadString(kv.value(), &attr_key, &read_failure_)) {
              return fail(Where(kv.value()), key,
                          fmt::format("element {}: field 'key': {}", index, read_failure_));
            }
          } else if (KeyIs(name, "value")) {
            const char* where = Where(kv.value());
            if (!AnyValueText(kv.value(), &attr_value, &failure)) {
              return fail(where, key, fmt::format("element {}: field 'value': {}", index, failure));
            }
            attr_value = staging->arena.Store(attr_value);
          }
        }
        ApplySpanAttribute(attr_key, attr_value, &span);
        staging->attributes.push_back({staging->arena.Store(attr_key), attr_value});
        ++index;
      }
    } else if (KeyIs(key, "links")) {
      const char* where = Where(v);
      if (!DecodeLinks(v, staging, &failure, &where)) return fail(where, key, failure);
    } else if (KeyIs(key, "status")) {
      ondemand::object status;
      if (v.get_object().get(status)) return fail(Where(v), key, Mismatch(v, "an object"));
      for (auto status_field_result : status) {
        ondemand::field& status_field = status_field_result.value_unsafe();
        if (auto ec = status_field_result.error(); ec) {
          return fail(Where(v), key, JsonErrorText(ec));
        }
        if (RawKey(status_field) != "code") continue;
        ondemand::value& code_value = status_field.value();
        std::string_view name;
        int64_t code = 0;
        if (!code_value.get_string().get(name)) {
          status_error = KeyIs(name, "STATUS_CODE_ERROR");
        } else if (ReadInt64(code_value, false, &code, &read_failure_)) {
          status_error = code == 2;
        } else {
          return fail(Where(code_value), "status.code", Mismatch(code_value, "an integer"));
        }
      }
    }
  }
  if (span.span_id.empty()) return fail(span_where, "spanId", "missing");
  if (trace_id.empty()) return fail(span_where, "traceId", "missing");

  if (kind != SpanKind::kUnspecified) span.kind = kind;
  if (status_error) span.error = true;
  SetOtlpTimes(has_start, start_ns, has_end, end_ns, &span);
  span.attrs_count = static_cast<uint32_t>(staging->attributes.size()) - span.attrs_begin;

  // References: the parent first, then the links (see the header).
  AppendOtlpReferences(trace_id, parent_id, links_, staging, &span);
  staging->spans.push_back(span);
  staged->push_back({trace_id, !trace_hex || !span_hex, false});
  return true;
}

bool OtlpJsonDecoder::DecodeLinks(ondemand::value value, Trace* staging, std::string* failure,
                                  const char** where) {
  return ForEachObjectElement(value, where, failure, [&](size_t index, ondemand::object& link) {
    OtlpLink out{{}, {}, RefType::kFollowsFrom};
    const bool fields_ok =
        ForEachElementField(link, index, failure, [&](std::string_view key, ondemand::value& v) {
          bool hex = true;
          std::string id_failure;
          if (KeyIs(key, "traceId") || KeyIs(key, "spanId")) {
            if (!StoreId(v, KeyIs(key, "traceId"), staging,
                         KeyIs(key, "traceId") ? &out.trace_id : &out.span_id, &hex, &id_failure)) {
              *where = Where(v);
              *failure = ElementFailure(index, key, id_failure);
              return false;
            }
          } else if (KeyIs(key, "attributes")) {
            ondemand::array attrs;
            if (v.get_array().get(attrs)) return true;
            for (auto attr_result : attrs) {
              ondemand::object attr;
              if (attr_result.get_object().get(attr)) continue;
              std::string_view attr_key;
              std::string_view attr_value;
              const bool kv_ok = ForEachElementField(
                  attr, index, failure, [&](std::string_view name, ondemand::value& kv) {
                    if (KeyIs(name, "key")) {
                      if (kv.get_string().get(attr_key)) attr_key = {};
                    } else if (KeyIs(name, "value")) {
                      std::string ignored;
                      if (!AnyValueText(kv, &attr_value, &ignored)) attr_value = {};
                      attr_value = staging->arena.Store(attr_value);
                    }
                    return true;
                  });
              if (!kv_ok) return false;
              if (attr_key == "opentracing.ref_type") out.type = OtlpLinkType(attr_value);
            }
          }
          return true;
        });
    if (!fields_ok) return false;
    if (!out.span_id.empty()) links_.push_back(out);  // empty links carry nothing
    return true;
  });
}

bool OtlpJsonDecoder::AnyValueText(ondemand::value value, std::string_view* out,
                                   std::string* failure) {
  ondemand::object obj;
  if (value.get_object().get(obj)) {
    *failure = Mismatch(value, "an object (AnyValue)");
    return false;
  }
  *out = {};
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      *failure = JsonErrorText(ec);
      return false;
    }
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "stringValue") || KeyIs(key, "bytesValue")) {
      if (!ReadString(v, out, &read_failure_)) {
        *failure = fmt::format("{}: {}", key, read_failure_);
        return false;
      }
    } else if (KeyIs(key, "intValue") || KeyIs(key, "doubleValue") || KeyIs(key, "boolValue")) {
      // int64 as a string or a number, doubles as written, "NaN" as given.
      if (!ReadValueText(v, out, &read_failure_)) {
        *failure = fmt::format("{}: {}", key, read_failure_);
        return false;
      }
    } else if (KeyIs(key, "arrayValue") || KeyIs(key, "kvlistValue")) {
      scratch_.clear();
      if (!AppendCompositeJson(v, KeyIs(key, "arrayValue"), 1, &scratch_, failure)) return false;
      *out = scratch_;
    }
  }
  return true;
}

bool OtlpJsonDecoder::AppendAnyValueJson(ondemand::value value, int depth, std::string* out,
                                         std::string* failure) {
  if (depth > kMaxAnyValueDepth) {
    *failure = "attribute value nested too deeply";
    return false;
  }
  ondemand::object obj;
  if (value.get_object().get(obj)) {
    *failure = Mismatch(value, "an object (AnyValue)");
    return false;
  }
  bool wrote = false;
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      *failure = JsonErrorText(ec);
      return false;
    }
    if (wrote) continue;
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    std::string_view text;
    if (KeyIs(key, "stringValue") || KeyIs(key, "bytesValue")) {
      if (!ReadString(v, &text, &read_failure_)) {
        *failure = fmt::format("{}: {}", key, read_failure_);
        return false;
      }
      AppendJsonString(text, out);
      wrote = true;
    } else if (KeyIs(key, "intValue") || KeyIs(key, "doubleValue") || KeyIs(key, "boolValue")) {
      ondemand::json_type type{};
      if (auto ec = v.type().get(type); ec) {
        *failure = JsonErrorText(ec);
        return false;
      }
      if (!ReadValueText(v, &text, &read_failure_)) {
        *failure = fmt::format("{}: {}", key, read_failure_);
        return false;
      }
      int64_t ignored = 0;
      const bool quoted_int =
          type == ondemand::json_type::string && KeyIs(key, "intValue") &&
          std::from_chars(text.data(), text.data() + text.size(), ignored).ptr ==
              text.data() + text.size();
      if (type == ondemand::json_type::string && !quoted_int) {
        AppendJsonString(text, out);  // "NaN", "Infinity"
      } else {
        out->append(TrimTrailingSpace(text));
      }
      wrote = true;
    } else if (KeyIs(key, "arrayValue") || KeyIs(key, "kvlistValue")) {
      if (!AppendCompositeJson(v, KeyIs(key, "arrayValue"), depth + 1, out, failure)) return false;
      wrote = true;
    }
  }
  if (!wrote) out->append("null");
  return true;
}

bool OtlpJsonDecoder::AppendCompositeJson(ondemand::value body_value, bool is_array, int depth,
                                          std::string* out, std::string* failure) {
  if (depth > kMaxAnyValueDepth) {
    *failure = "attribute value nested too deeply";
    return false;
  }
  ondemand::object body;
  if (body_value.get_object().get(body)) {
    *failure =
        Mismatch(body_value, is_array ? "an object (ArrayValue)" : "an object (KeyValueList)");
    return false;
  }
  out->push_back(is_array ? '[' : '{');
  bool first = true;
  for (auto body_field_result : body) {
    ondemand::field& body_field = body_field_result.value_unsafe();
    if (auto ec = body_field_result.error(); ec) {
      *failure = JsonErrorText(ec);
      return false;
    }
    if (RawKey(body_field) != "values") continue;
    ondemand::array values;
    if (body_field.value().get_array().get(values)) continue;
    for (auto element_result : values) {
      ondemand::value& element = element_result.value_unsafe();
      if (auto ec = element_result.error(); ec) {
        *failure = JsonErrorText(ec);
        return false;
      }
      if (!first) out->push_back(',');
      first = false;
      if (is_array) {
        if (!AppendAnyValueJson(element, depth + 1, out, failure)) return false;
        continue;
      }
      // KeyValue: "value" may come before "key", so render it aside first.
      ondemand::object kv;
      if (element.get_object().get(kv)) {
        *failure = Mismatch(element, "an object (KeyValue)");
        return false;
      }
      std::string_view kv_key;
      std::string kv_value = "null";
      for (auto kv_field_result : kv) {
        ondemand::field& kv_field = kv_field_result.value_unsafe();
        if (auto ec = kv_field_result.error(); ec) {
          *failure = JsonErrorText(ec);
          return false;
        }
        const std::string_view name = RawKey(kv_field);
        if (KeyIs(name, "key")) {
          if (kv_field.value().get_string().get(kv_key)) kv_key = {};
        } else if (KeyIs(name, "value")) {
          kv_value.clear();
          if (!AppendAnyValueJson(kv_field.value(), depth + 1, &kv_value, failure)) return false;
        }
      }
      AppendJsonString(kv_key, out);
      out->push_back(':');
      out->append(kv_value);
    }
  }
  out->push_back(is_array ? ']' : '}');
  return true;
}

}  // namespace trace_analyze::formats
