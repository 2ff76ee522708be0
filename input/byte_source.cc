#include "input/byte_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "input/internal/decompress.h"
#include "input/sniff.h"

namespace trace_analyze::input {
namespace {

// Replays a few already-read bytes, then continues with the wrapped source.
// Lets us sniff magic numbers on pipes, which cannot seek back.
class PrefixSource : public ByteSource {
 public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  Result<size_t> Read(char* out, size_t n) override {
    if (used_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - used_);
      std::memcpy(out, prefix_.data() + used_, k);
      used_ += k;
      return k;
    }
    return rest_->Read(out, n);
  }
  uint64_t SizeHint() const override { return rest_->SizeHint(); }

 private:
  std::string prefix_;
  size_t used_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

}  // namespace

FdSource::~FdSource() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Result<size_t> FdSource::Read(char* out, size_t n) {
  while (true) {
    const ssize_t got = ::read(fd_, out, n);
    if (got >= 0) {
      offset_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
    if (errno == EINTR) continue;
    return Error{ErrorCode::kInput,
                 fmt::format("byte {}: read error: {}", offset_, std::strerror(errno))};
  }
}

Result<size_t> MemorySource::Read(char* out, size_t n) {
  const size_t k = std::min(n, bytes_.size());
  std::memcpy(out, bytes_.data(), k);
  bytes_.remove_prefix(k);
  return k;
}

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  if (path == "-") return std::unique_ptr<ByteSource>(std::make_unique<FdSource>(0, false));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Error{ErrorCode::kInput, fmt::format("cannot open: {}", std::strerror(errno))};
  }
  struct stat st {};
  uint64_t size = 0;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Error{ErrorCode::kInput, "cannot read: is a directory"};
    }
    if (S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FdSource>(fd, true, size));
}

Result<std::unique_ptr<ByteSource>> MakeDecodingSource(std::unique_ptr<ByteSource> raw,
                                                       const DecompressLimits& limits) {
  std::string prefix(kMaxMagicSize, '\0');
  size_t have = 0;
  while (have < prefix.size()) {
    Result<size_t> got = raw->Read(prefix.data() + have, prefix.size() - have);
    if (!got.ok()) return got.error();
    if (got.value() == 0) break;
    have += got.value();
  }
  prefix.resize(have);
  const Compression compression = SniffCompression(prefix);
  auto source = std::make_unique<PrefixSource>(std::move(prefix), std::move(raw));
  switch (compression) {
    case Compression::kGzip:
      return internal::MakeGzipSource(std::move(source), limits);
    case Compression::kZstd:
      return internal::MakeZstdSource(std::move(source), limits);
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSource>(std::move(source));
}

}  // namespace trace_analyze::input
