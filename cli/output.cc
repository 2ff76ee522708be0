#include "cli/output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <streambuf>
#include <utility>
#include <vector>

#include "input/input_files.h"

namespace trace_analyze::cli {
namespace fs = std::filesystem;

std::string OverwritesInput(const std::string& path, std::span<const std::string> inputs) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  for (const std::string& in : inputs) {
    if (in == "-" || !fs::exists(in, ec)) continue;
    if (fs::equivalent(in, path, ec)) return "it is an input file";
    if (!fs::is_directory(in, ec) || !fs::is_regular_file(path, ec) ||
        !input::IsTraceFileName(fs::path(path).filename().string())) {
      continue;
    }
    const fs::path folder = fs::canonical(in, ec);
    if (ec) continue;
    const fs::path file = fs::canonical(path, ec);
    if (ec) continue;
    const auto [f, p] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
    if (f == folder.end()) return fmt::format("it is a trace file inside the input folder {}", in);
  }
  return "";
}

// A std::streambuf writing to a file descriptor through a buffer of its own,
// keeping the errno of the first failed write for the error message.
class AtomicFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), bytes_(kSize) { ResetPut(); }

  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  int sync() override {
    const bool written = WriteAll(pbase(), static_cast<size_t>(pptr() - pbase()));
    ResetPut();
    return written ? 0 : -1;
  }

  // Large pieces (a spilled report part) go straight to the file.
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (static_cast<size_t>(n) < kSize) return std::streambuf::xsputn(s, n);
    if (sync() != 0) return 0;
    return WriteAll(s, static_cast<size_t>(n)) ? n : 0;
  }

 private:
  static constexpr size_t kSize = size_t{64} << 10;

  void ResetPut() { setp(bytes_.data(), bytes_.data() + bytes_.size()); }

  bool WriteAll(const char* data, size_t size) {
    if (error_ != 0) return false;
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  int fd_;
  std::vector<char> bytes_;
  int error_ = 0;
};

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path,
                                                       std::span<const std::string> inputs) {
  if (const std::string why = OverwritesInput(path, inputs); !why.empty()) {
    return Error{
        ErrorCode::kInput,
        fmt::format("{}: refusing to overwrite an input file with the report ({})", path, why)};
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = (dir / fmt::format(".{}.tmp.XXXXXX", target.filename().string())).string();
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno))};
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(name), fd));
}

AtomicFile::AtomicFile(std::string path, std::string temporary, int fd)
    : path_(std::move(path)),
      temporary_(std::move(temporary)),
      fd_(fd),
      buffer_(std::make_unique<Buffer>(fd)),
      stream_(buffer_.get()) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_.c_str());
}

Status AtomicFile::Sync() {
  if (!synced_) {
    synced_ = true;
    sync_error_ = SyncOnce();
  }
  if (sync_error_) return *sync_error_;
  return OkStatus();
}

std::optional<Error> AtomicFile::SyncOnce() {
  stream_.flush();
  int e = buffer_->error();
  if (e == 0 && !stream_) e = EIO;
  if (e == 0) {
    // Reports are world-readable like any file the user would create.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
    if (::fsync(fd_) != 0) e = errno;
  }
  if (::close(fd_) != 0 && e == 0) e = errno;
  fd_ = -1;
  if (e == 0) return std::nullopt;
  return Error{ErrorCode::kInput, fmt::format("{}: write failed: {}", path_, std::strerror(e))};
}

Status AtomicFile::Commit() {
  if (Status synced = Sync(); !synced.ok()) return synced;
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: cannot write: {}", path_, std::strerror(errno))};
  }
  committed_ = true;
  return OkStatus();
}

Status WriteFileAtomically(const std::string& path, const std::string& content,
                           std::span<const std::string> inputs) {
  Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path, inputs);
  if (!file.ok()) return file.error();
  file.value()->stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return file.value()->Commit();
}

bool StdoutIsTerminal() { return ::isatty(STDOUT_FILENO) == 1; }

bool ColorAllowed() {
  const char* no_color = std::getenv("NO_COLOR");
  return no_color == nullptr || no_color[0] == '\0';
}

int TerminalWidth() {
  if (const char* cols = std::getenv("COLUMNS")) {
    const int n = std::atoi(cols);
    if (n >= 40 && n <= 1000) return n;
  }
  winsize ws{};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col >= 40) {
    return ws.ws_col;
  }
  return 100;
}

}  // namespace trace_analyze::cli
