#include "jaeger_client/net/api_v2_convert.h"

#include <fmt/format.h>

#include <string>

#include "analyzer/saturating.h"
#include "formats/decode_util.h"
#include "formats/ids.h"

namespace trace_analyze::jaeger_client::net {
namespace {

namespace pb = ::jaeger::api_v2;

// A tag's value as text, as the UI JSON shows it (binary as base64).
std::string ValueText(const pb::KeyValue& kv) {
  switch (kv.v_type()) {
    case pb::BOOL:
      return kv.v_bool() ? "true" : "false";
    case pb::INT64:
      return std::to_string(kv.v_int64());
    case pb::FLOAT64:
      return fmt::format("{}", kv.v_float64());
    case pb::BINARY:
      return formats::Base64Encode(kv.v_binary());
    default:
      return kv.v_str();
  }
}

// µs from a protobuf Timestamp/Duration (seconds + nanos). Hostile values
// saturate instead of overflowing; Normalize() flags them as out of range.
int64_t SecondsNanosToUs(int64_t seconds, int32_t nanos) {
  return analyzer::SatAdd(analyzer::SatMul(seconds, 1000000), nanos / 1000);
}

// Normalised id from raw bytes; non-standard lengths are kept as hex and flagged.
std::string IdFromBytes(const std::string& bytes, bool trace, bool* standard) {
  const std::string hex = formats::BytesToHex(bytes);
  *standard = trace ? (bytes.size() == 16 || bytes.size() == 8) : bytes.size() == 8;
  return trace ? formats::NormalizeTraceId(hex) : formats::NormalizeSpanId(hex);
}

}  // namespace

std::string ApiV2TraceIdBytes(std::string_view hex_trace_id) {
  std::string padded(32 - std::min<size_t>(32, hex_trace_id.size()), '0');
  padded += hex_trace_id;
  std::string out;
  for (size_t i = 0; i + 1 < padded.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(padded.substr(i, 2), nullptr, 16)));
  }
  return out;
}

void StageApiV2Span(const pb::Span& in, formats::SpanAssembler* assembler) {
  analyzer::Trace& t = assembler->staging();
  analyzer::Span span;
  bool trace_ok = true;
  bool span_ok = true;
  const std::string_view trace_id = t.arena.Store(IdFromBytes(in.trace_id(), true, &trace_ok));
  span.span_id = t.arena.Store(IdFromBytes(in.span_id(), false, &span_ok));
  span.operation = t.arena.Store(in.operation_name());
  span.start_us = SecondsNanosToUs(in.start_time().seconds(), in.start_time().nanos());
  span.has_start = in.has_start_time() && span.start_us != 0;
  span.has_duration = in.has_duration();
  span.duration_us = SecondsNanosToUs(in.duration().seconds(), in.duration().nanos());

  span.attrs_begin = static_cast<uint32_t>(t.attributes.size());
  for (const pb::KeyValue& kv : in.tags()) {
    const std::string value = ValueText(kv);
    formats::ApplySpanAttribute(kv.key(), value, &span);
    t.attributes.push_back({t.arena.Store(kv.key()), t.arena.Store(value)});
  }
  span.attrs_count = static_cast<uint32_t>(t.attributes.size()) - span.attrs_begin;

  span.refs_begin = static_cast<uint32_t>(t.references.size());
  for (const pb::SpanRef& ref : in.references()) {
    bool ok = true;
    const std::string ref_trace = IdFromBytes(ref.trace_id(), true, &ok);
    t.references.push_back({ref.ref_type() == pb::FOLLOWS_FROM ? analyzer::RefType::kFollowsFrom
                                                               : analyzer::RefType::kChildOf,
                            ref.trace_id().empty() ? trace_id : t.arena.Store(ref_trace),
                            t.arena.Store(IdFromBytes(ref.span_id(), false, &ok))});
  }
  span.refs_count = static_cast<uint32_t>(t.references.size()) - span.refs_begin;

  const pb::Process& process = in.process();
  formats::HostPicker host;
  std::vector<std::string> host_values;  // formats::HostPicker keeps views
  host_values.reserve(static_cast<size_t>(process.tags_size()));
  for (const pb::KeyValue& kv : process.tags()) {
    host_values.push_back(ValueText(kv));
    host.Offer(kv.key(), host_values.back());
  }
  span.service = process.service_name().empty() ? formats::kUnknownService
                                                : t.arena.Store(process.service_name());
  span.host = t.arena.Store(host.value());

  t.spans.push_back(span);
  assembler->staged().push_back({trace_id, !trace_ok || !span_ok, false});
}

}  // namespace trace_analyze::jaeger_client::net
