// HTTP/2 where the server offers it: the HTTP client against nghttpd (Debian's
// nghttp2-server), a TLS server that speaks nothing but HTTP/2, so a trace
// fetched from it proves that HTTP/2 was negotiated (ALPN h2).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"

namespace trace_analyze::testing {
namespace {

constexpr const char* kNghttpd = "/usr/sbin/nghttpd";

// A free loopback port (bound then released; nghttpd takes it right after).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  EXPECT_TRUE(bound) << "no free loopback port";
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// nghttpd serving `root` over TLS on loopback; stopped on destruction.
class Nghttpd {
 public:
  Nghttpd(const std::filesystem::path& root, const TestPki& pki) : port_(FreePort()) {
    const std::vector<std::string> args = {
        kNghttpd,       "--address=127.0.0.1", "--htdocs=" + root.string(), std::to_string(port_),
        pki.server_key, pki.server_cert};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, kNghttpd, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 200 && pid_ > 0 && !Accepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Nghttpd() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  bool running() const { return pid_ > 0 && Accepts(port_); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST(Http2Test, TraceIsFetchedFromAnHttp2OnlyServer) {
  if (access(kNghttpd, X_OK) != 0) GTEST_SKIP() << "nghttpd (nghttp2-server) not installed";
  const FakeJaegerStore store = MakeStore(1);
  TempDir root;
  std::filesystem::create_directories(root.path() / "api" / "traces");
  std::ofstream(root.path() / "api" / "traces" / "00000000000a0000")
      << ToUiJsonEnvelope({store.Get("00000000000a0000")});
  const TestPki& pki = GetTestPki();
  Nghttpd server(root.path(), pki);
  ASSERT_TRUE(server.running());

  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.ca_file = pki.ca_cert;
  std::unique_ptr<jaeger_client::TraceSource> source =
      MakeSource(options, jaeger_client::ApiKind::kHttpV1);
  ASSERT_NE(source, nullptr);
  Collected c;
  const jaeger_client::CallStatus got =
      source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(c.traces.size(), 1u);
  EXPECT_EQ(c.traces[0].trace_id, "00000000000a0000");
  EXPECT_EQ(c.traces[0].spans.size(), store.Get("00000000000a0000")->spans.size());
}

}  // namespace
}  // namespace trace_analyze::testing
