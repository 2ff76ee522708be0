#include "jaeger_client/search_match.h"

#include <string_view>

namespace trace_analyze::jaeger_client {

bool SpanMatchesSearch(const analyzer::Trace& trace, const analyzer::Span& span,
                       const SearchQuery& query) {
  if (span.service != query.service) return false;
  if (!query.operation.empty() && span.operation != query.operation) return false;
  if (query.min_duration_us > 0 && span.duration_us < query.min_duration_us) return false;
  if (query.max_duration_us > 0 && span.duration_us > query.max_duration_us) return false;
  for (const auto& [key, value] : query.tags) {
    bool found = false;
    for (const analyzer::Attribute& a : trace.AttrsOf(span)) {
      if (a.key == key && a.value == value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool TraceOwnedByEarlierWindow(const analyzer::Trace& trace, const SearchQuery& query,
                               int64_t search_start_us) {
  for (const analyzer::Span& span : trace.spans) {
    if (span.start_us >= search_start_us && span.start_us < query.start_us &&
        SpanMatchesSearch(trace, span, query)) {
      return true;
    }
  }
  return false;
}

}  // namespace trace_analyze::jaeger_client
