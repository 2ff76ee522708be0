#include "formats/otlp_mapping.h"

#include <cstdint>

namespace trace_analyze::formats {

using analyzer::RefType;
using analyzer::SpanKind;

SpanKind OtlpKindFromNumber(int64_t n) {
  switch (n) {
    case 1:
      return SpanKind::kInternal;
    case 2:
      return SpanKind::kServer;
    case 3:
      return SpanKind::kClient;
    case 4:
      return SpanKind::kProducer;
    case 5:
      return SpanKind::kConsumer;
    default:
      return SpanKind::kUnspecified;
  }
}

RefType OtlpLinkType(std::string_view ref_type_attribute) {
  return ref_type_attribute == "child_of" ? RefType::kChildOf : RefType::kFollowsFrom;
}

void AppendOtlpReferences(std::string_view trace_id, std::string_view parent_span_id,
                          std::span<const OtlpLink> links, analyzer::Trace* trace,
                          analyzer::Span* span) {
  auto is_parent = [&](const OtlpLink& link) {
    return !parent_span_id.empty() && link.span_id == parent_span_id &&
           (link.trace_id.empty() || link.trace_id == trace_id);
  };
  span->refs_begin = static_cast<uint32_t>(trace->references.size());
  if (!parent_span_id.empty()) {
    RefType parent_type = RefType::kChildOf;
    for (const OtlpLink& link : links) {
      if (is_parent(link)) {
        parent_type = link.type;
        break;
      }
    }
    trace->references.push_back({parent_type, trace_id, parent_span_id});
  }
  for (const OtlpLink& link : links) {
    if (is_parent(link)) continue;
    trace->references.push_back({link.type, link.trace_id, link.span_id});
  }
  span->refs_count = static_cast<uint32_t>(trace->references.size()) - span->refs_begin;
}

void SetOtlpTimes(bool has_start, int64_t start_ns, bool has_end, int64_t end_ns,
                  analyzer::Span* span) {
  span->has_start = false;
  span->has_duration = false;
  if (!has_start) return;
  span->start_us = start_ns / 1000;
  span->has_start = start_ns != 0;
  if (has_end) {
    // Any two int64s: the difference may not fit (Normalize bounds times).
    int64_t duration_ns = 0;
    if (__builtin_sub_overflow(end_ns, start_ns, &duration_ns)) {
      duration_ns = end_ns > start_ns ? INT64_MAX : INT64_MIN;
    }
    span->duration_us = duration_ns / 1000;
    span->has_duration = true;
  }
}

}  // namespace trace_analyze::formats
