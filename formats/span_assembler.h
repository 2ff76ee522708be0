// SpanAssembler: builds whole traces from spans that arrive in pieces (gRPC
// chunks of api_v2 spans, OTLP TracesData messages), grouped by trace id with
// the TraceGroups the file decoders use, delivered once the response is
// complete.
#ifndef TRACE_ANALYZE_FORMATS_SPAN_ASSEMBLER_H_
#define TRACE_ANALYZE_FORMATS_SPAN_ASSEMBLER_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/status.h"
#include "formats/trace_callback.h"
#include "formats/trace_groups.h"

namespace trace_analyze::formats {

class SpanAssembler {
 public:
  // Converters append spans (with references and attributes) here, and one
  // StagedSpan per span to staged(); then call Commit().
  analyzer::Trace& staging() { return staging_; }
  std::vector<StagedSpan>& staged() { return staged_; }

  // Moves the staged spans into their traces and empties the staging area.
  void Commit();

  // Traces assembled so far.
  size_t size() const { return groups_.size(); }

  // Passes every trace to `on_trace` (source set to `source`) in order of
  // first appearance, then forgets them. Stops at the first error.
  Status Deliver(std::string_view source, const TraceCallback& on_trace);

 private:
  analyzer::Trace staging_;
  std::vector<StagedSpan> staged_;
  TraceGroups groups_;
};

// Lower-case hex of raw id bytes.
std::string BytesToHex(std::string_view bytes);

// Standard base64 with padding (how Jaeger's JSON shows binary values).
std::string Base64Encode(std::string_view bytes);

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_SPAN_ASSEMBLER_H_
