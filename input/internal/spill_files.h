// Spill files: where the reader puts the spans it holds beyond its memory
// budget (held_spans.h). A SpillDir is a private folder made under $TMPDIR
// (else /tmp) on first use and removed when destroyed, on success and on
// error alike; each SpillFile in it is unlinked as soon as it is open, so
// a killed process leaves at most an empty folder behind. Failures are
// Errors naming the folder and the cause (a full disk, typically).
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_SPILL_FILES_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_SPILL_FILES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/status.h"

namespace trace_analyze::input::internal {

class SpillFile;

class SpillDir {
 public:
  SpillDir() = default;
  ~SpillDir();
  SpillDir(const SpillDir&) = delete;
  SpillDir& operator=(const SpillDir&) = delete;

  // A new empty file in the folder, which is made on the first call.
  Result<std::unique_ptr<SpillFile>> NewFile();

  // The folder ("" until the first NewFile).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  uint64_t files_ = 0;
};

// A file of the spill folder: appended to, then read back at any offset.
class SpillFile {
 public:
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends `bytes` (unbuffered: callers write in large pieces).
  Status Append(std::string_view bytes);
  // Reads `n` bytes at `offset` into `out`; an Error when the file is shorter.
  Status ReadAt(uint64_t offset, size_t n, char* out) const;
  // Empties the file, giving its disk space back.
  Status Truncate();
  uint64_t size() const { return size_; }

 private:
  friend class SpillDir;
  SpillFile(int fd, std::string dir) : fd_(fd), dir_(std::move(dir)) {}
  Error Failure(std::string_view what, int err) const;

  int fd_;
  std::string dir_;  // for messages
  uint64_t size_ = 0;
};

// Reads a SpillFile from the start, through a buffer.
class SpillReader {
 public:
  explicit SpillReader(const SpillFile* file, size_t buffer_size = size_t{64} << 10)
      : file_(file), buffer_(buffer_size, '\0') {}

  bool at_end() const { return offset_ == file_->size() && pos_ == end_; }
  // Offset in the file of the next byte Read returns.
  uint64_t tell() const { return offset_ - (end_ - pos_); }
  // A varint (span_record.h); an Error when the file ends first or is corrupt.
  Status ReadVarint(uint64_t* value);
  // The next `n` bytes, into *out (replacing its content).
  Status Read(size_t n, std::string* out);
  // Skips `n` bytes.
  Status Skip(uint64_t n);

 private:
  // Makes at least `n` (<= buffer size) unread bytes available, if the file has them.
  Status Fill(size_t n);
  Error Corrupt() const;

  const SpillFile* file_;
  std::string buffer_;
  uint64_t offset_ = 0;  // file offset just past the buffered bytes
  size_t pos_ = 0;       // next unread byte in buffer_
  size_t end_ = 0;       // end of the buffered bytes
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_SPILL_FILES_H_
