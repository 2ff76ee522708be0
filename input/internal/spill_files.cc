#include "input/internal/spill_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "formats/span_record.h"

namespace trace_analyze::input::internal {

SpillDir::~SpillDir() {
  if (path_.empty()) return;
  // Its files were unlinked when opened: the folder is normally empty.
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<std::unique_ptr<SpillFile>> SpillDir::NewFile() {
  if (path_.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string base = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
    std::string tmpl = (std::filesystem::path(base) / "trace-analyze-spill-XXXXXX").string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) {
      return Error{ErrorCode::kInput,
                   fmt::format("cannot make a folder for spilled spans in {}: {} (set TMPDIR to a "
                               "writable folder with free space)",
                               base, std::strerror(errno))};
    }
    path_ = name.data();
  }
  const std::string file = fmt::format("{}/spill-{}", path_, files_++);
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: cannot make a spill file: {}", path_, std::strerror(errno))};
  }
  // Open files outlive their name: nothing is left behind, whatever happens.
  ::unlink(file.c_str());
  return std::unique_ptr<SpillFile>(new SpillFile(fd, path_));
}

SpillFile::~SpillFile() { ::close(fd_); }

Error SpillFile::Failure(std::string_view what, int err) const {
  return Error{ErrorCode::kInput,
               fmt::format("{}: {} spilled spans: {}{}", dir_, what, std::strerror(err),
                           err == ENOSPC ? " (set TMPDIR to a disk with more free space, or give "
                                           "the reader more memory)"
                                         : "")};
}

Status SpillFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Failure("cannot write", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

Status SpillFile::ReadAt(uint64_t offset, size_t n, char* out) const {
  while (n > 0) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Failure("cannot read", errno);
    }
    if (got == 0) return Failure("cannot read", EIO);  // shorter than written
    out += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return OkStatus();
}

Status SpillFile::Truncate() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
    return Failure("cannot truncate", errno);
  }
  size_ = 0;
  return OkStatus();
}

Error SpillReader::Corrupt() const {
  return Error{ErrorCode::kInput,
               fmt::format("spill file: byte {}: unexpected end or corrupt data", tell())};
}

Status SpillReader::Fill(size_t n) {
  if (end_ - pos_ >= n) return OkStatus();
  std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  const uint64_t left = file_->size() - offset_;
  const size_t take = static_cast<size_t>(std::min<uint64_t>(buffer_.size() - end_, left));
  if (Status s = file_->ReadAt(offset_, take, buffer_.data() + end_); !s.ok()) return s;
  end_ += take;
  offset_ += take;
  return OkStatus();
}

Status SpillReader::ReadVarint(uint64_t* value) {
  if (Status s = Fill(10); !s.ok()) return s;
  std::string_view in(buffer_.data() + pos_, end_ - pos_);
  const size_t before = in.size();
  if (!formats::ReadVarint(&in, value)) return Corrupt();
  pos_ += before - in.size();
  return OkStatus();
}

Status SpillReader::Read(size_t n, std::string* out) {
  const size_t buffered = std::min(n, end_ - pos_);
  const size_t rest = n - buffered;
  if (rest > file_->size() - offset_) return Corrupt();  // before a huge resize
  out->resize(n);
  std::memcpy(out->data(), buffer_.data() + pos_, buffered);
  pos_ += buffered;
  if (rest == 0) return OkStatus();
  if (rest >= buffer_.size()) {
    if (Status s = file_->ReadAt(offset_, rest, out->data() + buffered); !s.ok()) return s;
    offset_ += rest;
    return OkStatus();
  }
  if (Status s = Fill(rest); !s.ok()) return s;
  std::memcpy(out->data() + buffered, buffer_.data() + pos_, rest);
  pos_ += rest;
  return OkStatus();
}

Status SpillReader::Skip(uint64_t n) {
  const size_t buffered = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
  pos_ += buffered;
  const uint64_t rest = n - buffered;
  if (rest > file_->size() - offset_) return Corrupt();
  offset_ += rest;
  return OkStatus();
}

}  // namespace trace_analyze::input::internal
