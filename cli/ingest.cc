#include "cli/ingest.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "cli/jaeger_options.h"
#include "jaeger_client/input.h"

namespace trace_analyze::cli {
namespace {

constexpr size_t kMaxListedProblems = 20;
// A sleeping thread is woken only once this many traces wait for it (or at the
// end): on our VMs a futex wake-up costs tens of µs of CPU, and waking the
// other side for every trace (2,000 per benchmark run) cost ~5 % of the CPU.
constexpr size_t kWakeBatch = 4;
// Traces in flight between decoding and analysis. Each keeps its buffers
// across uses, so memory stays bounded by the largest traces. Slots cycle
// through three queues (free, path analysis, finders) whose consumers each
// sleep until kWakeBatch slots wait: with at least 3 * (kWakeBatch - 1) + 1
// slots, one of the queues always holds enough to wake its consumer.
constexpr size_t kTracesInFlight = 3 * kWakeBatch;
static_assert(kTracesInFlight >= 3 * (kWakeBatch - 1) + 1);

// A trace in flight and the critical path computed for it.
struct Slot {
  analyzer::Trace trace;
  analyzer::CriticalPath path;
};

// A FIFO of slots for one consumer thread, which sleeps until kWakeBatch
// slots wait or the queue is closed.
class SlotQueue {
 public:
  void Push(Slot* slot) {
    std::lock_guard lock(mu_);
    items_.push_back(slot);
    if (waiting_ && items_.size() >= kWakeBatch) ready_.notify_one();
  }

  // The next slot; nullptr once closed and drained.
  Slot* Pop() {
    std::unique_lock lock(mu_);
    if (items_.empty() && !closed_) {
      waiting_ = true;
      ready_.wait(lock, [&] { return closed_ || items_.size() >= kWakeBatch; });
      waiting_ = false;
    }
    if (items_.empty()) return nullptr;
    Slot* slot = items_.front();
    items_.pop_front();
    return slot;
  }

  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Slot*> items_;
  bool waiting_ = false;
  bool closed_ = false;
};

// Decoding and analysis run on separate threads: the reader's callback swaps
// each decoded trace for a recycled one, a path thread normalises it and
// computes its critical path and profile (then calls on_trace), and, when the
// bottleneck finders are on, a finder thread runs them on the trace and its
// path. Each thread sees the traces in input order.
class AnalysisWorker {
 public:
  AnalysisWorker(analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace)
      : analyzer_(analyzer),
        on_trace_(on_trace),
        finders_on_(analyzer.options().find_bottlenecks),
        slots_(kTracesInFlight) {
    for (Slot& slot : slots_) free_.Push(&slot);
    path_thread_ = std::thread([this] { RunPaths(); });
    if (finders_on_) finder_thread_ = std::thread([this] { RunFinders(); });
  }
  ~AnalysisWorker() { Finish(); }

  // Called by the reader: takes `trace` for analysis, leaving a recycled one.
  void Submit(analyzer::Trace& trace) {
    Slot* slot = free_.Pop();
    std::swap(slot->trace, trace);
    paths_.Push(slot);
  }

  // Waits until every submitted trace is analysed.
  void Finish() {
    paths_.Close();
    if (path_thread_.joinable()) path_thread_.join();
    finders_.Close();
    if (finder_thread_.joinable()) finder_thread_.join();
  }

 private:
  void RunPaths() {
    while (Slot* slot = paths_.Pop()) {
      analyzer_.AnalyzePath(slot->trace, &slot->path);
      if (on_trace_) on_trace_(slot->trace, slot->path);
      if (finders_on_) {
        finders_.Push(slot);
      } else {
        free_.Push(slot);
      }
    }
  }

  void RunFinders() {
    while (Slot* slot = finders_.Pop()) {
      analyzer_.FindBottlenecksIn(slot->trace, slot->path);
      free_.Push(slot);
    }
  }

  analyzer::TraceAnalyzer& analyzer_;
  const AnalyzedTraceCallback& on_trace_;
  const bool finders_on_;
  std::vector<Slot> slots_;
  SlotQueue free_;     // consumed by Submit
  SlotQueue paths_;    // consumed by the path thread
  SlotQueue finders_;  // consumed by the finder thread
  std::thread path_thread_;
  std::thread finder_thread_;
};

}  // namespace

Result<IngestResult> Ingest(const IngestOptions& options, analyzer::TraceAnalyzer& analyzer,
                            const AnalyzedTraceCallback& on_trace, std::ostream& err) {
  const bool from_server = options.jaeger != nullptr && options.jaeger->given();
  if (from_server && !options.inputs.empty()) {
    return Error{ErrorCode::kInput, "give either INPUT files or --jaeger URL, not both"};
  }
  if (!from_server && options.inputs.empty()) {
    return Error{ErrorCode::kInput,
                 "no input: give INPUT files or folders (- for stdin), or --jaeger URL with "
                 "--service or --trace-id"};
  }
  jaeger::ReadOptions read;
  read.strict = options.strict;
  jaeger::ReadStats stats;
  JaegerRunResult run;
  AnalysisWorker worker(analyzer, on_trace);
  const jaeger::TraceCallback submit = [&](analyzer::Trace& trace) -> Status {
    worker.Submit(trace);
    return OkStatus();
  };
  if (from_server) {
    Result<JaegerRunResult> fetched = RunJaegerQuery(*options.jaeger, submit, err);
    worker.Finish();
    if (!fetched.ok()) return fetched.error();
    run = std::move(fetched).value();
    stats = std::move(run.stats);
    if (options.strict && !stats.problems.empty()) {
      return Error{ErrorCode::kInput,
                   fmt::format("--strict: {} (and {} more)", stats.problems.front().ToString(),
                               stats.problems.size() - 1)};
    }
  } else {
    const Status status = jaeger::ReadInputs(options.inputs, read, submit, &stats);
    worker.Finish();
    if (!status.ok()) return status.error();
  }

  IngestResult result;
  result.input.server = run.server;
  result.input.ui_url = run.ui_url;
  result.input.partial = !run.partial_reasons.empty();
  result.input.partial_reasons = run.partial_reasons;
  result.incomplete = run.incomplete;
  result.input.files = stats.files;
  result.input.bytes = stats.bytes;
  result.input.problems_total = stats.problems_total;
  for (const jaeger::InputProblem& p : stats.problems) {
    const std::string text = p.ToString();
    if (result.input.problems.size() < kMaxListedProblems) {
      err << "trace-analyze: warning: skipped " << text << '\n';
      result.input.problems.push_back(text);
    }
  }
  if (stats.problems_total > kMaxListedProblems) {
    err << fmt::format("trace-analyze: warning: … and {} more skipped\n",
                       stats.problems_total - kMaxListedProblems);
  }
  result.quality = analyzer.profile().quality();
  result.quality.Merge(stats.quality);
  if (from_server && analyzer.profile().traces() == 0 && run.incomplete) {
    return Error{ErrorCode::kBackend,
                 fmt::format("no trace could be fetched from {}: {}", run.server,
                             run.partial_reasons.empty() ? "" : run.partial_reasons.front())};
  }
  if (from_server && analyzer.profile().traces() == 0) {
    const std::string& label = options.jaeger->label;
    err << "trace-analyze: warning: " << (label.empty() ? "" : label + ": ")
        << "no trace matched the query on " << run.server << '\n';
  }
  if (analyzer.profile().traces() == 0 && !stats.problems.empty()) {
    return Error{ErrorCode::kInput,
                 fmt::format("no trace could be read ({} skipped); first problem: {}",
                             stats.problems_total, stats.problems.front().ToString())};
  }
  return result;
}

}  // namespace trace_analyze::cli
