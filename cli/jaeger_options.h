// The --jaeger option group: which server, which API, what to fetch (search
// or trace ids), credentials, TLS, timeouts, retries, concurrency, cache.
// Shared by every analysis subcommand and by services/operations/fetch.
#ifndef TRACE_ANALYZE_CLI_JAEGER_OPTIONS_H_
#define TRACE_ANALYZE_CLI_JAEGER_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analyzer/status.h"
#include "input/input.h"
#include "jaeger_client/time_parse.h"

namespace trace_analyze::jaeger_client {
class TraceSource;
struct ClientOptions;
struct FetchReport;
}  // namespace trace_analyze::jaeger_client

namespace trace_analyze::cli {

struct JaegerCliOptions {
  std::string url;  // --jaeger; "" = read INPUT files instead
  // --jaeger-ui-url: where reports link trace ids. "" = the --jaeger URL for
  // HTTP(S) servers, no links for gRPC.
  std::string ui_url;
  std::string api = "auto";
  // Search.
  std::string service;
  std::string operation;
  std::vector<std::string> tags;  // "key=value"
  std::string since;              // default 1h when no --from/--to
  std::string from;
  std::string to;
  // --split-search-from: the search is one window of a search from this time
  // split into windows; traces an earlier window owns are skipped.
  std::string split_search_from;
  std::string min_duration;
  std::string max_duration;
  int limit = 100;
  size_t max_traces = 0;  // 0 = --limit
  // By id.
  std::vector<std::string> trace_ids;
  std::string trace_ids_file;
  // Connection.
  std::vector<std::string> headers;  // "Name: value"
  std::string token_env;
  std::string tenant;
  std::string tenant_header = "x-tenant";
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
  std::string timeout = "30s";
  int retries = 2;
  uint64_t max_response_size = uint64_t{512} << 20;  // bytes one call may buffer
  int concurrency = 4;
  // Cache.
  std::string cache_dir;
  bool no_cache = false;
  std::string cache_settle = "5m";
  bool verbose = false;
  // Set by diff/verify for one side, not a flag: the search window of trace
  // start times, both ends included (it replaces --since/--from/--to), and
  // the side's name, which prefixes warnings ("baseline: ...").
  std::optional<jaeger_client::TimeRange> window;
  std::string label;

  bool given() const { return !url.empty(); }
};

// Which of the Jaeger flags a command takes.
enum class JaegerFlags {
  kServer,  // the connection only (services, operations)
  kQuery,   // + what to fetch: search with its time window, trace ids, cache
  kSearch,  // + search filters and cache, without time window or ids: the
            //   command sets each search's window (diff, verify)
};

// Adds the options of `flags`, in their own help groups.
void AddJaegerOptions(CLI::App& cmd, JaegerCliOptions& options, JaegerFlags flags);

// A connected source plus everything it borrows. Errors are usage errors (bad
// URL, unset token variable, ...), code kInput.
struct JaegerConnection {
  std::unique_ptr<jaeger_client::ClientOptions> client;
  std::unique_ptr<jaeger_client::TraceSource> source;
  ~JaegerConnection();
};
Result<std::unique_ptr<JaegerConnection>> Connect(const JaegerCliOptions& options,
                                                  std::ostream& err);

// What a query run fetched.
struct JaegerRunResult {
  std::string server;  // "http://jaeger:16686 (HTTP /api)"
  std::string ui_url;  // Jaeger UI base for trace links, "" = none
  size_t traces = 0;
  input::ReadStats stats;                    // bytes, undecodable traces in responses
  std::vector<std::string> partial_reasons;  // empty = complete
  bool incomplete = false;  // requested traces missing or failed: exit 3 after reporting
};

// The Jaeger UI base that reports link trace ids to (JaegerRunResult::ui_url),
// known before the query runs: --jaeger-ui-url, else the --jaeger URL when it
// is HTTP(S), else none; "" without --jaeger. Errors: a bad --jaeger or
// --jaeger-ui-url, as RunJaegerQuery reports them.
Result<std::string> JaegerUiUrl(const JaegerCliOptions& options);

// Connects and runs the query (trace ids first, then the search), passing
// every trace to `on_trace` on the calling thread. Prints a progress line on
// `err` when it is the terminal's stderr, warnings for partial results, and
// with --verbose the requests (credentials redacted). Errors: kInput for bad
// options, kBackend for server failures.
Result<JaegerRunResult> RunJaegerQuery(const JaegerCliOptions& options,
                                       const formats::TraceCallback& on_trace, std::ostream& err);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_JAEGER_OPTIONS_H_
