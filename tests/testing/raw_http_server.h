// Test support: a bare HTTP/1.1 server on 127.0.0.1 whose handlers write raw
// bytes to the socket, for the faults an HTTP library will not produce:
// bodies longer or shorter than announced, connections reset mid-body,
// endless trickles, hand-made gzip. One thread per connection; every
// connection is closed after its response unless the handler keeps it alive.
#ifndef TRACE_ANALYZE_TESTS_TESTING_RAW_HTTP_SERVER_H_
#define TRACE_ANALYZE_TESTS_TESTING_RAW_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace trace_analyze::testing {

class RawHttpServer {
 public:
  struct Request {
    std::string method;
    std::string path;  // with the query
    std::string head;  // the request line and headers, as received
    // The value of header `name` (case-insensitive), "" when absent.
    std::string Header(std::string_view name) const;
  };

  class Connection {
   public:
    Connection(int fd, const std::atomic<bool>* stopping) : fd_(fd), stopping_(stopping) {}
    // Sends all of `bytes`; false once the peer is gone or the server stops.
    bool Send(std::string_view bytes);
    // Sleeps; false (early) when the server stops.
    bool Sleep(int ms);
    // Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
    void Reset();
    // Serve another request on this connection after this one.
    void KeepAlive() { keep_alive_ = true; }

   private:
    friend class RawHttpServer;
    int fd_;
    const std::atomic<bool>* stopping_;
    bool keep_alive_ = false;
    bool reset_ = false;
  };

  using Handler = std::function<void(const Request&, Connection&)>;

  explicit RawHttpServer(Handler handler);
  ~RawHttpServer();
  RawHttpServer(const RawHttpServer&) = delete;
  RawHttpServer& operator=(const RawHttpServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>"
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::vector<Request> SeenRequests() const;

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<Request> seen_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  std::thread acceptor_;
};

// "HTTP/1.1 <status> <reason>\r\n" + headers + "\r\n": a response head.
// `content_length` < 0 leaves Content-Length out; Connection: close unless
// keep_alive.
std::string HttpHead(int status, std::string_view content_type, long long content_length,
                     std::string_view extra_headers = "", bool keep_alive = false);

// gzip (RFC 1952) of `data`, as a server's Content-Encoding: gzip.
std::string Gzip(std::string_view data);

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_RAW_HTTP_SERVER_H_
