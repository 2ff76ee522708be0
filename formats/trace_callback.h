// TraceCallback: how decoders, readers and the query clients hand over each
// trace they produce.
#ifndef TRACE_ANALYZE_FORMATS_TRACE_CALLBACK_H_
#define TRACE_ANALYZE_FORMATS_TRACE_CALLBACK_H_

#include <functional>

#include "analyzer/model.h"
#include "analyzer/status.h"

namespace trace_analyze::formats {

// Called once per decoded trace, in input order, one call at a time (for big
// files, possibly on the reader's helper thread). The caller reuses the Trace
// after the call returns, so the callee must copy what it keeps — or
// std::move the whole trace out. A non-ok result stops reading and is returned.
using TraceCallback = std::function<Status(analyzer::Trace&)>;

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_TRACE_CALLBACK_H_
