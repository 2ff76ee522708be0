// DataQuality: counters of anomalies found in the input, kept per trace and
// merged over a run. Every report prints them: we repair or skip bad data, but
// never silently.
#ifndef TRACE_ANALYZE_ANALYZER_DATA_QUALITY_H_
#define TRACE_ANALYZE_ANALYZER_DATA_QUALITY_H_

#include <cstdint>
#include <string_view>

namespace trace_analyze::analyzer {

struct DataQuality {
  // Volume.
  uint64_t traces = 0;  // traces analysed
  uint64_t spans = 0;   // spans analysed (after de-duplication)
  // Ingest (decoders).
  uint64_t skipped_traces = 0;       // traces/documents that could not be decoded
  uint64_t empty_traces = 0;         // traces without spans (ignored)
  uint64_t non_hex_ids = 0;          // ids kept as opaque strings
  uint64_t zipkin_shared_spans = 0;  // Zipkin server halves split from their client
  // Structure (Normalize).
  uint64_t duplicate_spans = 0;          // byte-identical copies removed
  uint64_t duplicate_span_ids = 0;       // distinct spans sharing an id, renamed <id>_<n>
  uint64_t orphan_spans = 0;             // parent reference not found in the trace
  uint64_t multi_root_traces = 0;        // traces with more than one root
  uint64_t parent_cycles = 0;            // reference cycles broken
  uint64_t follows_from_refs = 0;        // FOLLOWS_FROM references seen
  uint64_t cross_trace_refs = 0;         // references into another trace (ignored)
  uint64_t children_outside_parent = 0;  // child interval not inside parent (clock skew)
  // Timing.
  uint64_t missing_start_times = 0;  // start 0 or absent
  uint64_t missing_durations = 0;    // duration absent
  uint64_t zero_durations = 0;
  uint64_t negative_durations = 0;   // end before start; clamped to 0
  uint64_t out_of_range_times = 0;   // start or duration beyond ±kMaxTimeUs; clamped
  uint64_t clock_skew_adjusted = 0;  // spans shifted by --adjust-clock-skew

  void Merge(const DataQuality& o);

  // Calls fn(name, value) for every counter, in the fixed documented order of
  // kDataQualityCounters. Names are the JSON keys (camelCase).
  template <class Fn>
  void ForEach(Fn&& fn) const;
};

struct DataQualityCounter {
  std::string_view name;
  uint64_t DataQuality::*field;
};

inline constexpr DataQualityCounter kDataQualityCounters[] = {
    {"traces", &DataQuality::traces},
    {"spans", &DataQuality::spans},
    {"skippedTraces", &DataQuality::skipped_traces},
    {"emptyTraces", &DataQuality::empty_traces},
    {"nonHexIds", &DataQuality::non_hex_ids},
    {"zipkinSharedSpans", &DataQuality::zipkin_shared_spans},
    {"duplicateSpans", &DataQuality::duplicate_spans},
    {"duplicateSpanIds", &DataQuality::duplicate_span_ids},
    {"orphanSpans", &DataQuality::orphan_spans},
    {"multiRootTraces", &DataQuality::multi_root_traces},
    {"parentCycles", &DataQuality::parent_cycles},
    {"followsFromRefs", &DataQuality::follows_from_refs},
    {"crossTraceRefs", &DataQuality::cross_trace_refs},
    {"childrenOutsideParent", &DataQuality::children_outside_parent},
    {"missingStartTimes", &DataQuality::missing_start_times},
    {"missingDurations", &DataQuality::missing_durations},
    {"zeroDurations", &DataQuality::zero_durations},
    {"negativeDurations", &DataQuality::negative_durations},
    {"outOfRangeTimes", &DataQuality::out_of_range_times},
    {"clockSkewAdjusted", &DataQuality::clock_skew_adjusted},
};

inline void DataQuality::Merge(const DataQuality& o) {
  for (const DataQualityCounter& c : kDataQualityCounters) this->*c.field += o.*c.field;
}

template <class Fn>
void DataQuality::ForEach(Fn&& fn) const {
  for (const DataQualityCounter& c : kDataQualityCounters) fn(c.name, this->*c.field);
}

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_DATA_QUALITY_H_
