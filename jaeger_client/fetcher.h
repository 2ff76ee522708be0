// Fetching many traces from a TraceSource: by id (in parallel, bounded by a
// concurrency limit, through the cache, delivered in request order), and by
// search (Jaeger has no pagination: when a window returns `limit` traces and
// more are wanted, it is split in halves recursively, newest half first, up
// to a bounded depth). Traces are de-duplicated by normalised id across
// everything one FetchReport sees. Failures of single traces make the result
// partial; failures that would hit every call abort.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_FETCHER_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_FETCHER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "input/input.h"
#include "jaeger_client/call_result.h"
#include "jaeger_client/query.h"
#include "jaeger_client/trace_cache.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::jaeger_client {

// See FetchByIds.
inline constexpr int kMaxFailuresBeforeSuccess = 3;

struct FetchOptions {
  int concurrency = 4;           // parallel GetTrace calls
  size_t max_traces = 0;         // search: distinct traces wanted; 0 = the query's limit
  int max_split_depth = 12;      // search: window halvings (12 -> 4096 sub-windows)
  int64_t min_window_us = 1000;  // search: windows are not split below this
  TraceCache* cache = nullptr;   // may be null (--no-cache)
  // Search: the query is one window of a search that started at this time
  // and was split into windows; traces an earlier window owns are skipped
  // (TraceOwnedByEarlierWindow, search_match.h). Unset: every trace is kept.
  std::optional<int64_t> split_search_start_us;
  // Called on the calling thread after each delivered trace: (done, total);
  // total is 0 when unknown.
  std::function<void(size_t done, size_t total)> progress;
  std::function<void(std::string_view)> log;  // verbose messages; may be empty
  std::function<int64_t()> now_us;            // clock for the cache; NowUs when empty
};

struct FetchReport {
  size_t traces = 0;      // delivered
  size_t cache_hits = 0;  // of those, read from the cache
  size_t search_calls = 0;
  size_t earlier_window = 0;             // search: skipped, an earlier window owns them
  std::vector<std::string> not_found;    // requested ids the server does not have
  std::vector<std::string> failed;       // messages of failed calls (after retries)
  bool search_truncated = false;         // a window still returned `limit` traces at max depth
  size_t max_traces = 0;                 // the search target, for the truncation message
  input::ReadStats stats;                // undecodable traces in responses, bytes
  std::unordered_set<std::string> seen;  // ids delivered (de-duplication)

  // Requested traces are missing: not found, failed, or undecodable in a
  // response. The CLI reports what it got and exits 3.
  bool incomplete() const {
    return !not_found.empty() || !failed.empty() || !stats.problems.empty();
  }
  bool partial() const { return incomplete() || search_truncated; }
  // One line per reason, e.g. "2 requested traces not found: 00...aa, 00...bb".
  std::vector<std::string> PartialReasons() const;
};

// Fetches `requested` (normalised hex, any order; duplicates and ids already in
// report->seen are skipped). Traces reach `on_trace` on the calling thread in
// the order of `requested`. A missing trace goes to report->not_found; a server
// error on one trace (5xx, timeout, bad or too large body) to
// report->failed; errors that would hit every call (TLS, auth, endpoint not
// served, refused connection before any success) are returned, and so is the
// error of the kMaxFailuresBeforeSuccess-th trace in a row that failed before
// any succeeded (a server failing everything: stop instead of trying every
// id).
CallStatus FetchByIds(TraceSource& source, std::span<const std::string> requested,
                      const FetchOptions& options, const formats::TraceCallback& on_trace,
                      FetchReport* report);

// Searches [query.start_us, query.end_us], delivering at most
// options.max_traces distinct traces (those an earlier window owns, with
// options.split_search_start_us, are neither delivered nor counted). An error of the first call is
// returned; errors of later sub-window calls make the result partial.
CallStatus SearchTraces(TraceSource& source, const SearchQuery& query, const FetchOptions& options,
                        const formats::TraceCallback& on_trace, FetchReport* report);

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_FETCHER_H_
