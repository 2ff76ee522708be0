// Where a rendered report goes: stdout, or a file written atomically
// (temporary file in the same folder + rename), never over an input file.
#ifndef TRACE_ANALYZE_CLI_OUTPUT_H_
#define TRACE_ANALYZE_CLI_OUTPUT_H_

#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>

#include "analyzer/status.h"

namespace trace_analyze::cli {

// A report file that readers see whole or not at all: it is written into a
// temporary file in the target's folder, which Commit renames over the
// target. Destroyed without Commit (an error, another report failed), the
// temporary file is removed and the target left as it was.
class AtomicFile {
 public:
  // Refuses to overwrite any of `inputs` (the same file under any name:
  // links, symlinks, relative paths) or a trace file inside an input folder
  // (one that reading the folder would pick up), then creates the temporary
  // file.
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path,
                                                    std::span<const std::string> inputs);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where the report is written (buffered). A failed write (disk full) sets
  // badbit and is reported by Sync.
  std::ostream& stream() { return stream_; }
  // Writes out what is buffered, fsyncs and closes the temporary file;
  // the first write error, if any.
  Status Sync();
  // Sync, then renames the temporary file over the target.
  Status Commit();

 private:
  class Buffer;  // the stream's buffer over the file descriptor

  AtomicFile(std::string path, std::string temporary, int fd);
  std::optional<Error> SyncOnce();

  std::string path_;
  std::string temporary_;
  int fd_;  // -1 once closed
  std::unique_ptr<Buffer> buffer_;
  std::ostream stream_;
  bool synced_ = false;
  std::optional<Error> sync_error_;
  bool committed_ = false;
};

// Writes `content` to `path` as one AtomicFile.
Status WriteFileAtomically(const std::string& path, const std::string& content,
                           std::span<const std::string> inputs);

// Why writing `path` would destroy one of `inputs` (WriteFileAtomically's
// rule), or "" when it would not.
std::string OverwritesInput(const std::string& path, std::span<const std::string> inputs);

bool StdoutIsTerminal();
// ANSI colour is allowed unless NO_COLOR is set and non-empty (no-color.org).
bool ColorAllowed();
// Width of the terminal on stdout: $COLUMNS, else the tty's, else 100.
int TerminalWidth();

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_OUTPUT_H_
