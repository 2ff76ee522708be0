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
// Traces in flight between the decoding thread and the analysis thread. Each
// keeps its buffers across uses, so memory stays bounded by the largest traces.
constexpr size_t kTracesInFlight = 8;
// A sleeping thread is woken only once this many traces wait for it (or at the
// end): on our VMs a futex wake-up costs tens of µs of CPU, and waking the
// other side for every trace (2,000 per benchmark run) cost ~5 % of the CPU.
constexpr size_t kWakeBatch = kTracesInFlight / 2;

// Decoding and analysis run on separate threads (our machines have 2 cores):
// the reader's callback swaps each decoded trace for a recycled one, and a
// worker analyses it. Traces are analysed in input order.
class AnalysisWorker {
 public:
  AnalysisWorker(analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace)
      : analyzer_(analyzer), on_trace_(on_trace), pool_(kTracesInFlight) {
    for (analyzer::Trace& t : pool_) free_.push_back(&t);
    thread_ = std::thread([this] { Run(); });
  }
  ~AnalysisWorker() { Finish(); }

  // Called by the reader: takes `trace` for analysis, leaving a recycled one.
  void Submit(analyzer::Trace& trace) {
    std::unique_lock lock(mu_);
    if (free_.empty()) {
      submitter_waiting_ = true;
      free_slot_.wait(lock, [&] { return !free_.empty(); });
      submitter_waiting_ = false;
    }
    analyzer::Trace* slot = free_.back();
    free_.pop_back();
    std::swap(*slot, trace);
    work_.push_back(slot);
    // No deadlock: when all slots are queued, work_.size() >= kWakeBatch.
    if (worker_waiting_ && work_.size() >= kWakeBatch) work_ready_.notify_one();
  }

  // Waits until every submitted trace is analysed.
  void Finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
      work_ready_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    analyzer::Trace* trace = nullptr;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        if (trace != nullptr) {
          free_.push_back(trace);
          // No deadlock: an idle worker has every slot free.
          if (submitter_waiting_ && free_.size() >= kWakeBatch) free_slot_.notify_one();
        }
        if (work_.empty() && !done_) {
          worker_waiting_ = true;
          work_ready_.wait(lock, [&] { return done_ || work_.size() >= kWakeBatch; });
          worker_waiting_ = false;
        }
        if (work_.empty()) return;
        trace = work_.front();
        work_.pop_front();
      }
      const analyzer::CriticalPath& path = analyzer_.Analyze(*trace);
      if (on_trace_) on_trace_(*trace, path);
    }
  }

  analyzer::TraceAnalyzer& analyzer_;
  const AnalyzedTraceCallback& on_trace_;
  std::vector<analyzer::Trace> pool_;
  std::mutex mu_;
  std::condition_variable work_ready_;  // the worker waits for work or done_
  std::condition_variable free_slot_;   // Submit waits for a recycled trace
  std::vector<analyzer::Trace*> free_;
  std::deque<analyzer::Trace*> work_;
  bool worker_waiting_ = false;
  bool submitter_waiting_ = false;
  bool done_ = false;
  std::thread thread_;
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
