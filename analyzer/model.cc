#include "analyzer/model.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "analyzer/trace_analysis.h"

namespace trace_analyze::analyzer {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view SpanKindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal:
      return "internal";
    case SpanKind::kServer:
      return "server";
    case SpanKind::kClient:
      return "client";
    case SpanKind::kProducer:
      return "producer";
    case SpanKind::kConsumer:
      return "consumer";
    case SpanKind::kUnspecified:
      break;
  }
  return "";
}

SpanKind ParseSpanKind(std::string_view name) {
  for (SpanKind k : {SpanKind::kInternal, SpanKind::kServer, SpanKind::kClient, SpanKind::kProducer,
                     SpanKind::kConsumer}) {
    if (EqualsIgnoreCase(name, SpanKindName(k))) return k;
  }
  return SpanKind::kUnspecified;
}

void Trace::Reset() {
  trace_id = {};
  source = {};
  spans.clear();
  references.clear();
  attributes.clear();
  arena.Reset();
  topology.tree_parent.clear();
  topology.tree_parent_ref.clear();
  topology.parent.clear();
  topology.parent_missing.clear();
  topology.child_begin.clear();
  topology.children.clear();
  topology.roots.clear();
  quality = DataQuality{};
}

std::string_view Trace::FindAttr(const Span& s, std::string_view key) const {
  for (const Attribute& a : AttrsOf(s)) {
    if (a.key == key) return a.value;
  }
  return {};
}

int64_t Trace::StartUs() const {
  if (spans.empty()) return 0;
  int64_t start = std::numeric_limits<int64_t>::max();
  for (const Span& s : spans) start = std::min(start, s.start_us);
  return start;
}

int64_t Trace::EndUs() const {
  if (spans.empty()) return 0;
  int64_t end = std::numeric_limits<int64_t>::min();
  for (const Span& s : spans) end = std::max(end, s.end_us());
  return end;
}

}  // namespace trace_analyze::analyzer
