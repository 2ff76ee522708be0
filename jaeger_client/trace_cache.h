// TraceCache: fetched traces on disk, so that a second run does not fetch
// them again. Keyed by server (URL and tenant: tenants see different traces)
// and normalised trace id: <dir>/<host>_<port>-<hash>/<trace id>.json.zst,
// each a zstd-compressed Jaeger UI JSON document. Only settled traces are
// stored: a trace whose last span ended less than `settle` ago may still
// grow. Writes are atomic (temporary file + rename), so concurrent runs and
// crashes never leave half a trace; an unreadable entry is a miss and is
// removed. Thread-safe.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_TRACE_CACHE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_TRACE_CACHE_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/model.h"
#include "input/input.h"

namespace trace_analyze::jaeger_client {

class TraceCache {
 public:
  // `server_key` identifies what the traces came from, e.g.
  // "http://jaeger:16686\ntenant". `settle_us`: see above.
  TraceCache(std::string dir, std::string_view server_display, std::string_view server_key,
             int64_t settle_us);

  // The default folder: $XDG_CACHE_HOME/trace-analyze/traces, else
  // $HOME/.cache/trace-analyze/traces; "" when neither is set.
  static std::string DefaultDir();

  // On a hit decodes the stored trace into `on_trace` and returns true.
  bool Lookup(const std::string& trace_id, const formats::TraceCallback& on_trace);

  // Stores `trace` if it is settled at `now_us`. Failures (read-only folder,
  // full disk) are counted, never fatal: the cache is an optimisation.
  void Store(const analyzer::Trace& trace, int64_t now_us);

  const std::string& folder() const { return folder_; }
  uint64_t hits() const { return hits_; }
  uint64_t stores() const { return stores_; }
  uint64_t write_errors() const { return write_errors_; }

 private:
  std::string PathOf(std::string_view trace_id) const;

  std::string folder_;  // per-server folder
  int64_t settle_us_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> stores_{0};
  std::atomic<uint64_t> write_errors_{0};
};

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_TRACE_CACHE_H_
