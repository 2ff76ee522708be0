// TraceGroups: assembles traces from formats that are not delivered trace by
// trace (OTLP documents, Zipkin span arrays, bare Jaeger span arrays): spans
// are decoded into a staging Trace, then committed to the trace of their id;
// whole traces are emitted at the end of the input, in order of first
// appearance. Memory is proportional to the spans held, which is inherent to
// these formats.
#ifndef TRACE_ANALYZE_FORMATS_TRACE_GROUPS_H_
#define TRACE_ANALYZE_FORMATS_TRACE_GROUPS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/model.h"

namespace trace_analyze::formats {

// Per-span facts a staging Trace cannot hold.
struct StagedSpan {
  std::string_view trace_id;   // normalised; "" when the input had none
  bool non_hex = false;        // span id or trace id kept verbatim
  bool zipkin_shared = false;  // Zipkin `shared: true`
};

class TraceGroups {
 public:
  struct Group {
    analyzer::Trace trace;
    bool zipkin = false;          // has Zipkin spans: needs the shared-span fix-up
    std::vector<uint8_t> shared;  // Zipkin `shared` per span (when zipkin)
  };

  // Forgets all traces, keeping their memory for reuse.
  void Clear();
  bool empty() const { return used_ == 0; }

  // Copies staged span `index` of `staging` (with its references and
  // attributes; strings into the group trace's arena) to the trace
  // `info.trace_id`. References without a trace id get the trace's id.
  void Add(const analyzer::Trace& staging, uint32_t index, const StagedSpan& info, bool zipkin);

  // The groups in order of first appearance.
  size_t size() const { return used_; }
  Group& group(size_t i) { return groups_[i]; }

 private:
  Group& FindOrAdd(std::string_view trace_id);

  std::vector<Group> groups_;  // [0, used_) live; the rest kept for reuse
  size_t used_ = 0;
  std::unordered_map<std::string, uint32_t> index_;
  std::string key_scratch_;
  // Service and host of the previous Add (copied: staging memory is reused),
  // so that a name repeated by consecutive spans is stored once per trace.
  static constexpr size_t kNoGroup = static_cast<size_t>(-1);
  size_t last_group_ = kNoGroup;
  std::string last_service_in_;
  std::string_view last_service_out_;
  std::string last_host_in_;
  std::string_view last_host_out_;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_TRACE_GROUPS_H_
