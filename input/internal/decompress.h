// Streaming decompressors: gzip (zlib inflate, multi-member) and zstd
// (ZSTD_decompressStream, multi-frame). Memory stays bounded by the fixed
// input buffer, the decoder's window and the caller's output buffer, whatever
// the ratio; `limits` bounds the ratio itself (decompression bombs).
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_DECOMPRESS_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_DECOMPRESS_H_

#include <memory>

#include "input/byte_source.h"

namespace trace_analyze::input::internal {

// Both take the compressed stream (starting at its magic number).
std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed,
                                           const DecompressLimits& limits = {});
std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed,
                                           const DecompressLimits& limits = {});

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_DECOMPRESS_H_
