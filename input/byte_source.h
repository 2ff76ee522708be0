// ByteSource: a pull stream of input bytes (file, stdin, memory, or a
// decompressor wrapping one of those). Sources never buffer a whole input:
// callers read into their own reused buffers.
#ifndef TRACE_ANALYZE_INPUT_BYTE_SOURCE_H_
#define TRACE_ANALYZE_INPUT_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/status.h"

namespace trace_analyze::input {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `n` (> 0) bytes into `out`. Returns the number read; 0 means
  // end of input. Errors carry a message without the source name, e.g.
  // "byte 1234: corrupt gzip data (invalid block type)".
  virtual Result<size_t> Read(char* out, size_t n) = 0;

  // Bytes this source expects to produce in total, or 0 when unknown (pipes,
  // compressed data). Only a sizing hint.
  virtual uint64_t SizeHint() const { return 0; }
};

// Reads a file descriptor; closes it on destruction when `owned`.
class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned, uint64_t size_hint = 0)
      : fd_(fd), owned_(owned), size_hint_(size_hint) {}
  ~FdSource() override;
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  Result<size_t> Read(char* out, size_t n) override;
  uint64_t SizeHint() const override { return size_hint_; }

 private:
  int fd_;
  bool owned_;
  uint64_t size_hint_;
  uint64_t offset_ = 0;
};

// Reads a caller-owned buffer, which must outlive the source.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* out, size_t n) override;
  uint64_t SizeHint() const override { return bytes_.size(); }

 private:
  std::string_view bytes_;
};

// Guards against decompression bombs: once a decompressor has produced more
// than `min_output` bytes, output beyond `max_ratio` times the compressed
// bytes consumed is an error (max_ratio 0: no limit). Real trace files
// compress 10-40x (fixtures/, bench/); gzip cannot exceed ~1032x at all.
struct DecompressLimits {
  uint64_t max_ratio = 1000;
  uint64_t min_output = uint64_t{64} << 20;
};

// Opens `path` for reading ("-" is stdin). Errors name the problem only
// ("cannot open: No such file or directory"); the caller adds the path.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

// Wraps `raw` in a streaming gzip or zstd decompressor when its first bytes
// are a gzip (1f 8b) or zstd (28 b5 2f fd) magic number; otherwise returns a
// source that yields `raw` unchanged. Never looks at file names.
Result<std::unique_ptr<ByteSource>> MakeDecodingSource(std::unique_ptr<ByteSource> raw,
                                                       const DecompressLimits& limits = {});

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_BYTE_SOURCE_H_
