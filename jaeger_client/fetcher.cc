#include "jaeger_client/fetcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "jaeger_client/search_match.h"
#include "jaeger_client/time_parse.h"

namespace trace_analyze::jaeger_client {
namespace {

// How far ahead of delivery the workers may run, per worker: bounds the
// traces held while an earlier one is still being fetched.
constexpr size_t kLookaheadPerWorker = 4;

struct Slot {
  bool done = false;
  bool from_cache = false;
  std::vector<analyzer::Trace> traces;
  std::optional<CallError> error;
  input::ReadStats stats;
};

void MergeStats(input::ReadStats&& from, input::ReadStats* into) {
  into->bytes += from.bytes;
  into->quality.Merge(from.quality);
  for (input::InputProblem& p : from.problems) into->problems.push_back(std::move(p));
}

// Errors that every further call would hit too.
bool IsFatal(CallErrorKind kind, bool any_success) {
  switch (kind) {
    case CallErrorKind::kTls:
    case CallErrorKind::kAuth:
    case CallErrorKind::kNotServed:
    case CallErrorKind::kBadRequest:
      return true;
    case CallErrorKind::kUnavailable:
      return !any_success;
    default:
      return false;
  }
}

std::string JoinIds(const std::vector<std::string>& ids, size_t max) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < max; ++i) out += (i > 0 ? ", " : "") + ids[i];
  if (ids.size() > max) out += fmt::format(", … ({} more)", ids.size() - max);
  return out;
}

int64_t Now(const FetchOptions& options) { return options.now_us ? options.now_us() : NowUs(); }

}  // namespace

std::vector<std::string> FetchReport::PartialReasons() const {
  std::vector<std::string> out;
  if (!not_found.empty()) {
    out.push_back(fmt::format("{} requested trace{} not found on the server: {}", not_found.size(),
                              not_found.size() == 1 ? "" : "s", JoinIds(not_found, 10)));
  }
  if (!stats.problems.empty()) {
    out.push_back(fmt::format("{} trace{} in the server's responses could not be decoded: {}",
                              stats.problems.size(), stats.problems.size() == 1 ? "" : "s",
                              stats.problems.front().ToString()));
  }
  for (size_t i = 0; i < failed.size() && i < 10; ++i) out.push_back(failed[i]);
  if (failed.size() > 10)
    out.push_back(fmt::format("… and {} more failed calls", failed.size() - 10));
  if (search_truncated) {
    out.push_back(fmt::format(
        "search truncated: time windows still returned --limit traces after the maximum number "
        "of splits; more traces may match than the {} fetched (raise --limit or narrow the "
        "query)",
        traces));
  }
  return out;
}

CallStatus FetchByIds(TraceSource& source, std::span<const std::string> requested,
                      const FetchOptions& options, const formats::TraceCallback& on_trace,
                      FetchReport* report) {
  std::vector<std::string> ids;
  {
    std::unordered_set<std::string> unique;
    for (const std::string& id : requested) {
      if (!report->seen.contains(id) && unique.insert(id).second) ids.push_back(id);
    }
  }
  if (ids.empty()) return CallOk();
  const size_t workers =
      std::min(ids.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  const size_t lookahead = workers * kLookaheadPerWorker;

  std::vector<Slot> slots(ids.size());
  std::mutex mu;
  std::condition_variable changed;
  size_t next = 0;
  size_t delivered = 0;
  bool stop = false;
  std::atomic<bool> any_success{false};

  auto work = [&] {
    for (;;) {
      size_t i = 0;
      {
        std::unique_lock lock(mu);
        changed.wait(lock,
                     [&] { return stop || next >= ids.size() || next < delivered + lookahead; });
        if (stop || next >= ids.size()) return;
        i = next++;
      }
      Slot slot;
      auto keep = [&](analyzer::Trace& t) -> Status {
        slot.traces.push_back(std::move(t));
        return OkStatus();
      };
      if (options.cache != nullptr && options.cache->Lookup(ids[i], keep)) {
        slot.from_cache = true;
      } else {
        slot.traces.clear();
        CallStatus status = source.GetTrace(ids[i], keep, &slot.stats);
        if (!status.ok()) {
          slot.error = std::move(status.error());
        } else {
          any_success = true;
          if (options.cache != nullptr) {
            const int64_t now = Now(options);
            for (const analyzer::Trace& t : slot.traces) options.cache->Store(t, now);
          }
        }
      }
      std::lock_guard lock(mu);
      slots[i] = std::move(slot);
      slots[i].done = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) threads.emplace_back(work);
  auto finish = [&](CallStatus status) {
    {
      std::lock_guard lock(mu);
      stop = true;
      changed.notify_all();
    }
    for (std::thread& t : threads) t.join();
    return status;
  };

  int failures_before_success = 0;
  for (size_t d = 0; d < ids.size(); ++d) {
    Slot slot;
    {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return slots[d].done; });
      slot = std::move(slots[d]);
    }
    MergeStats(std::move(slot.stats), &report->stats);
    if (slot.error) {
      if (slot.error->kind == CallErrorKind::kNotFound) {
        report->not_found.push_back(ids[d]);
      } else if (IsFatal(slot.error->kind, any_success.load())) {
        return finish(std::move(*slot.error));
      } else if (!any_success.load() && ++failures_before_success >= kMaxFailuresBeforeSuccess) {
        slot.error->message +=
            fmt::format("; giving up: the first {} traces all failed", kMaxFailuresBeforeSuccess);
        return finish(std::move(*slot.error));
      } else {
        report->failed.push_back(slot.error->message);
      }
    }
    for (analyzer::Trace& t : slot.traces) {
      if (!report->seen.insert(std::string(t.trace_id)).second) continue;
      ++report->traces;
      if (slot.from_cache) ++report->cache_hits;
      if (Status s = on_trace(t); !s.ok()) {
        return finish(CallError{CallErrorKind::kServer, s.error().message});
      }
    }
    if (options.progress) options.progress(d + 1, ids.size());
    std::lock_guard lock(mu);
    ++delivered;
    changed.notify_all();
  }
  return finish(CallOk());
}

namespace {

class WindowSearch {
 public:
  // `whole` is the query of the first call: sub-windows split from it keep
  // its owner rule.
  WindowSearch(TraceSource& source, const SearchQuery& whole, const FetchOptions& options,
               const formats::TraceCallback& on_trace, FetchReport* report, size_t max_traces)
      : source_(source),
        whole_(whole),
        options_(options),
        on_trace_(on_trace),
        report_(report),
        max_traces_(max_traces) {}

  CallStatus Run(const SearchQuery& query, int depth) {
    if (delivered_ >= max_traces_) return CallOk();
    ++report_->search_calls;
    if (options_.log) {
      options_.log(fmt::format("search window {} .. {} (depth {})", FormatRfc3339(query.start_us),
                               FormatRfc3339(query.end_us), depth));
    }
    CallResult<size_t> n = source_.Search(
        query, [&](analyzer::Trace& t) { return Deliver(t); }, &report_->stats);
    if (!n.ok()) {
      if (depth == 0 || IsFatal(n.error().kind, true)) return n.error();
      report_->failed.push_back(n.error().message);
      return CallOk();
    }
    if (n.value() < static_cast<size_t>(query.limit) || delivered_ >= max_traces_) {
      return CallOk();  // the window is exhausted, or we have enough
    }
    if (depth >= options_.max_split_depth ||
        query.end_us - query.start_us < options_.min_window_us) {
      report_->search_truncated = true;
      return CallOk();
    }
    const int64_t mid = query.start_us + (query.end_us - query.start_us) / 2;
    SearchQuery newer = query;
    newer.start_us = mid;
    SearchQuery older = query;
    older.end_us = mid;
    if (CallStatus s = Run(newer, depth + 1); !s.ok()) return s;
    return Run(older, depth + 1);
  }

 private:
  Status Deliver(analyzer::Trace& trace) {
    if (delivered_ >= max_traces_) return OkStatus();
    if (options_.split_search_start_us &&
        TraceOwnedByEarlierWindow(trace, whole_, *options_.split_search_start_us)) {
      if (skipped_.insert(std::string(trace.trace_id)).second) ++report_->earlier_window;
      return OkStatus();
    }
    if (!report_->seen.insert(std::string(trace.trace_id)).second) return OkStatus();
    if (options_.cache != nullptr) options_.cache->Store(trace, Now(options_));
    ++delivered_;
    ++report_->traces;
    Status s = on_trace_(trace);
    if (options_.progress) options_.progress(delivered_, max_traces_);
    return s;
  }

  TraceSource& source_;
  const SearchQuery& whole_;
  const FetchOptions& options_;
  const formats::TraceCallback& on_trace_;
  FetchReport* report_;
  size_t max_traces_;
  size_t delivered_ = 0;
  std::unordered_set<std::string> skipped_;  // ids an earlier window owns
};

}  // namespace

CallStatus SearchTraces(TraceSource& source, const SearchQuery& query, const FetchOptions& options,
                        const formats::TraceCallback& on_trace, FetchReport* report) {
  const size_t max_traces =
      options.max_traces > 0 ? options.max_traces : static_cast<size_t>(std::max(query.limit, 1));
  report->max_traces = max_traces;
  WindowSearch search(source, query, options, on_trace, report, max_traces);
  return search.Run(query, 0);
}

}  // namespace trace_analyze::jaeger_client
