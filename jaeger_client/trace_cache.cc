#include "jaeger_client/trace_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "formats/jaeger_json_writer.h"

namespace trace_analyze::jaeger_client {
namespace fs = std::filesystem;
namespace {

// FNV-1a: a stable name for the server folder (std::hash may change).
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string SafeName(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out.substr(0, 80);
}

bool IsSafeId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

TraceCache::TraceCache(std::string dir, std::string_view server_display,
                       std::string_view server_key, int64_t settle_us)
    : settle_us_(settle_us) {
  std::string_view host = server_display;
  if (const size_t p = host.find("://"); p != std::string_view::npos) host.remove_prefix(p + 3);
  folder_ =
      (fs::path(std::move(dir)) / fmt::format("{}-{:016x}", SafeName(host), Fnv1a(server_key)))
          .string();
}

std::string TraceCache::DefaultDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return (fs::path(xdg) / "trace-analyze" / "traces").string();
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return (fs::path(home) / ".cache" / "trace-analyze" / "traces").string();
  }
  return {};
}

std::string TraceCache::PathOf(std::string_view trace_id) const {
  return (fs::path(folder_) / (std::string(trace_id) + ".json.zst")).string();
}

bool TraceCache::Lookup(const std::string& trace_id, const formats::TraceCallback& on_trace) {
  if (!IsSafeId(trace_id)) return false;
  const std::string path = PathOf(trace_id);
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::vector<analyzer::Trace> traces;
  input::ReadOptions strict;
  strict.strict = true;
  const Status status = input::DecodeBuffer(
      bytes.str(), path, strict,
      [&](analyzer::Trace& t) -> Status {
        traces.push_back(std::move(t));
        return OkStatus();
      },
      nullptr);
  if (!status.ok() || traces.size() != 1 || traces[0].trace_id != trace_id) {
    std::error_code ec;
    fs::remove(path, ec);  // corrupt or foreign: fetch again
    return false;
  }
  ++hits_;
  return on_trace(traces[0]).ok();
}

void TraceCache::Store(const analyzer::Trace& trace, int64_t now_us) {
  if (trace.spans.empty() || !IsSafeId(trace.trace_id)) return;
  if (trace.EndUs() > now_us - settle_us_) return;  // may still grow
  std::string json = "{\"data\":[";
  formats::AppendJaegerUiTrace(trace, &json);
  json += "]}\n";
  std::string packed(ZSTD_compressBound(json.size()), '\0');
  const size_t n = ZSTD_compress(packed.data(), packed.size(), json.data(), json.size(), 3);
  if (ZSTD_isError(n)) {
    ++write_errors_;
    return;
  }
  packed.resize(n);
  std::error_code ec;
  fs::create_directories(folder_, ec);
  const std::string path = PathOf(trace.trace_id);
  std::string tmpl = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    ++write_errors_;
    return;
  }
  size_t written = 0;
  while (written < packed.size()) {
    const ssize_t w = ::write(fd, packed.data() + written, packed.size() - written);
    if (w <= 0) break;
    written += static_cast<size_t>(w);
  }
  const bool ok = ::close(fd) == 0 && written == packed.size();
  if (!ok || ::rename(tmpl.c_str(), path.c_str()) != 0) {
    ::unlink(tmpl.c_str());
    ++write_errors_;
    return;
  }
  ++stores_;
}

}  // namespace trace_analyze::jaeger_client
