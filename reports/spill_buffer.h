// Bytes of a report that are rendered before the part they follow: kept in
// memory up to a limit, beyond it in an unlinked temporary file, then copied
// out once, in order. A streamed report's memory stays bounded whatever the
// number of traces.
#ifndef TRACE_ANALYZE_REPORTS_SPILL_BUFFER_H_
#define TRACE_ANALYZE_REPORTS_SPILL_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "analyzer/status.h"

namespace trace_analyze::reports {

class SpillBuffer {
 public:
  // Up to `memory_limit` bytes stay in memory; the file is made only when
  // more come.
  explicit SpillBuffer(size_t memory_limit);
  ~SpillBuffer();
  SpillBuffer(const SpillBuffer&) = delete;
  SpillBuffer& operator=(const SpillBuffer&) = delete;

  // Appends `bytes`. The first failure (no temporary file, disk full) is kept
  // in status(); what is appended after it is dropped.
  void Append(std::string_view bytes);
  // Every byte appended so far, including those dropped after a failure.
  uint64_t size() const { return size_; }
  // Whether the bytes went past the memory limit into the temporary file.
  bool spilled() const { return fd_ >= 0; }
  // OK, or the first failure, naming the temporary file's folder.
  Status status() const;

  // Writes every byte appended, in order, to `out`. Returns status(), or a
  // failure to read the temporary file back; stops early when `out` fails
  // (the caller reports its stream's error).
  Status CopyTo(std::ostream& out) const;

 private:
  // Moves the bytes in memory to the temporary file, creating it first.
  void WriteOut(std::string_view bytes);
  void Fail(std::string message);

  size_t memory_limit_;
  std::string memory_;  // the bytes after those in the file
  int fd_ = -1;         // the temporary file, unlinked at creation
  std::string dir_;     // its folder, for messages
  uint64_t size_ = 0;
  std::optional<Error> error_;
};

// Where temporary files go: $TMPDIR when set and not empty, else /tmp.
std::string TemporaryFolder();

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_SPILL_BUFFER_H_
