// Zipkin "shared" spans: an RPC's client and server halves, recorded by two
// tracers, carry the same span id. Analysis needs one id per span, so the
// server half is split off, as Jaeger's ZipkinSpanIDUniquifier adjuster does
// (but with a readable id).
#ifndef TRACE_ANALYZE_FORMATS_ZIPKIN_SHARED_SPANS_H_
#define TRACE_ANALYZE_FORMATS_ZIPKIN_SHARED_SPANS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "analyzer/model.h"

namespace trace_analyze::formats {

// For every span id held by a CLIENT span and by SERVER (or `shared`) spans
// of the same trace: each server half is renamed "<id>_server", its only
// reference becomes CHILD_OF the client half, and children of <id> whose
// service equals a server half's service (and differs from the client's) are
// re-pointed to "<id>_server". Counts trace->quality.zipkin_shared_spans per
// renamed span. Ids without a CLIENT span are left alone. `shared` holds the
// Zipkin `shared` flag per span. O(n log n).
void SplitZipkinSharedSpans(analyzer::Trace* trace, std::span<const uint8_t> shared);

// Whether `span_id` is a server half's id as SplitZipkinSharedSpans spells
// it: a normalised hex span id (16 lower-case digits) and "_server". A
// decoder reading such an id back (a trace the Jaeger UI JSON writer wrote,
// e.g. by `partition`) counts the span as zipkin_shared_spans, as the
// split did, instead of as a non-hex id.
bool IsSplitServerSpanId(std::string_view span_id);

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_ZIPKIN_SHARED_SPANS_H_
