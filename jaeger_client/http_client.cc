#include "jaeger_client/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <utility>

#include "jaeger_client/redact.h"

namespace trace_analyze::jaeger {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
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
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    // A handle whose transfer failed may hold a broken connection: drop it.
    curl_easy_cleanup(curl);
    const CallErrorKind kind = KindOf(code);
    std::string what(CallErrorKindName(kind));
    if (code == CURLE_COULDNT_CONNECT) what = "connection failed";
    if (code == CURLE_GOT_NOTHING) what = "connection closed without a response";
    if (code == CURLE_PARTIAL_FILE) what = "truncated response";
    return CallError{kind, fmt::format("GET {}: {}: {}", path_and_query, what, detail)};
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

}  // namespace trace_analyze::jaeger
