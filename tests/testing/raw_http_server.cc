#include "tests/testing/raw_http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace trace_analyze::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Reads one request head (up to the blank line); false on EOF, error, stop
// or a 5 s silence.
bool ReadHead(int fd, const std::atomic<bool>& stopping, std::string* head) {
  head->clear();
  char buf[4096];
  for (int waited = 0; head->find("\r\n\r\n") == std::string::npos;) {
    if (stopping || waited > 5000 || head->size() > 65536) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready == 0) {
      waited += 50;
      continue;
    }
    if (ready < 0) return false;
    // Read only up to the end of the head: the rest belongs to the next request.
    const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_PEEK);
    if (n <= 0) return false;
    const std::string_view peeked(buf, static_cast<size_t>(n));
    const std::string joined = *head + std::string(peeked);
    const size_t end = joined.find("\r\n\r\n");
    const size_t take = end == std::string::npos ? peeked.size() : end + 4 - head->size();
    const ssize_t got = ::recv(fd, buf, take, 0);
    if (got <= 0) return false;
    head->append(buf, static_cast<size_t>(got));
  }
  return true;
}

}  // namespace

std::string RawHttpServer::Request::Header(std::string_view name) const {
  const std::string wanted = Lower(name) + ":";
  size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const size_t next = head.find("\r\n", line + 2);
    const std::string_view text =
        std::string_view(head).substr(line + 2, next == std::string::npos ? next : next - line - 2);
    if (Lower(text.substr(0, wanted.size())) == wanted) {
      std::string_view value = text.substr(wanted.size());
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    line = next;
  }
  return {};
}

bool RawHttpServer::Connection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (*stopping_) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawHttpServer::Connection::Sleep(int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (*stopping_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 5)));
  }
  return !*stopping_;
}

void RawHttpServer::Connection::Reset() {
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  reset_ = true;
}

RawHttpServer::RawHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("RawHttpServer: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("RawHttpServer: bind/listen");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

RawHttpServer::~RawHttpServer() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : workers_) t.join();
  ::close(listen_fd_);
}

std::string RawHttpServer::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::vector<RawHttpServer::Request> RawHttpServer::SeenRequests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void RawHttpServer::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ++connections_;
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void RawHttpServer::Serve(int fd) {
  Connection conn(fd, &stopping_);
  std::string head;
  while (ReadHead(fd, stopping_, &head)) {
    Request req;
    req.head = head;
    const size_t sp1 = head.find(' ');
    const size_t sp2 = head.find(' ', sp1 + 1);
    req.method = head.substr(0, sp1);
    req.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    ++requests_;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(req);
    }
    conn.keep_alive_ = false;
    handler_(req, conn);
    if (!conn.keep_alive_ || conn.reset_) break;
  }
  std::lock_guard lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

std::string HttpHead(int status, std::string_view content_type, long long content_length,
                     std::string_view extra_headers, bool keep_alive) {
  std::string reason = status == 200 ? "OK" : status < 500 ? "Client Error" : "Server Error";
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason);
  if (!content_type.empty()) out += fmt::format("Content-Type: {}\r\n", content_type);
  if (content_length >= 0) out += fmt::format("Content-Length: {}\r\n", content_length);
  out += extra_headers;
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("Gzip: deflateInit2");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("Gzip: deflate");
  return out;
}

}  // namespace trace_analyze::testing
