// Which spans a Jaeger search matches, seen from the client, and which window
// of a search split into time windows owns a trace. Jaeger's storage returns a
// trace to a search when one of its spans matches the search terms and starts
// inside the window, so a trace whose matching spans start on both sides of a
// window boundary is returned by both windows; the owner rule below keeps it
// in one.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_SEARCH_MATCH_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_SEARCH_MATCH_H_

#include <cstdint>

#include "analyzer/model.h"
#include "jaeger_client/query.h"

namespace trace_analyze::jaeger_client {

// Whether `span` of `trace` matches `query`'s terms, its time window aside:
// the service, the operation (when given), the span's duration within
// [min_duration_us, max_duration_us] (0 = no bound), and every tag among the
// span's own tags, compared as strings. Jaeger also matches tags of the
// process and of span logs, which a decoded trace does not keep: a span
// matched only through those is not matched here (see TraceOwnedByEarlierWindow
// for why erring this way is safe).
bool SpanMatchesSearch(const analyzer::Trace& trace, const analyzer::Span& span,
                       const SearchQuery& query);

// For one window `query` ([query.start_us, query.end_us]) of a search that
// started at `search_start_us` <= query.start_us and was split into windows
// that tile it: whether an earlier window owns `trace`, i.e. a span matching
// the search terms starts in [search_start_us, query.start_us). The owner is
// the window holding the earliest matching span start at or after
// `search_start_us`: it is the earliest window whose search returns the trace,
// so keeping a trace only in the window where this is false counts every
// trace of the whole search exactly once. A span Jaeger matched but
// SpanMatchesSearch does not (tags of the process) can only make this false
// more often: the trace is then kept by more than one window, never by none.
bool TraceOwnedByEarlierWindow(const analyzer::Trace& trace, const SearchQuery& query,
                               int64_t search_start_us);

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_SEARCH_MATCH_H_
