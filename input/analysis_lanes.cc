#include "input/analysis_lanes.h"

#include <utility>

namespace trace_analyze::input {

namespace {

// Traces in flight per lane: enough to keep every worker busy while the
// submitter fetches and hands over, few enough to bound memory.
constexpr size_t kInFlightPerLane = 4;

}  // namespace

AnalysisLanes::AnalysisLanes(analyzer::TraceAnalyzer& analyzer,
                             const AnalyzedTraceCallback& on_trace, size_t lanes)
    : analyzer_(analyzer),
      on_trace_(on_trace),
      max_in_flight_(kInFlightPerLane * (lanes == 0 ? 1 : lanes)),
      computers_(lanes == 0 ? 1 : lanes) {
  for (size_t lane = 0; lane < computers_.size(); ++lane) {
    workers_.emplace_back([this, lane] { Work(lane); });
  }
}

AnalysisLanes::~AnalysisLanes() { Finish(); }

void AnalysisLanes::Submit(analyzer::Trace& trace) {
  std::unique_lock lock(mu_);
  CommitReady(lock);
  while (slots_.size() >= max_in_flight_) {
    done_.wait(lock, [&] { return slots_.front().done; });
    CommitReady(lock);
  }
  slots_.emplace_back();
  slots_.back().trace = std::move(trace);
  work_.notify_one();
}

void AnalysisLanes::Finish() {
  std::unique_lock lock(mu_);
  if (stopping_) return;
  while (!slots_.empty()) {
    done_.wait(lock, [&] { return slots_.front().done; });
    CommitReady(lock);
  }
  stopping_ = true;
  work_.notify_all();
  lock.unlock();
  for (std::thread& worker : workers_) worker.join();
}

void AnalysisLanes::Work(size_t lane) {
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || next_to_prepare_ < slots_.size(); });
    if (next_to_prepare_ >= slots_.size()) return;  // stopping, nothing left
    // Slots leave only from the front, once prepared, and a deque keeps
    // references to its other elements valid: this one stays put while it
    // is prepared unlocked.
    Slot& slot = slots_[next_to_prepare_++];
    lock.unlock();
    analyzer_.Prepare(slot.trace, computers_[lane], &slot.analysis);
    lock.lock();
    slot.done = true;
    done_.notify_one();
  }
}

void AnalysisLanes::CommitReady(std::unique_lock<std::mutex>& lock) {
  while (!slots_.empty() && slots_.front().done) {
    Slot slot = std::move(slots_.front());
    slots_.pop_front();
    --next_to_prepare_;
    // Only this thread adds and calls back; workers keep preparing.
    lock.unlock();
    const analyzer::CriticalPath& path = analyzer_.Add(slot.analysis);
    if (on_trace_) on_trace_(slot.trace, path);
    lock.lock();
  }
}

}  // namespace trace_analyze::input
