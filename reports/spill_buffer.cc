#include "reports/spill_buffer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace trace_analyze::reports {
namespace {

// Bytes read back from the temporary file per call.
constexpr size_t kCopyChunk = size_t{1} << 20;

}  // namespace

std::string TemporaryFolder() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && dir[0] != '\0' ? dir : "/tmp";
}

SpillBuffer::SpillBuffer(size_t memory_limit) : memory_limit_(memory_limit) {}

SpillBuffer::~SpillBuffer() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpillBuffer::status() const {
  if (error_) return *error_;
  return OkStatus();
}

void SpillBuffer::Fail(std::string message) {
  if (!error_) error_ = Error{ErrorCode::kInput, std::move(message)};
  memory_.clear();
  memory_.shrink_to_fit();
}

void SpillBuffer::Append(std::string_view bytes) {
  size_ += bytes.size();
  if (error_) return;
  if (memory_.size() + bytes.size() <= memory_limit_) {
    memory_.append(bytes);
    return;
  }
  // Past the limit: what is in memory goes to the file first; `bytes` too
  // when they alone exceed the limit (without a copy).
  if (!memory_.empty()) {
    WriteOut(memory_);
    memory_.clear();
  }
  if (bytes.size() > memory_limit_) {
    WriteOut(bytes);
  } else if (!error_) {
    memory_.append(bytes);
  }
}

void SpillBuffer::WriteOut(std::string_view bytes) {
  if (error_) return;
  if (fd_ < 0) {
    dir_ = TemporaryFolder();
    std::string name = dir_ + "/trace-analyze-spill-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) {
      Fail(fmt::format("cannot create a temporary file for the report in {}: {}", dir_,
                       std::strerror(errno)));
      return;
    }
    // Unlinked at once: the bytes vanish with the process, however it ends.
    ::unlink(name.c_str());
  }
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(fmt::format("cannot write a temporary file for the report in {}: {}", dir_,
                       std::strerror(errno)));
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

Status SpillBuffer::CopyTo(std::ostream& out) const {
  if (error_) return *error_;
  if (fd_ >= 0) {
    std::vector<char> chunk(kCopyChunk);
    off_t offset = 0;
    while (out) {
      const ssize_t n = ::pread(fd_, chunk.data(), chunk.size(), offset);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{ErrorCode::kInput,
                     fmt::format("cannot read a temporary file for the report in {}: {}", dir_,
                                 std::strerror(errno))};
      }
      if (n == 0) break;
      out.write(chunk.data(), n);
      offset += n;
    }
  }
  out.write(memory_.data(), static_cast<std::streamsize>(memory_.size()));
  return OkStatus();
}

}  // namespace trace_analyze::reports
