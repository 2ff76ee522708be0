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

Status WriteFileAtomically(const std::string& path, const std::string& content,
                           std::span<const std::string> inputs) {
  if (const std::string why = OverwritesInput(path, inputs); !why.empty()) {
    return Error{
        ErrorCode::kInput,
        fmt::format("{}: refusing to overwrite an input file with the report ({})", path, why)};
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / fmt::format(".{}.tmp.XXXXXX", target.filename().string())).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno))};
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      ::unlink(name.data());
      return Error{ErrorCode::kInput, fmt::format("{}: write failed: {}", path, std::strerror(e))};
    }
    written += static_cast<size_t>(n);
  }
  // Reports are world-readable like any file the user would create.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int e = errno;
    ::unlink(name.data());
    return Error{ErrorCode::kInput, fmt::format("{}: write failed: {}", path, std::strerror(e))};
  }
  if (::rename(name.data(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(name.data());
    return Error{ErrorCode::kInput, fmt::format("{}: cannot write: {}", path, std::strerror(e))};
  }
  return OkStatus();
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
