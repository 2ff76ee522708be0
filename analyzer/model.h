// The trace model every decoder produces and every analysis pass reads.
// Wire formats never reach past formats/ and jaeger_client/: a Trace is plain
// data.
//
// Memory: spans, references and attributes live in flat vectors, strings in
// the trace's StringArena, so Reset() keeps every buffer for the next trace and
// Span is trivially destructible. Times are int64 microseconds since the Unix
// epoch (Jaeger's unit) everywhere.
#ifndef TRACE_ANALYZE_ANALYZER_MODEL_H_
#define TRACE_ANALYZE_ANALYZER_MODEL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "analyzer/data_quality.h"
#include "analyzer/string_arena.h"

namespace trace_analyze::analyzer {

enum class SpanKind : uint8_t { kUnspecified, kInternal, kServer, kClient, kProducer, kConsumer };

// "server", "client", ...; "" for kUnspecified.
std::string_view SpanKindName(SpanKind kind);
// Case-insensitive; anything unknown is kUnspecified.
SpanKind ParseSpanKind(std::string_view name);

enum class RefType : uint8_t { kChildOf, kFollowsFrom };

// Bound on |start| and on durations (µs), enforced by Normalize() (values
// beyond it are clamped and counted as DataQuality::out_of_range_times):
// 2^53 µs is 285 years after 1970, and the largest integer that JSON readers
// using doubles keep exactly. With it an end time or the difference of two
// times never overflows int64; sums over many spans use saturating.h.
inline constexpr int64_t kMaxTimeUs = int64_t{1} << 53;

// Index of a span in Trace::spans.
using SpanIndex = uint32_t;
inline constexpr SpanIndex kNoSpan = UINT32_MAX;

struct Reference {
  RefType type = RefType::kChildOf;
  std::string_view trace_id;  // normalised; may name another trace
  std::string_view span_id;   // normalised
};

// A tag / attribute in string form: strings as-is, numbers as written in the
// input, booleans "true"/"false", arrays and maps as compact JSON text.
struct Attribute {
  std::string_view key;
  std::string_view value;
};

struct Span {
  std::string_view span_id;  // normalised; unique within the trace after Normalize()
  std::string_view service;
  std::string_view operation;
  // Host identity from process/resource attributes (ip, hostname, host.name,
  // host.id, host.ip); "" if unknown. Used by the clock-skew adjuster.
  std::string_view host;
  int64_t start_us = 0;     // µs since epoch
  int64_t duration_us = 0;  // µs, >= 0 after Normalize()
  SpanKind kind = SpanKind::kUnspecified;
  bool error = false;        // error=true tag, OTLP status ERROR, HTTP status >= 500
  bool has_start = true;     // false when the input had no (or a zero) start time
  bool has_duration = true;  // false when the input had no duration
  uint32_t refs_begin = 0;   // into Trace::references, in input order
  uint32_t refs_count = 0;
  uint32_t attrs_begin = 0;  // into Trace::attributes, in input order
  uint32_t attrs_count = 0;

  int64_t end_us() const { return start_us + duration_us; }
};

// Parent/child structure, filled by Normalize() (see normalize.h).
struct Topology {
  // Tree parent (Jaeger UI): the first CHILD_OF/FOLLOWS_FROM reference whose
  // span exists in the trace; kNoSpan for roots. Cycles are broken.
  std::vector<SpanIndex> tree_parent;
  // The reference type of the tree-parent link.
  std::vector<RefType> tree_parent_ref;
  // Jaeger's parentSpanID: the first same-trace CHILD_OF reference, else the
  // first same-trace FOLLOWS_FROM one, resolved to an index (kNoSpan when the
  // span has none or it is not in the trace; see parent_missing).
  std::vector<SpanIndex> parent;
  // 1 when the span names a same-trace parent that is not in the trace (orphan).
  std::vector<uint8_t> parent_missing;
  // Children of span i: children[child_begin[i] .. child_begin[i + 1]),
  // ordered by start time, ties in input order (a stable sort).
  std::vector<uint32_t> child_begin;
  std::vector<SpanIndex> children;
  // Spans without a tree parent, ordered by start time, ties in input order.
  std::vector<SpanIndex> roots;

  std::span<const SpanIndex> ChildrenOf(SpanIndex i) const {
    return {children.data() + child_begin[i], children.data() + child_begin[i + 1]};
  }
};

struct Trace {
  std::string_view trace_id;  // normalised
  std::string_view source;    // where it came from (file name), for messages
  std::vector<Span> spans;
  std::vector<Reference> references;
  std::vector<Attribute> attributes;
  StringArena arena;
  Topology topology;    // valid after Normalize()
  DataQuality quality;  // anomalies of this trace (decode + normalise)

  // Empties the trace, keeping all capacity for reuse.
  void Reset();

  std::span<const Reference> RefsOf(const Span& s) const {
    return {references.data() + s.refs_begin, s.refs_count};
  }
  std::span<const Attribute> AttrsOf(const Span& s) const {
    return {attributes.data() + s.attrs_begin, s.attrs_count};
  }
  // Value of the first attribute named `key`, or "" if absent.
  std::string_view FindAttr(const Span& s, std::string_view key) const;

  // Start of the earliest span and end of the latest one (µs); 0 when empty.
  int64_t StartUs() const;
  int64_t EndUs() const;
  int64_t DurationUs() const { return EndUs() - StartUs(); }
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_MODEL_H_
