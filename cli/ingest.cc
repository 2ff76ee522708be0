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
// The finders cost about as much CPU time as decoding and path analysis
// together, so they get as many threads as the decoding has.
constexpr size_t kFinderThreads = 2;
// Traces in flight between path analysis and the finders. Each keeps its
// buffers across uses, so memory stays bounded by the largest traces. A slot
// is free, pending (waiting for a finder thread) or held by a finder thread;
// a queue's consumers sleep only when it is empty, until kWakeBatch slots
// wait. With this many slots, when one queue's consumers sleep the other
// queue holds at least kWakeBatch slots, so they cannot all sleep at once.
constexpr size_t kTracesInFlight = 12;
static_assert(kTracesInFlight >= 2 * (kWakeBatch - 1) + kFinderThreads + 1);

// A trace waiting for the finders, its critical path, and what they found.
struct Slot {
  analyzer::Trace trace;
  analyzer::CriticalPath path;
  std::vector<analyzer::FindingInstance> found;
  uint64_t seq = 0;  // input order
};

// A FIFO of slots whose consumers, when it is empty, sleep until kWakeBatch
// slots wait or the queue is closed.
class SlotQueue {
 public:
  void Push(Slot* slot) {
    std::lock_guard lock(mu_);
    items_.push_back(slot);
    if (waiting_ > 0 && items_.size() >= kWakeBatch) ready_.notify_one();
  }

  // The next slot; nullptr once closed and drained.
  Slot* Pop() {
    std::unique_lock lock(mu_);
    if (items_.empty() && !closed_) {
      ++waiting_;
      ready_.wait(lock, [&] { return closed_ || items_.size() >= kWakeBatch; });
      --waiting_;
    }
    if (items_.empty()) return nullptr;
    Slot* slot = items_.front();
    items_.pop_front();
    // Enough left for another sleeper too.
    if (waiting_ > 0 && items_.size() >= kWakeBatch) ready_.notify_one();
    return slot;
  }

  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Slot*> items_;
  int waiting_ = 0;
  bool closed_ = false;
};

// Analyses each trace as the reader hands it over: normalisation, critical
// path and profile (then on_trace) right away, on the reader's thread, while
// the decoder that produced the trace still has it in its cache (the reader
// calls back one trace at a time, in input order, from one of its decoding
// threads). When the bottleneck finders are on, the trace and its path are
// then swapped into a slot, the reader getting a recycled trace back, and
// finder threads run the finders on slots in parallel, adding what they found
// in input order.
//
// Measured on the benchmark file (docs/performance.md): a separate path
// thread fed through slots cost 30 % more CPU time (each trace's ~100 bytes a
// span moved to the other core, one more thread to wake) and 25 % more wall
// time; one finder thread could not keep up with the faster reader.
class AnalysisWorker {
 public:
  AnalysisWorker(analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace)
      : analyzer_(analyzer),
        on_trace_(on_trace),
        finders_on_(analyzer.options().find_bottlenecks) {
    if (!finders_on_) return;
    slots_.resize(kTracesInFlight);
    for (Slot& slot : slots_) free_.Push(&slot);
    for (size_t i = 0; i < kFinderThreads; ++i) {
      finder_threads_.emplace_back([this] { RunFinders(); });
    }
  }
  ~AnalysisWorker() { Finish(); }

  // Called by the reader, one trace at a time: analyses `trace`, possibly
  // taking it and leaving a recycled one.
  void Submit(analyzer::Trace& trace) {
    analyzer_.AnalyzePath(trace, &path_);
    if (on_trace_) on_trace_(trace, path_);
    if (!finders_on_) return;
    Slot* slot = free_.Pop();
    std::swap(slot->trace, trace);
    std::swap(slot->path, path_);
    slot->seq = submitted_++;
    pending_.Push(slot);
  }

  // Waits until every submitted trace is analysed.
  void Finish() {
    pending_.Close();
    for (std::thread& t : finder_threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void RunFinders() {
    while (Slot* slot = pending_.Pop()) {
      slot->found = analyzer_.FindBottlenecksOf(slot->trace, slot->path);
      {
        std::unique_lock lock(turn_mu_);
        turn_.wait(lock, [&] { return next_add_ == slot->seq; });
        analyzer_.AddFindings(slot->trace, slot->found);
        ++next_add_;
      }
      turn_.notify_all();
      free_.Push(slot);
    }
  }

  analyzer::TraceAnalyzer& analyzer_;
  const AnalyzedTraceCallback& on_trace_;
  const bool finders_on_;
  analyzer::CriticalPath path_;  // of the trace being submitted
  uint64_t submitted_ = 0;       // traces handed to the finders
  std::vector<Slot> slots_;
  SlotQueue free_;     // consumed by Submit
  SlotQueue pending_;  // consumed by the finder threads
  std::mutex turn_mu_;
  std::condition_variable turn_;  // a finder thread waits for its slot's turn to add
  uint64_t next_add_ = 0;         // seq of the next slot whose findings are added
  std::vector<std::thread> finder_threads_;
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
