#include "cli/ingest.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "jaeger_client/input.h"

namespace trace_analyze::cli {
namespace {

constexpr size_t kMaxListedProblems = 20;
// Traces in flight between the decoding thread and the analysis thread. Each
// keeps its buffers across uses, so memory stays bounded by the largest traces.
constexpr size_t kTracesInFlight = 4;

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
    changed_.wait(lock, [&] { return !free_.empty(); });
    analyzer::Trace* slot = free_.back();
    free_.pop_back();
    std::swap(*slot, trace);
    work_.push_back(slot);
    changed_.notify_all();
  }

  // Waits until every submitted trace is analysed.
  void Finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
      changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    for (;;) {
      analyzer::Trace* trace = nullptr;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return done_ || !work_.empty(); });
        if (work_.empty()) return;
        trace = work_.front();
        work_.pop_front();
      }
      const analyzer::CriticalPath& path = analyzer_.Analyze(*trace);
      if (on_trace_) on_trace_(*trace, path);
      std::lock_guard lock(mu_);
      free_.push_back(trace);
      changed_.notify_all();
    }
  }

  analyzer::TraceAnalyzer& analyzer_;
  const AnalyzedTraceCallback& on_trace_;
  std::vector<analyzer::Trace> pool_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<analyzer::Trace*> free_;
  std::deque<analyzer::Trace*> work_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

Result<IngestResult> Ingest(const IngestOptions& options, analyzer::TraceAnalyzer& analyzer,
                            const AnalyzedTraceCallback& on_trace, std::ostream& err) {
  jaeger::ReadOptions read;
  read.strict = options.strict;
  jaeger::ReadStats stats;
  AnalysisWorker worker(analyzer, on_trace);
  const Status status = jaeger::ReadInputs(
      options.inputs, read,
      [&](analyzer::Trace& trace) -> Status {
        worker.Submit(trace);
        return OkStatus();
      },
      &stats);
  worker.Finish();
  if (!status.ok()) return status.error();

  IngestResult result;
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
  if (analyzer.profile().traces() == 0 && !stats.problems.empty()) {
    return Error{ErrorCode::kInput,
                 fmt::format("no trace could be read ({} skipped); first problem: {}",
                             stats.problems_total, stats.problems.front().ToString())};
  }
  return result;
}

}  // namespace trace_analyze::cli
