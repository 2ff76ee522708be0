#include "formats/zipkin_shared_spans.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace trace_analyze::formats {
namespace {

using analyzer::SpanIndex;
using analyzer::SpanKind;

// One id shared by a client half and server halves.
struct SharedId {
  std::string_view id;         // the original id (still the client's)
  std::string_view server_id;  // "<id>_server"
  SpanIndex client;
  std::vector<SpanIndex> servers;
};

}  // namespace

void SplitZipkinSharedSpans(analyzer::Trace* trace, std::span<const uint8_t> shared) {
  std::vector<analyzer::Span>& spans = trace->spans;
  std::vector<SpanIndex> order(spans.size());
  std::iota(order.begin(), order.end(), SpanIndex{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](SpanIndex a, SpanIndex b) { return spans[a].span_id < spans[b].span_id; });

  std::vector<SharedId> shared_ids;  // sorted by id, as `order` is
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && spans[order[end]].span_id == spans[order[begin]].span_id) ++end;
    if (end - begin >= 2) {
      SharedId group{spans[order[begin]].span_id, {}, analyzer::kNoSpan, {}};
      for (size_t k = begin; k < end; ++k) {
        if (spans[order[k]].kind == SpanKind::kClient) {
          group.client = order[k];
          break;
        }
      }
      if (group.client != analyzer::kNoSpan) {
        for (size_t k = begin; k < end; ++k) {
          const SpanIndex i = order[k];
          const bool is_shared = i < shared.size() && shared[i] != 0;
          if (i != group.client && (spans[i].kind == SpanKind::kServer || is_shared)) {
            group.servers.push_back(i);
          }
        }
      }
      if (!group.servers.empty()) shared_ids.push_back(std::move(group));
    }
    begin = end;
  }
  if (shared_ids.empty()) return;

  std::vector<uint8_t> is_server_half(spans.size(), 0);
  std::string scratch;
  for (SharedId& group : shared_ids) {
    scratch.assign(group.id);
    scratch.append("_server");
    group.server_id = trace->arena.Store(scratch);
    for (SpanIndex s : group.servers) {
      analyzer::Span& span = spans[s];
      span.span_id = group.server_id;
      // Its only reference: CHILD_OF the client half. The old references
      // stay in the flat vector, unreferenced.
      span.refs_begin = static_cast<uint32_t>(trace->references.size());
      span.refs_count = 1;
      trace->references.push_back({analyzer::RefType::kChildOf, trace->trace_id, group.id});
      is_server_half[s] = 1;
      ++trace->quality.zipkin_shared_spans;
    }
  }

  // Re-point children that run in a server half's service.
  for (SpanIndex c = 0; c < spans.size(); ++c) {
    if (is_server_half[c]) continue;
    const analyzer::Span& child = spans[c];
    for (uint32_t r = child.refs_begin; r < child.refs_begin + child.refs_count; ++r) {
      analyzer::Reference& ref = trace->references[r];
      if (ref.trace_id != trace->trace_id) continue;
      auto it = std::lower_bound(shared_ids.begin(), shared_ids.end(), ref.span_id,
                                 [](const SharedId& g, std::string_view id) { return g.id < id; });
      if (it == shared_ids.end() || it->id != ref.span_id) continue;
      if (child.service == spans[it->client].service) continue;
      for (SpanIndex s : it->servers) {
        if (spans[s].service == child.service) {
          ref.span_id = it->server_id;
          break;
        }
      }
    }
  }
}

bool IsSplitServerSpanId(std::string_view span_id) {
  constexpr std::string_view kSuffix = "_server";
  constexpr size_t kHexDigits = 16;
  if (span_id.size() != kHexDigits + kSuffix.size() || !span_id.ends_with(kSuffix)) return false;
  for (const char c : span_id.substr(0, kHexDigits)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace trace_analyze::formats
