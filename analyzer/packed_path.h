// PackedPath: a trace's resolved critical path (a TracePath) in a few flat
// buffers, for holding many of them (the representative sample holds 512).
// A TracePath owns two or three heap strings per section and per span; on our
// VMs each fresh page costs 10–14 µs, and filling the sample that way was
// half of the page faults of an `analyze` run.
#ifndef TRACE_ANALYZE_ANALYZER_PACKED_PATH_H_
#define TRACE_ANALYZE_ANALYZER_PACKED_PATH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/critical_path.h"
#include "analyzer/model.h"
#include "analyzer/results.h"

namespace trace_analyze::analyzer {

class StateWriter;  // state_io.h
class StateReader;

class PackedPath {
 public:
  PackedPath() = default;
  // Resolves `path` (computed for `trace`, which is no longer needed after).
  PackedPath(const Trace& trace, const CriticalPath& path);

  // The render-ready path: exactly what MakeTracePath() returns.
  TracePath Unpack() const;

  const std::string& trace_id() const { return trace_id_; }
  int64_t duration_us() const { return duration_us_; }

  // The path as values (state_io.h).
  void Save(StateWriter& w) const;
  void Load(StateReader& r);

 private:
  struct Text {  // a range of text_
    size_t offset = 0;
    size_t size = 0;
  };
  struct SpanRow {  // a PathSpan
    Text span_id, service, operation;
    int64_t start_us = 0;
    int64_t duration_us = 0;
    int64_t self_us = 0;
    int64_t critical_us = 0;
    uint32_t depth = 0;
  };
  struct SectionRow {   // a PathSection
    uint32_t span = 0;  // into spans_
    int64_t start_us = 0;
    int64_t end_us = 0;
  };

  std::string_view View(Text t) const { return std::string_view(text_).substr(t.offset, t.size); }

  std::string trace_id_;
  int64_t start_us_ = 0;
  int64_t duration_us_ = 0;
  int64_t critical_path_us_ = 0;
  std::string text_;  // span ids, and each distinct service and operation once
  std::vector<SpanRow> spans_;
  std::vector<SectionRow> sections_;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_PACKED_PATH_H_
