// Runs one input through the splitter and the decoder: inline, or with the
// splitter (read, decompress, split) on its own thread feeding the calling
// thread and one helper per further decoding lane through a bounded queue of
// reused batches; they decode whole traces in parallel and deliver them in
// input order, one callback at a time, on any of them. Memory stays bounded
// by the queue depth and the traces decoded ahead (up to 32 per thread,
// 256 KiB of input).
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_PIPELINE_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/status.h"
#include "input/byte_source.h"
#include "input/internal/batch.h"
#include "input/internal/unit_decoder.h"

namespace trace_analyze::input::internal {

struct PipelineOptions {
  size_t chunk_size = size_t{1} << 20;              // bytes per read / batch buffer
  bool threaded = false;                            // split on a reader thread
  uint64_t max_unit_bytes = uint64_t{1} << 30;      // ReadOptions::max_unit_bytes
  uint64_t stream_trace_bytes = uint64_t{8} << 20;  // ReadOptions::stream_trace_bytes
};

// Where the input stopped being splittable (truncated, not JSON, not a trace
// document), when the caller chose to carry on.
struct SplitFailure {
  bool failed = false;
  uint64_t offset = 0;  // the byte the error names
  std::string what;     // the cause, without "byte N: "
};

// Decodes all of `source` with `decoder` (BeginSource, and Finish after the
// last input, are the caller's). Units found before a split error are still decoded. A split
// error fills *failure and returns OkStatus when `failure` is not null; else
// it comes back prefixed with `name`: "<name>: byte N: ...". Decoder errors
// are returned as they are. Adds the bytes read to *bytes_read.
Status RunPipeline(ByteSource* source, std::string_view name, const PipelineOptions& options,
                   BatchPool* pool, UnitDecoder* decoder, uint64_t* bytes_read,
                   SplitFailure* failure = nullptr);

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_PIPELINE_H_
