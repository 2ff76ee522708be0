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

// Points file descriptor 2 at the slave side of a new pseudo-terminal (raw
// mode: bytes arrive exactly as written) and collects what arrives on the
// master side until Finish().
class StderrOnPty {
 public:
  StderrOnPty() {
    termios raw{};
    cfmakeraw(&raw);
    if (openpty(&master_, &slave_, nullptr, &raw, nullptr) != 0) return;
    std::cerr.flush();
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(slave_, STDERR_FILENO);
    reader_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        const ssize_t n = read(master_, buf, sizeof buf);
        if (n > 0) {
          text_.append(buf, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else {
          return;  // EIO once every slave descriptor is closed
        }
      }
    });
  }
  bool ok() const { return saved_ >= 0; }

  std::string Finish() {
    std::cerr.flush();
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(slave_);
    reader_.join();
    close(master_);
    return text_;
  }

 private:
  int master_ = -1, slave_ = -1, saved_ = -1;
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
                            1700000000LL * 1000000 + i * 1000000, 2, false));
  }
  return store;
}

TEST(ProgressTtyTest, ATerminalSeesTheProgressLineThenItIsErased) {
  const FakeJaegerStore store = ThreeTraces();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string out = (dir.path() / "t.json").string();
  StderrOnPty pty;
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
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::cerr.flush();
  const int saved = dup(STDERR_FILENO);
  dup2(fds[1], STDERR_FILENO);
  std::string piped;
  std::thread reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) piped.append(buf, static_cast<size_t>(n));
  });
  const int code = RunWithErr(FetchThree(server.url(), out), std::cerr);
  std::cerr.flush();
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fds[1]);
  reader.join();
  close(fds[0]);
  EXPECT_EQ(code, 0) << piped;
  EXPECT_THAT(piped, Not(HasSubstr("\r")));
  EXPECT_THAT(piped, HasSubstr("wrote 3 traces to " + out));
}

}  // namespace
}  // namespace trace_analyze::testing
