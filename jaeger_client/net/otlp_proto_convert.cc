#include "jaeger_client/net/otlp_proto_convert.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "formats/decode_util.h"
#include "formats/ids.h"
#include "formats/otlp_mapping.h"

namespace trace_analyze::jaeger_client::net {
namespace {

namespace common = ::opentelemetry::proto::common::v1;
namespace otlp = ::opentelemetry::proto::trace::v1;

constexpr int kMaxDepth = 64;

void AppendJson(const common::AnyValue& v, int depth, std::string* out);

void AppendComposite(const common::AnyValue& v, int depth, std::string* out) {
  if (depth > kMaxDepth) {
    out->append("null");
    return;
  }
  if (v.has_array_value()) {
    out->push_back('[');
    bool first = true;
    for (const common::AnyValue& e : v.array_value().values()) {
      if (!first) out->push_back(',');
      first = false;
      AppendJson(e, depth + 1, out);
    }
    out->push_back(']');
  } else {
    out->push_back('{');
    bool first = true;
    for (const common::KeyValue& kv : v.kvlist_value().values()) {
      if (!first) out->push_back(',');
      first = false;
      formats::AppendJsonString(kv.key(), out);
      out->push_back(':');
      AppendJson(kv.value(), depth + 1, out);
    }
    out->push_back('}');
  }
}

// An AnyValue as plain JSON, like the JSON decoder's AppendAnyValueJson.
void AppendJson(const common::AnyValue& v, int depth, std::string* out) {
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      formats::AppendJsonString(v.string_value(), out);
      break;
    case common::AnyValue::kBoolValue:
      out->append(v.bool_value() ? "true" : "false");
      break;
    case common::AnyValue::kIntValue:
      out->append(std::to_string(v.int_value()));
      break;
    case common::AnyValue::kDoubleValue:
      out->append(fmt::format("{}", v.double_value()));
      break;
    case common::AnyValue::kBytesValue:
      formats::AppendJsonString(formats::Base64Encode(v.bytes_value()), out);
      break;
    case common::AnyValue::kArrayValue:
    case common::AnyValue::kKvlistValue:
      AppendComposite(v, depth, out);
      break;
    default:
      out->append("null");
  }
}

// The attribute text the JSON decoder produces for the same value.
std::string ValueText(const common::AnyValue& v) {
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      return v.string_value();
    case common::AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case common::AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case common::AnyValue::kDoubleValue:
      return fmt::format("{}", v.double_value());
    case common::AnyValue::kBytesValue:
      return formats::Base64Encode(v.bytes_value());
    case common::AnyValue::kArrayValue:
    case common::AnyValue::kKvlistValue: {
      std::string out;
      AppendComposite(v, 1, &out);
      return out;
    }
    default:
      return {};
  }
}

// Normalised id from bytes; *hex is false for non-standard lengths.
std::string_view StoreId(const std::string& bytes, bool trace, analyzer::Trace* t, bool* hex) {
  if (bytes.empty()) {
    *hex = true;
    return {};
  }
  *hex = trace ? bytes.size() == 16 || bytes.size() == 8 : bytes.size() == 8;
  const std::string h = formats::BytesToHex(bytes);
  return t->arena.Store(trace ? formats::NormalizeTraceId(h) : formats::NormalizeSpanId(h));
}

}  // namespace

void AddOtlpTracesData(const otlp::TracesData& data, formats::SpanAssembler* assembler) {
  analyzer::Trace& t = assembler->staging();
  std::vector<formats::OtlpLink> links;
  for (const otlp::ResourceSpans& rs : data.resource_spans()) {
    std::string_view service;
    formats::HostPicker host;
    for (const common::KeyValue& kv : rs.resource().attributes()) {
      const std::string_view value = t.arena.Store(ValueText(kv.value()));
      if (kv.key() == "service.name") service = value;
      host.Offer(kv.key(), value);
    }
    for (const otlp::ScopeSpans& scope : rs.scope_spans()) {
      for (const otlp::Span& in : scope.spans()) {
        analyzer::Span span;
        bool trace_hex = true, span_hex = true, parent_hex = true;
        const std::string_view trace_id = StoreId(in.trace_id(), true, &t, &trace_hex);
        if (trace_id.empty()) continue;  // invalid in OTLP: nothing to group it by
        span.span_id = StoreId(in.span_id(), false, &t, &span_hex);
        const std::string_view parent_id = StoreId(in.parent_span_id(), false, &t, &parent_hex);
        span.operation = t.arena.Store(in.name());
        span.service = service.empty() ? formats::kUnknownService : service;
        span.host = host.value();
        formats::SetOtlpTimes(true, static_cast<int64_t>(in.start_time_unix_nano()), true,
                              static_cast<int64_t>(in.end_time_unix_nano()), &span);
        span.attrs_begin = static_cast<uint32_t>(t.attributes.size());
        for (const common::KeyValue& kv : in.attributes()) {
          const std::string_view value = t.arena.Store(ValueText(kv.value()));
          formats::ApplySpanAttribute(kv.key(), value, &span);
          t.attributes.push_back({t.arena.Store(kv.key()), value});
        }
        span.attrs_count = static_cast<uint32_t>(t.attributes.size()) - span.attrs_begin;
        const analyzer::SpanKind kind = formats::OtlpKindFromNumber(in.kind());
        if (kind != analyzer::SpanKind::kUnspecified) span.kind = kind;
        if (in.status().code() == otlp::Status::STATUS_CODE_ERROR) span.error = true;
        links.clear();
        for (const otlp::Span::Link& link : in.links()) {
          bool ignored = true;
          formats::OtlpLink out;
          out.trace_id = StoreId(link.trace_id(), true, &t, &ignored);
          out.span_id = StoreId(link.span_id(), false, &t, &ignored);
          for (const common::KeyValue& kv : link.attributes()) {
            if (kv.key() == "opentracing.ref_type")
              out.type = formats::OtlpLinkType(ValueText(kv.value()));
          }
          if (!out.span_id.empty()) links.push_back(out);
        }
        formats::AppendOtlpReferences(trace_id, parent_id, links, &t, &span);
        t.spans.push_back(span);
        assembler->staged().push_back({trace_id, !trace_hex || !span_hex, false});
      }
    }
  }
  assembler->Commit();
}

}  // namespace trace_analyze::jaeger_client::net
