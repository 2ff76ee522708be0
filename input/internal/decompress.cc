#include "input/internal/decompress.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace trace_analyze::input::internal {
namespace {

constexpr size_t kCompressedChunk = size_t{256} << 10;

// Shared input side: a fixed buffer refilled from the compressed source.
class CompressedInput {
 public:
  explicit CompressedInput(std::unique_ptr<ByteSource> source)
      : source_(std::move(source)), buffer_(kCompressedChunk) {}

  // Refills when empty. Returns false at the end of the compressed input.
  Result<bool> Refill() {
    if (begin_ < end_) return true;
    if (eof_) return false;
    Result<size_t> got = source_->Read(buffer_.data(), buffer_.size());
    if (!got.ok()) return got.error();
    begin_ = 0;
    end_ = got.value();
    if (end_ == 0) eof_ = true;
    return end_ > 0;
  }

  const char* data() const { return buffer_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  void Consume(size_t n) {
    begin_ += n;
    consumed_ += n;
  }
  // Offset in the compressed stream of the next unconsumed byte.
  uint64_t offset() const { return consumed_; }

 private:
  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t consumed_ = 0;
};

Error CorruptError(std::string_view format, uint64_t offset, std::string_view detail) {
  return Error{ErrorCode::kInput, fmt::format("byte {} of the {} stream: corrupt {} data ({})",
                                              offset, format, format, detail)};
}

// Counts output and enforces DecompressLimits.
class BombGuard {
 public:
  BombGuard(std::string_view format, const DecompressLimits& limits)
      : format_(format), limits_(limits) {}

  // Records `n` more output bytes; an error when the ratio limit is passed.
  Status Produced(size_t n, uint64_t compressed_consumed) {
    produced_ += n;
    if (limits_.max_ratio == 0 || produced_ <= limits_.min_output) return OkStatus();
    const uint64_t consumed = std::max<uint64_t>(compressed_consumed, 1);
    if (produced_ / consumed < limits_.max_ratio) return OkStatus();
    return Error{ErrorCode::kInput,
                 fmt::format("byte {} of the {} stream: {} bytes decompressed from {} is more than "
                             "{} times the compressed size: refusing a likely decompression "
                             "bomb (to read it anyway, decompress it yourself and pipe it in, "
                             "e.g. zstd -dc FILE | trace-analyze analyze -)",
                             compressed_consumed, format_, produced_, compressed_consumed,
                             limits_.max_ratio)};
  }

 private:
  std::string_view format_;
  DecompressLimits limits_;
  uint64_t produced_ = 0;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> compressed, const DecompressLimits& limits)
      : in_(std::move(compressed)), guard_("gzip", limits) {
    // 16 + MAX_WBITS: expect a gzip header and trailer.
    init_status_ = inflateInit2(&z_, 16 + MAX_WBITS);
  }
  ~GzipSource() override {
    if (init_status_ == Z_OK) inflateEnd(&z_);
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<size_t> Read(char* out, size_t n) override {
    if (init_status_ != Z_OK) return Error{ErrorCode::kInput, "cannot initialise zlib"};
    const uInt capacity = static_cast<uInt>(std::min<size_t>(n, UINT32_MAX));
    while (true) {
      Result<bool> more = in_.Refill();
      if (!more.ok()) return more.error();
      const bool at_eof = !more.value();
      if (at_eof && !member_open_) return size_t{0};
      if (!at_eof && !member_open_) {
        // A further gzip member (concatenated .gz files) must start with the
        // magic number; anything else is trailing garbage.
        if (static_cast<unsigned char>(in_.data()[0]) != 0x1f) {
          return CorruptError("gzip", in_.offset(), "trailing garbage after the gzip stream");
        }
        inflateReset(&z_);
        member_open_ = true;
      }
      // At end of input inflate may still flush output it held back.
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data()));
      z_.avail_in = at_eof ? 0 : static_cast<uInt>(in_.size());
      z_.next_out = reinterpret_cast<Bytef*>(out);
      z_.avail_out = capacity;
      const uInt avail_before = z_.avail_in;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_.Consume(avail_before - z_.avail_in);
      if (rc == Z_STREAM_END) {
        member_open_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return CorruptError("gzip", in_.offset(), z_.msg != nullptr ? z_.msg : "inflate failed");
      }
      const size_t produced = capacity - z_.avail_out;
      if (produced > 0) {
        if (Status s = guard_.Produced(produced, in_.offset()); !s.ok()) return s.error();
        return produced;
      }
      if (at_eof) {
        return Error{ErrorCode::kInput,
                     fmt::format("byte {} of the gzip stream: unexpected end of compressed "
                                 "data (truncated gzip file?)",
                                 in_.offset())};
      }
    }
  }

 private:
  CompressedInput in_;
  BombGuard guard_;
  z_stream z_{};
  int init_status_ = Z_STREAM_ERROR;
  bool member_open_ = true;  // the first member starts right away
};

// The decoder's window is capped by libzstd's default (128 MiB): a frame that
// asks for more (zstd --long=28 and up) is an error, not an allocation.
class ZstdSource : public ByteSource {
 public:
  ZstdSource(std::unique_ptr<ByteSource> compressed, const DecompressLimits& limits)
      : in_(std::move(compressed)), guard_("zstd", limits), dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  Result<size_t> Read(char* out, size_t n) override {
    if (dctx_ == nullptr) return Error{ErrorCode::kInput, "cannot initialise zstd"};
    while (true) {
      Result<bool> more = in_.Refill();
      if (!more.ok()) return more.error();
      const bool at_eof = !more.value();
      if (at_eof && !frame_open_) return size_t{0};
      // At end of input the decoder may still flush output it held back.
      ZSTD_inBuffer input{in_.data(), at_eof ? 0 : in_.size(), 0};
      ZSTD_outBuffer output{out, n, 0};
      const size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
      in_.Consume(input.pos);
      if (ZSTD_isError(rc)) return CorruptError("zstd", in_.offset(), ZSTD_getErrorName(rc));
      frame_open_ = rc != 0;  // 0: the current frame is complete and flushed
      if (output.pos > 0) {
        if (Status s = guard_.Produced(output.pos, in_.offset()); !s.ok()) return s.error();
        return output.pos;
      }
      if (at_eof) {
        return Error{ErrorCode::kInput,
                     fmt::format("byte {} of the zstd stream: unexpected end of compressed "
                                 "data (truncated zstd file?)",
                                 in_.offset())};
      }
    }
  }

 private:
  CompressedInput in_;
  BombGuard guard_;
  ZSTD_DCtx* dctx_;
  bool frame_open_ = true;
};

}  // namespace

std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed,
                                           const DecompressLimits& limits) {
  return std::make_unique<GzipSource>(std::move(compressed), limits);
}

std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed,
                                           const DecompressLimits& limits) {
  return std::make_unique<ZstdSource>(std::move(compressed), limits);
}

}  // namespace trace_analyze::input::internal
