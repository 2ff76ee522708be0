#include "jaeger_client/net/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "jaeger_client/redact.h"

namespace trace_analyze::jaeger_client::net {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Where a transfer's (decoded) body goes, and how much of it we accept.
struct BodySink {
  std::string* body;
  size_t max_bytes;
  bool too_large = false;
};

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  BodySink& sink = *static_cast<BodySink*>(user);
  if (sink.body->size() + size * n > sink.max_bytes) {
    sink.too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink.body->append(data, size * n);
  return size * n;
}

// TLS failures that libcurl reports as plain receive/send errors: with TLS
// 1.3 a server refusing our client certificate says so in an alert after
// the handshake.
bool IsTlsAlert(CURLcode code, std::string_view detail) {
  return (code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR) &&
         detail.find("SSL") != std::string_view::npos &&
         (detail.find("alert") != std::string_view::npos ||
          detail.find("certificate") != std::string_view::npos);
}

CallErrorKind KindOf(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return CallErrorKind::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
      return CallErrorKind::kTls;
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      return CallErrorKind::kMalformed;
    default:
      return CallErrorKind::kUnavailable;
  }
}

std::string ContentType(CURL* curl) {
  char* type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK || type == nullptr) {
    return {};
  }
  std::string out(type);
  out = out.substr(0, out.find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

HttpClient::HttpClient(const ClientOptions& options) : options_(options) {
  GlobalInit();
  base_url_ = options.server.Origin();
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Accept: application/json");
  for (const auto& [name, value] : options.headers) {
    list = curl_slist_append(list, fmt::format("{}: {}", name, value).c_str());
  }
  if (!options.bearer_token.empty()) {
    list = curl_slist_append(list, ("Authorization: Bearer " + options.bearer_token).c_str());
  }
  if (!options.tenant.empty()) {
    list = curl_slist_append(list,
                             fmt::format("{}: {}", options.tenant_header, options.tenant).c_str());
  }
  headers_ = list;
}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_slist_free_all(static_cast<curl_slist*>(headers_));
}

void* HttpClient::AcquireHandle() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return nullptr;
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can decode
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  // Refuses bodies announced larger than the limit before reading them;
  // AppendBody enforces it on what actually arrives (after decompression).
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(headers_));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "trace-analyze/0.1");
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options_.cert_file.c_str());
  }
  if (!options_.key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, options_.key_file.c_str());
  if (options_.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return curl;
}

void HttpClient::ReleaseHandle(void* handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(handle);
}

CallResult<HttpResponse> HttpClient::Get(const std::string& path_and_query) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) {
    return CallError{CallErrorKind::kUnavailable,
                     fmt::format("GET {}: cannot initialise libcurl", path_and_query)};
  }
  const std::string url = base_url_ + path_and_query;
  if (options_.log) {
    std::string line = fmt::format("GET {}", url);
    for (const auto& [name, value] : options_.headers) {
      line += " [" + RedactedHeader(name, value) + "]";
    }
    if (!options_.bearer_token.empty()) line += " [Authorization: Bearer ***]";
    if (!options_.tenant.empty()) {
      line += " [" + RedactedHeader(options_.tenant_header, options_.tenant) + "]";
    }
    options_.log(line);
  }
  HttpResponse response;
  BodySink sink{&response.body,
                static_cast<size_t>(std::max<int64_t>(options_.max_response_bytes, 0))};
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    long new_connections = 0;  // NOLINT(runtime/int): libcurl's type
    long header_bytes = 0;     // NOLINT(runtime/int)
    curl_off_t connected_us = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
    curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &header_bytes);
    curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected_us);
    // A handle whose transfer failed may hold a broken connection: drop it.
    curl_easy_cleanup(curl);
    if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return CallError{CallErrorKind::kTooLarge,
                       fmt::format("GET {}: response too large: the body exceeds the limit of {} "
                                   "bytes (--max-response-size)",
                                   path_and_query, options_.max_response_bytes)};
    }
    CallErrorKind kind = KindOf(code);
    if (IsTlsAlert(code, detail)) kind = CallErrorKind::kTls;
    // Over TLS, a fresh connection that the server closed during or right
    // after the handshake, before any response: how a TLS 1.3 server refuses
    // a missing or unaccepted client certificate (the client has already
    // sent its request when the refusal arrives).
    const bool closed_in_handshake = options_.server.tls() && kind == CallErrorKind::kUnavailable &&
                                     code != CURLE_COULDNT_CONNECT && new_connections > 0 &&
                                     connected_us > 0 && header_bytes == 0;
    if (closed_in_handshake) kind = CallErrorKind::kTls;
    std::string what(CallErrorKindName(kind));
    if (code == CURLE_COULDNT_CONNECT) what = "connection failed";
    if (code == CURLE_GOT_NOTHING) what = "connection closed without a response";
    if (code == CURLE_PARTIAL_FILE) what = "truncated response";
    std::string hint;
    if (code == CURLE_PEER_FAILED_VERIFICATION) {
      hint = " (give the server's CA with --ca-file, or skip verification with --insecure)";
    } else if (kind == CallErrorKind::kTls) {
      hint =
          " (the server ended the TLS handshake: it may require a client certificate, "
          "--cert/--key, or refuse the one given)";
    }
    return CallError{kind, fmt::format("GET {}: {}: {}{}", path_and_query, what, detail, hint)};
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.content_type = ContentType(curl);
  ReleaseHandle(curl);
  if (options_.log) {
    options_.log(fmt::format("HTTP {} {} ({} bytes)", response.status, path_and_query,
                             response.body.size()));
  }
  return response;
}

}  // namespace trace_analyze::jaeger_client::net
