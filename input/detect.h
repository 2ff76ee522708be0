// What the reader would take each input for, without decoding it: its
// compression and the trace format of its first unit, by the splitter's own
// rule (sniff.h, formats/trace_format.h). `trace-analyze sniff` prints it, so
// that tools deciding how to split inputs (trace-analyze-dask: span files
// need `partition`) ask the executable rather than copy the rule.
#ifndef TRACE_ANALYZE_INPUT_DETECT_H_
#define TRACE_ANALYZE_INPUT_DETECT_H_

#include <span>
#include <string>
#include <vector>

#include "analyzer/status.h"
#include "formats/trace_format.h"
#include "input/sniff.h"

namespace trace_analyze::input {

struct DetectedInput {
  std::string path;  // a file, "-" for stdin; folders are expanded to their files
  Compression compression = Compression::kNone;
  // The format of the input's first unit of a trace format; kNoFormat when
  // the input holds none (e.g. {"data":[]}), or when `problem` is set.
  formats::FormatId format = formats::kNoFormat;
  // Why no format could be told (the reader would skip or refuse the input
  // for it), e.g. "byte 0: expected '{' or '[' (a JSON trace document), got
  // 't'"; "" otherwise.
  std::string problem;
};

// Each input in the order ReadInputs reads them (folders recursively, by
// path). Reads each file only up to its first unit's deciding key (an object)
// or its end (an array element): a file's later units are not looked at, so a
// file mixing formats is reported as its first unit's. Errors (kInput): a
// file that cannot be opened, a folder that cannot be listed, naming it.
Result<std::vector<DetectedInput>> DetectInputs(std::span<const std::string> inputs);

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_DETECT_H_
