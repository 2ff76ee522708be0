#include "cli/jaeger_options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "formats/ids.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/fetcher.h"
#include "jaeger_client/net/source_factory.h"
#include "jaeger_client/time_parse.h"
#include "jaeger_client/trace_cache.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::cli {
namespace {

constexpr const char* kServerGroup = "Jaeger server";
constexpr const char* kQueryGroup = "Jaeger query";

Error Usage(std::string message) { return Error{ErrorCode::kInput, std::move(message)}; }

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

Result<int64_t> Duration(const std::string& text, const char* flag) {
  std::optional<int64_t> us = jaeger_client::ParseDurationUs(text);
  if (!us) {
    return Usage(
        fmt::format("{} '{}': expected a duration like 100ms, 1.5s, 30m, 2h, 1d", flag, text));
  }
  return *us;
}

Result<std::string> TraceIdArg(std::string_view raw, std::string_view where) {
  bool hex = false;
  std::string id = formats::NormalizeTraceId(Trim(raw), &hex);
  if (!hex) {
    return Usage(fmt::format("{}: '{}' is not a trace id (1-32 hex digits)", where, raw));
  }
  return id;
}

// Ids from --trace-id and --trace-ids FILE (whitespace or comma separated,
// '#' starts a comment), normalised.
Result<std::vector<std::string>> CollectTraceIds(const JaegerCliOptions& o) {
  std::vector<std::string> ids;
  for (const std::string& raw : o.trace_ids) {
    Result<std::string> id = TraceIdArg(raw, "--trace-id");
    if (!id.ok()) return id.error();
    ids.push_back(id.value());
  }
  if (!o.trace_ids_file.empty()) {
    std::ifstream in(o.trace_ids_file);
    if (!in) return Usage(fmt::format("--trace-ids {}: cannot read the file", o.trace_ids_file));
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      line = line.substr(0, line.find('#'));
      for (char& c : line) {
        if (c == ',' || c == '\t') c = ' ';
      }
      std::istringstream words(line);
      std::string word;
      while (words >> word) {
        Result<std::string> id = TraceIdArg(word, fmt::format("{}:{}", o.trace_ids_file, line_no));
        if (!id.ok()) return id.error();
        ids.push_back(id.value());
      }
    }
  }
  return ids;
}

// The search window from --since / --from / --to.
Status SinceFromTo(const JaegerCliOptions& o, int64_t now, jaeger_client::SearchQuery* q) {
  if (!o.since.empty() && !o.from.empty()) return Usage("--since and --from exclude each other");
  q->end_us = now;
  if (!o.to.empty()) {
    std::optional<int64_t> to = jaeger_client::ParseTimeUs(o.to, now);
    if (!to)
      return Usage(fmt::format("--to '{}': expected RFC 3339 or a relative time like 2h", o.to));
    q->end_us = *to;
  }
  if (!o.from.empty()) {
    std::optional<int64_t> from = jaeger_client::ParseTimeUs(o.from, now);
    if (!from) {
      return Usage(
          fmt::format("--from '{}': expected RFC 3339 or a relative time like 2h", o.from));
    }
    q->start_us = *from;
  } else {
    Result<int64_t> since = Duration(o.since.empty() ? "1h" : o.since, "--since");
    if (!since.ok()) return since.error();
    q->start_us = q->end_us - since.value();
  }
  return OkStatus();
}

Result<jaeger_client::SearchQuery> BuildSearch(const JaegerCliOptions& o, int64_t now) {
  jaeger_client::SearchQuery q;
  q.service = o.service;
  q.operation = o.operation;
  for (const std::string& tag : o.tags) {
    const size_t eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Usage(fmt::format("--tag '{}': expected key=value", tag));
    }
    q.tags.emplace_back(tag.substr(0, eq), tag.substr(eq + 1));
  }
  if (o.window) {
    q.start_us = o.window->start_us;
    q.end_us = o.window->end_us;
  } else if (Status w = SinceFromTo(o, now, &q); !w.ok()) {
    return w.error();
  }
  if (q.start_us >= q.end_us) {
    return Usage(fmt::format("empty time window: {} is not before {}",
                             jaeger_client::FormatRfc3339(q.start_us),
                             jaeger_client::FormatRfc3339(q.end_us)));
  }
  if (!o.min_duration.empty()) {
    Result<int64_t> d = Duration(o.min_duration, "--min-duration");
    if (!d.ok()) return d.error();
    q.min_duration_us = d.value();
  }
  if (!o.max_duration.empty()) {
    Result<int64_t> d = Duration(o.max_duration, "--max-duration");
    if (!d.ok()) return d.error();
    q.max_duration_us = d.value();
  }
  if (q.min_duration_us > 0 && q.max_duration_us > 0 && q.max_duration_us < q.min_duration_us) {
    return Usage("--max-duration is below --min-duration");
  }
  q.limit = o.limit;
  // No call needs to return more traces than are wanted in total.
  if (o.max_traces > 0 && o.max_traces < static_cast<size_t>(q.limit)) {
    q.limit = static_cast<int>(o.max_traces);
  }
  return q;
}

// The Jaeger UI base that reports link trace ids to: --jaeger-ui-url, else
// the --jaeger URL itself when it is HTTP(S) (the query service serves the
// UI), else none. Only plain http(s) URLs without credentials, query or
// fragment: the result is pasted into HTML and Markdown reports people share.
Result<std::string> UiUrl(const JaegerCliOptions& o, const jaeger_client::ServerUrl& server) {
  if (o.ui_url.empty()) return server.grpc() ? std::string() : server.Display();
  auto bad = [&](std::string_view why) {
    return Usage(fmt::format("--jaeger-ui-url '{}': {} (expected http(s)://host[:port][/path])",
                             o.ui_url, why));
  };
  std::string lower = o.ui_url.substr(0, 8);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const size_t sep = lower.rfind("http://", 0) == 0 ? 7 : lower.rfind("https://", 0) == 0 ? 8 : 0;
  if (sep == 0) return bad("not an http(s) URL");
  for (char c : o.ui_url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return bad("space or control character");
  }
  const std::string_view rest = std::string_view(o.ui_url).substr(sep);
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) return bad("no host");
  if (authority.find('@') != std::string_view::npos) return bad("credentials in the URL");
  if (o.ui_url.find_first_of("?#") != std::string::npos) return bad("query or fragment");
  std::string url = o.ui_url;
  while (url.size() > sep && url.back() == '/') url.pop_back();
  return url;
}

// Serialises log lines from worker threads.
std::function<void(std::string_view)> MakeLog(bool verbose, std::ostream& err) {
  if (!verbose) return {};
  auto mu = std::make_shared<std::mutex>();
  return [mu, &err](std::string_view line) {
    std::lock_guard lock(*mu);
    err << "trace-analyze: jaeger: " << line << '\n';
  };
}

}  // namespace

JaegerConnection::~JaegerConnection() = default;

void AddJaegerOptions(CLI::App& cmd, JaegerCliOptions& o, JaegerFlags flags) {
  CLI::Option* jaeger_url =
      cmd.add_option("--jaeger", o.url,
                     "Jaeger server: http(s)://host:16686[/base-path] or grpc(s)://host:16685 "
                     "(instead of INPUT files)")
          ->type_name("URL")
          ->group(kServerGroup);
  cmd.add_option("--api", o.api,
                 "Query API: auto probes (HTTP /api then /api/v3; gRPC api_v3 then api_v2)")
      ->check(CLI::IsMember({"auto", "http", "http-v3", "grpc-v2", "grpc-v3"}))
      ->capture_default_str()
      ->group(kServerGroup);
  cmd.add_option("--header", o.headers, "Extra request header 'Name: value' (repeatable)")
      ->type_name("'K: V'")
      ->group(kServerGroup);
  cmd.add_option("--token-env", o.token_env,
                 "Send the bearer token held in this environment variable (never printed)")
      ->type_name("VAR")
      ->group(kServerGroup);
  cmd.add_option("--tenant", o.tenant, "Tenant, sent in --tenant-header")->group(kServerGroup);
  cmd.add_option("--tenant-header", o.tenant_header, "Header carrying --tenant")
      ->capture_default_str()
      ->group(kServerGroup);
  cmd.add_option("--ca-file", o.ca_file, "PEM CA bundle to verify the server")
      ->type_name("FILE")
      ->group(kServerGroup);
  cmd.add_option("--cert", o.cert_file, "Client certificate (PEM) for mutual TLS")
      ->type_name("FILE")
      ->group(kServerGroup);
  cmd.add_option("--key", o.key_file, "Private key (PEM) of --cert")
      ->type_name("FILE")
      ->group(kServerGroup);
  cmd.add_flag("--insecure", o.insecure, "Do not verify the server's TLS certificate")
      ->group(kServerGroup);
  cmd.add_option("--timeout", o.timeout, "Per-call timeout (Go duration, e.g. 30s, 500ms)")
      ->capture_default_str()
      ->group(kServerGroup);
  cmd.add_option("--retries", o.retries,
                 "Retries of a failed call (5xx, UNAVAILABLE, timeouts), with backoff")
      ->capture_default_str()
      ->check(CLI::Range(0, 10))
      ->group(kServerGroup);
  cmd.add_option("--max-response-size", o.max_response_size,
                 "Largest response one call may receive, after decompression (e.g. 64MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("512MiB")
      ->type_name("SIZE")
      ->group(kServerGroup);
  cmd.add_flag("--verbose", o.verbose, "Log requests, retries and fallbacks on stderr")
      ->group(kServerGroup);
  if (flags == JaegerFlags::kServer) return;
  const bool with_window_and_ids = flags == JaegerFlags::kQuery;
  cmd.add_option("--jaeger-ui-url", o.ui_url,
                 "Jaeger UI that HTML and Markdown reports link trace ids to (default: the "
                 "--jaeger URL if HTTP(S); gRPC servers get no links without it)")
      ->type_name("URL")
      ->needs(jaeger_url)
      ->group(kServerGroup);
  cmd.add_option("--service", o.service, "Search: service name")->group(kQueryGroup);
  cmd.add_option("--operation", o.operation, "Search: operation name")->group(kQueryGroup);
  cmd.add_option("--tag", o.tags, "Search: tag key=value that must match (repeatable)")
      ->type_name("K=V")
      ->group(kQueryGroup);
  if (with_window_and_ids) {
    cmd.add_option("--since", o.since, "Search: window this long, ending at --to (default 1h)")
        ->type_name("DURATION")
        ->group(kQueryGroup);
    cmd.add_option("--from", o.from,
                   "Search: window start, RFC 3339 or relative (2h = 2 hours ago)")
        ->type_name("TIME")
        ->group(kQueryGroup);
    cmd.add_option("--to", o.to, "Search: window end, RFC 3339 or relative (default now)")
        ->type_name("TIME")
        ->group(kQueryGroup);
    cmd.add_option("--split-search-from", o.split_search_from,
                   "Search: this window is one of a search from TIME split into windows; skip "
                   "traces with a span matching the search in [TIME, --from): an earlier "
                   "window has them (trace-analyze-dask sets it)")
        ->type_name("TIME")
        ->group(kQueryGroup);
  }
  cmd.add_option("--min-duration", o.min_duration, "Search: minimum trace duration (e.g. 100ms)")
      ->type_name("DURATION")
      ->group(kQueryGroup);
  cmd.add_option("--max-duration", o.max_duration, "Search: maximum trace duration")
      ->type_name("DURATION")
      ->group(kQueryGroup);
  cmd.add_option("--limit", o.limit, "Search: traces per server call (Jaeger's limit)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000))
      ->group(kQueryGroup);
  cmd.add_option("--max-traces", o.max_traces,
                 "Search: distinct traces wanted (default --limit); above --limit the time "
                 "window is split")
      ->type_name("N")
      ->group(kQueryGroup);
  if (with_window_and_ids) {
    cmd.add_option("--trace-id", o.trace_ids, "Fetch this trace (repeatable)")
        ->type_name("ID")
        ->group(kQueryGroup);
    cmd.add_option("--trace-ids", o.trace_ids_file, "Fetch the trace ids listed in FILE")
        ->type_name("FILE")
        ->group(kQueryGroup);
  }
  cmd.add_option("--concurrency", o.concurrency, "Parallel trace fetches")
      ->capture_default_str()
      ->check(CLI::Range(1, 64))
      ->group(kQueryGroup);
  cmd.add_option("--cache-dir", o.cache_dir,
                 "Cache of fetched traces (default $XDG_CACHE_HOME/trace-analyze/traces)")
      ->type_name("DIR")
      ->group(kQueryGroup);
  cmd.add_flag("--no-cache", o.no_cache, "Neither read nor write the trace cache")
      ->group(kQueryGroup);
  cmd.add_option("--cache-settle", o.cache_settle,
                 "Only cache traces that ended at least this long ago")
      ->capture_default_str()
      ->group(kQueryGroup);
}

Result<std::unique_ptr<JaegerConnection>> Connect(const JaegerCliOptions& o, std::ostream& err) {
  Result<jaeger_client::ServerUrl> url = jaeger_client::ParseServerUrl(o.url);
  if (!url.ok()) return url.error();
  std::optional<jaeger_client::ApiKind> api = jaeger_client::ParseApiFlag(o.api);
  if (!api) return Usage(fmt::format("--api '{}': unknown API", o.api));
  auto conn = std::make_unique<JaegerConnection>();
  conn->client = std::make_unique<jaeger_client::ClientOptions>();
  jaeger_client::ClientOptions& c = *conn->client;
  c.server = url.value();
  for (const std::string& h : o.headers) {
    const size_t colon = h.find(':');
    const std::string name = Trim(h.substr(0, colon));
    if (colon == std::string::npos || name.empty() ||
        name.find_first_of(" \t\r\n") != std::string::npos) {
      return Usage("--header: expected 'Name: value'");  // the value may be a secret: not shown
    }
    const std::string value = Trim(h.substr(colon + 1));
    if (value.find_first_of("\r\n") != std::string::npos) {
      return Usage(fmt::format("--header {}: the value must be one line", name));
    }
    c.headers.emplace_back(name, value);
  }
  if (!o.token_env.empty()) {
    const char* token = std::getenv(o.token_env.c_str());
    if (token == nullptr || token[0] == '\0') {
      return Usage(
          fmt::format("--token-env {}: the environment variable is not set or empty", o.token_env));
    }
    c.bearer_token = token;
    if (c.bearer_token.find_first_of("\r\n") != std::string::npos) {
      return Usage(fmt::format("--token-env {}: the token must be one line", o.token_env));
    }
    if (!c.server.tls() && !c.server.IsLoopback()) {
      err << fmt::format(
          "trace-analyze: warning: sending a bearer token to {} without TLS; use https:// or "
          "grpcs://\n",
          c.server.Display());
    }
  }
  c.tenant = o.tenant;
  c.tenant_header = o.tenant_header;
  c.ca_file = o.ca_file;
  c.cert_file = o.cert_file;
  c.key_file = o.key_file;
  c.insecure = o.insecure;
  Result<int64_t> timeout = Duration(o.timeout, "--timeout");
  if (!timeout.ok()) return timeout.error();
  c.timeout_ms = std::max<int64_t>(1, timeout.value() / 1000);
  c.connect_timeout_ms = std::min<int64_t>(c.timeout_ms, 10000);
  c.retry.max_attempts = o.retries + 1;
  if (o.max_response_size == 0 || o.max_response_size > (uint64_t{1} << 40)) {
    return Usage("--max-response-size: expected a size between 1 byte and 1TiB");
  }
  c.max_response_bytes = static_cast<int64_t>(o.max_response_size);
  c.log = MakeLog(o.verbose, err);
  Result<std::unique_ptr<jaeger_client::TraceSource>> source =
      jaeger_client::net::MakeTraceSource(c, *api);
  if (!source.ok()) return source.error();
  conn->source = std::move(source).value();
  return conn;
}

Result<std::string> JaegerUiUrl(const JaegerCliOptions& o) {
  if (!o.given()) return std::string();
  Result<jaeger_client::ServerUrl> server = jaeger_client::ParseServerUrl(o.url);
  if (!server.ok()) return server.error();
  return UiUrl(o, server.value());
}

Result<JaegerRunResult> RunJaegerQuery(const JaegerCliOptions& o,
                                       const formats::TraceCallback& on_trace, std::ostream& err) {
  if (Result<jaeger_client::ServerUrl> url = jaeger_client::ParseServerUrl(o.url); !url.ok()) {
    return url.error();
  }
  Result<std::vector<std::string>> ids = CollectTraceIds(o);
  if (!ids.ok()) return ids.error();
  const bool search = !o.service.empty();
  if (!search && ids.value().empty()) {
    return Usage(
        "--jaeger needs something to fetch: --service (a search) or --trace-id / --trace-ids");
  }
  const int64_t now = jaeger_client::NowUs();
  std::optional<jaeger_client::SearchQuery> query;
  if (search) {
    Result<jaeger_client::SearchQuery> q = BuildSearch(o, now);
    if (!q.ok()) return q.error();
    query = q.value();
  } else if (!o.operation.empty() || !o.tags.empty() || !o.since.empty() || !o.from.empty() ||
             !o.min_duration.empty() || !o.max_duration.empty() || !o.split_search_from.empty()) {
    return Usage("search options (--operation, --tag, --since, ...) need --service");
  }
  std::optional<int64_t> split_search_start;
  if (!o.split_search_from.empty()) {
    split_search_start = jaeger_client::ParseTimeUs(o.split_search_from, now);
    if (!split_search_start) {
      return Usage(fmt::format("--split-search-from '{}': expected RFC 3339 or a relative time",
                               o.split_search_from));
    }
    if (*split_search_start > query->start_us) {
      return Usage(fmt::format("--split-search-from {} is after the window's start {}",
                               jaeger_client::FormatRfc3339(*split_search_start),
                               jaeger_client::FormatRfc3339(query->start_us)));
    }
  }
  Result<int64_t> settle = Duration(o.cache_settle, "--cache-settle");
  if (!settle.ok()) return settle.error();
  Result<std::string> ui_url = JaegerUiUrl(o);
  if (!ui_url.ok()) return ui_url.error();
  Result<std::unique_ptr<JaegerConnection>> conn = Connect(o, err);
  if (!conn.ok()) return conn.error();
  jaeger_client::TraceSource& source = *conn.value()->source;

  std::unique_ptr<jaeger_client::TraceCache> cache;
  if (!o.no_cache) {
    const std::string dir =
        o.cache_dir.empty() ? jaeger_client::TraceCache::DefaultDir() : o.cache_dir;
    if (!dir.empty()) {
      const jaeger_client::ClientOptions& c = *conn.value()->client;
      cache = std::make_unique<jaeger_client::TraceCache>(
          dir, c.server.Display(), c.server.Display() + "\n" + c.tenant, settle.value());
    }
  }
  jaeger_client::FetchOptions fetch;
  fetch.concurrency = o.concurrency;
  fetch.max_traces = o.max_traces;
  fetch.split_search_start_us = split_search_start;
  fetch.cache = cache.get();
  fetch.log = conn.value()->client->log;
  // A progress line only on a terminal: never in logs, pipes or tests.
  const bool tty = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  bool progress_shown = false;
  if (tty) {
    fetch.progress = [&](size_t done, size_t total) {
      progress_shown = true;
      if (total > 0) {
        err << fmt::format("\rtrace-analyze: fetched {}/{} traces", done, total) << std::flush;
      } else {
        err << fmt::format("\rtrace-analyze: fetched {} traces", done) << std::flush;
      }
    };
  }
  jaeger_client::FetchReport report;
  jaeger_client::CallStatus status =
      jaeger_client::FetchByIds(source, ids.value(), fetch, on_trace, &report);
  if (status.ok() && query)
    status = jaeger_client::SearchTraces(source, *query, fetch, on_trace, &report);
  if (progress_shown) err << "\r\x1b[K" << std::flush;
  if (!status.ok()) return status.error().ToError();

  JaegerRunResult result;
  result.server = source.Describe();
  result.ui_url = std::move(ui_url).value();
  result.traces = report.traces;
  result.partial_reasons = report.PartialReasons();
  result.incomplete = report.incomplete();
  result.stats = std::move(report.stats);
  const std::string side = o.label.empty() ? "" : o.label + ": ";
  for (const std::string& reason : result.partial_reasons) {
    err << "trace-analyze: warning: " << side << "partial results: " << reason << '\n';
  }
  if (o.verbose) {
    const std::string skipped =
        split_search_start
            ? fmt::format(", {} skipped as an earlier window's", report.earlier_window)
            : "";
    err << fmt::format(
        "trace-analyze: jaeger: {} traces from {} ({} from the cache, {} search calls{})\n",
        report.traces, result.server, report.cache_hits, report.search_calls, skipped);
  }
  return result;
}

}  // namespace trace_analyze::cli
