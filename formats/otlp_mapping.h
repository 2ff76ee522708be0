// OTLP -> model rules shared by the OTLP JSON decoder and the protobuf
// converter (api_v3 over gRPC), so both read a span identically: kinds, link
// types, the parent reference, and times.
#ifndef TRACE_ANALYZE_FORMATS_OTLP_MAPPING_H_
#define TRACE_ANALYZE_FORMATS_OTLP_MAPPING_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "analyzer/model.h"

namespace trace_analyze::formats {

// OTLP Span.kind numbers 1..5 -> internal, server, client, producer, consumer.
analyzer::SpanKind OtlpKindFromNumber(int64_t n);

// A link's reference type from its `opentracing.ref_type` attribute, as
// Jaeger's translator reads it: "child_of" -> CHILD_OF, anything else
// (or absent) -> FOLLOWS_FROM.
analyzer::RefType OtlpLinkType(std::string_view ref_type_attribute);

struct OtlpLink {
  std::string_view trace_id;  // normalised; "" = the span's own trace
  std::string_view span_id;   // normalised
  analyzer::RefType type = analyzer::RefType::kFollowsFrom;
};

// Appends a span's references to trace->references: the parent first (CHILD_OF,
// or the type of a link naming the same span: Jaeger's translator writes a
// FOLLOWS_FROM parent as parent + link), then every other link. Sets
// span->refs_begin/refs_count. Views must live in trace's arena.
void AppendOtlpReferences(std::string_view trace_id, std::string_view parent_span_id,
                          std::span<const OtlpLink> links, analyzer::Trace* trace,
                          analyzer::Span* span);

// Start/duration from OTLP nanoseconds, truncated to µs as Jaeger does
// (duration = (end - start) / 1000). has_start is false for a zero start;
// has_duration needs both times.
void SetOtlpTimes(bool has_start, int64_t start_ns, bool has_end, int64_t end_ns,
                  analyzer::Span* span);

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_OTLP_MAPPING_H_
