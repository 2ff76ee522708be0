#include "formats/zipkin_json_decoder.h"

#include <fmt/format.h>

#include <utility>

#include "formats/ids.h"

namespace trace_analyze::formats {

bool ZipkinJsonDecoder::DecodeSpan(ondemand::value span_value, size_t index,
                                   analyzer::Trace* staging, std::vector<StagedSpan>* staged,
                                   DecodeError* error) {
  analyzer::Span span = StartSpan(*staging);
  std::string_view trace_id;
  std::string_view parent_id;
  bool has_trace_id = false;
  bool non_hex = false;
  bool shared = false;
  std::string_view service;
  std::string_view ipv4;
  std::string_view ipv6;

  const char* span_where = Where(span_value);
  auto fail = [&](const char* where, std::string_view field, std::string_view failure) {
    return SpanFailure(error, where, fmt::format("span {}", index), span.span_id, field, failure);
  };

  ondemand::object obj;
  if (span_value.get_object().get(obj)) {
    return fail(span_where, {}, Mismatch(span_value, "an object"));
  }
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) return fail(span_where, {}, JsonErrorText(ec));
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "traceId") || KeyIs(key, "id") || KeyIs(key, "parentId")) {
      std::string_view raw;
      if (!ReadString(v, &raw, &read_failure_)) return fail(Where(v), key, read_failure_);
      if (KeyIs(key, "traceId")) {
        non_hex = (!NormalizeTraceIdInto(raw, &id_scratch_) && !raw.empty()) || non_hex;
        trace_id = staging->arena.Store(id_scratch_);
        has_trace_id = !raw.empty();
      } else if (KeyIs(key, "id")) {
        if (raw.empty()) return fail(Where(v), key, "empty");
        non_hex = !NormalizeSpanIdInto(raw, &id_scratch_) || non_hex;
        span.span_id = staging->arena.Store(id_scratch_);
      } else if (!raw.empty()) {
        NormalizeSpanIdInto(raw, &id_scratch_);
        parent_id = staging->arena.Store(id_scratch_);
      }
    } else if (KeyIs(key, "name")) {
      std::string_view name;
      if (!ReadString(v, &name, &read_failure_)) return fail(Where(v), key, read_failure_);
      span.operation = staging->arena.Store(name);
    } else if (KeyIs(key, "kind")) {
      std::string_view kind;
      if (!ReadString(v, &kind, &read_failure_)) return fail(Where(v), key, read_failure_);
      span.kind = analyzer::ParseSpanKind(kind);
    } else if (KeyIs(key, "timestamp")) {
      if (!ReadInt64(v, false, &span.start_us, &read_failure_)) {
        return fail(Where(v), key, read_failure_);
      }
      span.has_start = span.start_us != 0;
    } else if (KeyIs(key, "duration")) {
      if (!ReadInt64(v, false, &span.duration_us, &read_failure_)) {
        return fail(Where(v), key, read_failure_);
      }
      span.has_duration = true;
    } else if (KeyIs(key, "localEndpoint")) {
      ondemand::json_type type{};
      if (auto ec = v.type().get(type); ec) return fail(Where(v), key, JsonErrorText(ec));
      if (type == ondemand::json_type::null) continue;
      ondemand::object endpoint;
      if (v.get_object().get(endpoint)) return fail(Where(v), key, Mismatch(v, "an object"));
      for (auto endpoint_field_result : endpoint) {
        ondemand::field& endpoint_field = endpoint_field_result.value_unsafe();
        if (auto ec = endpoint_field_result.error(); ec) {
          return fail(Where(v), key, JsonErrorText(ec));
        }
        const std::string_view name = RawKey(endpoint_field);
        std::string_view* target = KeyIs(name, "serviceName") ? &service
                                   : name == "ipv4"           ? &ipv4
                                   : name == "ipv6"           ? &ipv6
                                                              : nullptr;
        if (target == nullptr) continue;
        if (!ReadString(endpoint_field.value(), target, &read_failure_)) {
          return fail(Where(endpoint_field.value()), fmt::format("{}.{}", key, name),
                      read_failure_);
        }
      }
    } else if (KeyIs(key, "tags")) {
      ondemand::json_type type{};
      if (auto ec = v.type().get(type); ec) return fail(Where(v), key, JsonErrorText(ec));
      if (type == ondemand::json_type::null) continue;
      ondemand::object tags;
      if (v.get_object().get(tags)) return fail(Where(v), key, Mismatch(v, "an object"));
      for (auto tag_result : tags) {
        ondemand::field& tag = tag_result.value_unsafe();
        if (auto ec = tag_result.error(); ec) return fail(Where(v), key, JsonErrorText(ec));
        std::string_view tag_key;
        if (auto ec = tag.unescaped_key().get(tag_key); ec) {
          return fail(Where(v), key, JsonErrorText(ec));
        }
        tag_key = staging->arena.Store(tag_key);
        std::string_view tag_value;
        if (!ReadValueText(tag.value(), &tag_value, &read_failure_)) {
          return fail(Where(tag.value()), fmt::format("tags.{}", tag_key), read_failure_);
        }
        // Zipkin marks failed spans with an `error` tag whatever its value.
        if (tag_key == "error") span.error = true;
        ApplySpanAttribute(tag_key, tag_value, &span);
        staging->attributes.push_back({tag_key, staging->arena.Store(tag_value)});
      }
    } else if (KeyIs(key, "shared")) {
      if (auto ec = v.get_bool().get(shared); ec)
        return fail(Where(v), key, Mismatch(v, "a boolean"));
    }
  }
  if (span.span_id.empty()) return fail(span_where, "id", "missing");
  if (!has_trace_id) return fail(span_where, "traceId", "missing");
  span.service = service.empty() ? kUnknownService : staging->arena.Store(service);
  span.host = staging->arena.Store(!ipv4.empty() ? ipv4 : ipv6);
  span.attrs_count = static_cast<uint32_t>(staging->attributes.size()) - span.attrs_begin;
  span.refs_begin = static_cast<uint32_t>(staging->references.size());
  if (!parent_id.empty()) {
    staging->references.push_back({analyzer::RefType::kChildOf, trace_id, parent_id});
  }
  span.refs_count = static_cast<uint32_t>(staging->references.size()) - span.refs_begin;
  staging->spans.push_back(span);
  staged->push_back({trace_id, non_hex, shared});
  return true;
}

bool ZipkinSpanListDecoder::DecodeSpans(ondemand::value list_value, size_t /*index*/,
                                        analyzer::Trace* staging, std::vector<StagedSpan>* staged,
                                        DecodeError* error) {
  ondemand::array list;
  if (list_value.get_array().get(list)) {
    error->message = Mismatch(list_value, "an array");
    return false;
  }
  size_t index = 0;
  for (auto span_result : list) {
    ondemand::value& span_value = span_result.value_unsafe();
    if (auto ec = span_result.error(); ec) {
      error->message = JsonErrorText(ec);
      return false;
    }
    if (!span_.DecodeSpan(span_value, index++, staging, staged, error)) {
      if (!staged->empty()) error->trace_id = (*staged)[0].trace_id;
      return false;
    }
  }
  return true;
}

}  // namespace trace_analyze::formats
