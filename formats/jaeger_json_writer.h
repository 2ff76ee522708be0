// Writes model traces as Jaeger UI JSON (the format of the UI's "Download
// results": {"data":[trace,...]}), for `trace-analyze fetch` and the trace
// cache. What the model keeps is written: spans, references, tags, service
// and host (as a process tag); logs, flags and process tags other than the
// host are not part of the model. Kind and error are written as the
// span.kind / error tags when no tag says so already (an error tag that
// does not read as one, like Zipkin's "error": "timeout", gets an
// error=true beside it), so reading the file back gives the same traces.
#ifndef TRACE_ANALYZE_FORMATS_JAEGER_JSON_WRITER_H_
#define TRACE_ANALYZE_FORMATS_JAEGER_JSON_WRITER_H_

#include <string>

#include "analyzer/model.h"

namespace trace_analyze::formats {

// Appends one trace object {"traceID","spans","processes","warnings"}.
void AppendJaegerUiTrace(const analyzer::Trace& trace, std::string* out);

// Builds {"data":[...]} incrementally: Begin, Add per trace, Finish.
class JaegerUiDocument {
 public:
  JaegerUiDocument() { text_ = "{\"data\":["; }
  void Add(const analyzer::Trace& trace) {
    if (count_++ > 0) text_ += ",\n";
    AppendJaegerUiTrace(trace, &text_);
  }
  // The finished document (ends with a newline).
  std::string Finish() && {
    text_ += "]}\n";
    return std::move(text_);
  }
  size_t count() const { return count_; }

 private:
  std::string text_;
  size_t count_ = 0;
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_JAEGER_JSON_WRITER_H_
