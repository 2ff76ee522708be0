// The fetch progress line: shown on stderr only when stderr is a terminal
// (here a real pseudo-terminal), overwritten in place and erased at the end;
// never in pipes, files or logs.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

// Points file descriptor 2 at the writing end of a pseudo-terminal (raw mode:
// bytes arrive exactly as written) or of a pipe, and collects what arrives
// at the reading end until Finish().
class StderrCapture {
 public:
  enum class Kind { kPty, kPipe };

  explicit StderrCapture(Kind kind) {
    if (kind == Kind::kPty) {
      termios raw{};
      cfmakeraw(&raw);
      if (openpty(&read_fd_, &write_fd_, nullptr, &raw, nullptr) != 0) return;
    } else {
      int fds[2];
      if (pipe(fds) != 0) return;
      read_fd_ = fds[0];
      write_fd_ = fds[1];
    }
    std::cerr.flush();
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(write_fd_, STDERR_FILENO);
    reader_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        const ssize_t n = read(read_fd_, buf, sizeof buf);
        if (n > 0) {
          text_.append(buf, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else {
          return;  // end of file (pipe) or EIO (pty) once every writer is closed
        }
      }
    });
  }
  bool ok() const { return saved_ >= 0; }

  // Restores fd 2 and returns everything written meanwhile.
  std::string Finish() {
    std::cerr.flush();
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(write_fd_);
    reader_.join();
    close(read_fd_);
    return text_;
  }

 private:
  int read_fd_ = -1, write_fd_ = -1, saved_ = -1;
  std::thread reader_;
  std::string text_;
};

std::vector<std::string> FetchThree(const std::string& url, const std::string& out) {
  return {"trace-analyze", "fetch",      "--jaeger", url,          "--trace-id",
          "a0000",         "--trace-id", "a0001",    "--trace-id", "a0002",
          "--no-cache",    "-o",         out};
}

int RunWithErr(const std::vector<std::string>& args, std::ostream& err) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out;
  return cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
}

FakeJaegerStore ThreeTraces() {
  FakeJaegerStore store;
  for (int i = 0; i < 3; ++i) {
    store.Add(MakeFakeTrace("00000000000a000" + std::to_string(i),
                            1700000000LL * 1000000 + int64_t{i} * 1000000, 2, false));
  }
  return store;
}

TEST(ProgressTtyTest, ATerminalSeesTheProgressLineThenItIsErased) {
  const FakeJaegerStore store = ThreeTraces();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string out = (dir.path() / "t.json").string();
  StderrCapture pty(StderrCapture::Kind::kPty);
  if (!pty.ok()) GTEST_SKIP() << "no pseudo-terminal available (openpty failed)";
  const int code = RunWithErr(FetchThree(server.url(), out), std::cerr);
  const std::string tty = pty.Finish();
  EXPECT_EQ(code, 0) << tty;
  // Fetched one by one (--concurrency defaults allow any completion order,
  // but the count only grows): 1/3, 2/3, 3/3, each overwriting the last.
  EXPECT_THAT(tty, HasSubstr("\rtrace-analyze: fetched 1/3 traces"));
  EXPECT_THAT(tty, HasSubstr("\rtrace-analyze: fetched 2/3 traces"));
  EXPECT_THAT(tty, HasSubstr("\rtrace-analyze: fetched 3/3 traces\r\x1b[K"));
  EXPECT_THAT(tty, EndsWith("wrote 3 traces to " + out + "\n"));
}

TEST(ProgressTtyTest, APipeOrFileNeverSeesIt) {
  const FakeJaegerStore store = ThreeTraces();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string out = (dir.path() / "t.json").string();
  std::ostringstream err;  // not a terminal
  EXPECT_EQ(RunWithErr(FetchThree(server.url(), out), err), 0) << err.str();
  EXPECT_THAT(err.str(), Not(HasSubstr("fetched")));
  EXPECT_THAT(err.str(), Not(HasSubstr("\r")));
  EXPECT_THAT(err.str(), HasSubstr("wrote 3 traces to " + out));

  // std::cerr itself, when fd 2 is a pipe, is not a terminal either.
  StderrCapture capture(StderrCapture::Kind::kPipe);
  ASSERT_TRUE(capture.ok());
  const int code = RunWithErr(FetchThree(server.url(), out), std::cerr);
  const std::string piped = capture.Finish();
  EXPECT_EQ(code, 0) << piped;
  EXPECT_THAT(piped, Not(HasSubstr("\r")));
  EXPECT_THAT(piped, HasSubstr("wrote 3 traces to " + out));
}

}  // namespace
}  // namespace trace_analyze::testing
