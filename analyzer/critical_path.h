// The critical path of one trace: the chain of time sections that determined
// its end-to-end latency.
#ifndef TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_H_
#define TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_H_

#include <cstdint>
#include <vector>

#include "analyzer/model.h"

namespace trace_analyze::analyzer {

enum class CpMode {
  // Jaeger UI v2.15–v2.20, exactly (docs/critical-path-modes.md): one walk per
  // non-orphan root in start order, last-finishing child with strict
  // "ended before", children truncated to their parent or dropped with their
  // subtree, PRODUCER->CONSUMER children pruned, orphan subtrees ignored.
  kJaeger,
  // Fixes Jaeger's known quirks: back-to-back siblings are chained, siblings
  // overlapping by at most the skew tolerance are chained, FOLLOWS_FROM
  // children are non-blocking, orphan subtrees are analysed as roots.
  kCausal,
};

struct CpOptions {
  CpMode mode = CpMode::kJaeger;
  // kCausal only: a sibling that ends at most this fraction of the parent's
  // duration after the next one starts still counts as "before" it (CRISP's
  // overlap_allowance_fraction).
  double skew_tolerance_fraction = 0.01;
};

struct CpSection {
  SpanIndex span = kNoSpan;
  int64_t start_us = 0;  // on the sanitised clock (children truncated to parents)
  int64_t end_us = 0;    // > start_us: zero-length sections are never emitted
};

struct CriticalPath {
  // Ascending start time. In kJaeger mode the sections of each non-orphan root
  // tile [root.start, root.end] exactly.
  std::vector<CpSection> sections;
  // Roots that were walked (in start order).
  std::vector<SpanIndex> roots;
  // Σ section lengths (µs).
  int64_t total_us = 0;
};

// Requires Normalize(). Iterative (no recursion) and O(n log n): safe on traces
// a million spans deep or wide.
CriticalPath ComputeCriticalPath(const Trace& trace, const CpOptions& options = {});

// ComputeCriticalPath() for trace after trace, keeping its working buffers
// (and those of `path`) from one trace to the next: touching fresh memory
// costs more than the walk itself (docs/performance.md).
class CriticalPathComputer {
 public:
  void Compute(const Trace& trace, const CpOptions& options, CriticalPath* path);

  // Per-span working arrays (see critical_path.cc).
  struct Scratch {
    std::vector<int64_t> start, end;
    std::vector<uint32_t> stamp, entered, cand_count, cursor, pos_in_parent;
    std::vector<SpanIndex> cand, pre, stack;
  };

 private:
  Scratch scratch_;
};

// Per span: µs of the span's own sections on the path (indexed by SpanIndex).
std::vector<int64_t> CriticalTimePerSpan(const Trace& trace, const CriticalPath& path);

// Per span: self time as in Jaeger UI's Trace Statistics: duration minus the
// union of all children's intervals clipped to the span, floored at 0.
std::vector<int64_t> SelfTimePerSpan(const Trace& trace);
// The same for span `i`.
int64_t SelfTimeOf(const Trace& trace, SpanIndex i);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_CRITICAL_PATH_H_
