#include "input/internal/pipeline.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "input/internal/json_splitter.h"

namespace trace_analyze::input::internal {
namespace {

// Two batches in the queue are enough to keep both cores busy; more would
// only raise peak memory.
constexpr size_t kQueueDepth = 2;

class BatchQueue {
 public:
  // Blocks while full. Returns false (dropping the batch) once cancelled.
  bool Push(std::unique_ptr<Batch> batch, BatchPool* pool) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return cancelled_ || items_.size() < kQueueDepth; });
    if (cancelled_) {
      lock.unlock();
      pool->Release(std::move(batch));
      return false;
    }
    items_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty; nullptr once closed (or cancelled) and drained.
  std::unique_ptr<Batch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || cancelled_ || !items_.empty(); });
    if (items_.empty()) return nullptr;
    std::unique_ptr<Batch> batch = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return batch;
  }

  // The producer is done.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // The consumer gave up: unblock and refuse the producer.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<std::unique_ptr<Batch>> items_;
  bool closed_ = false;
  bool cancelled_ = false;
};

// A claim is a run of units decoded together by one thread: up to this many
// Jaeger trace units, or this many bytes of them (at least one unit), so that
// small traces do not pay a thread hand-off each and big ones balance well.
// Each claim waits for its turn to commit: half a batch per claim keeps those
// waits rare (docs/performance.md, "Claim size").
constexpr size_t kMaxClaimUnits = 128;
constexpr size_t kClaimBytes = size_t{1} << 20;

// Decodes the queue's batches on the calling thread and one helper thread
// per further decoding lane. All claim runs of units in input order;
// whole-trace units are decoded ahead (UnitDecoder::DecodeAhead) and
// prepared (Delivery::Prepare) by whichever thread claimed them, then
// committed in input order; other units (span formats, envelopes) are
// claimed only by the calling thread and decoded in turn. So the decoder's
// callback and shared state see exactly the serial sequence of calls, one at
// a time, whatever the number of lanes.
class LaneDecoder {
 public:
  LaneDecoder(BatchQueue* queue, BatchPool* pool, UnitDecoder* decoder)
      : queue_(queue), pool_(pool), decoder_(decoder) {}

  // Decodes everything; returns the first failed commit's status (the rest of
  // the input is then dropped and the queue cancelled).
  Status Run() {
    std::vector<std::thread> helpers;
    for (size_t lane = 1; lane < decoder_->lanes(); ++lane) {
      helpers.emplace_back([this, lane] { Work(/*main=*/false, lane); });
    }
    Work(/*main=*/true, 0);
    for (std::thread& helper : helpers) helper.join();
    if (!status_.ok()) {
      queue_->Cancel();
      while (std::unique_ptr<Batch> batch = queue_->Pop()) pool_->Release(std::move(batch));
    }
    for (Active& a : active_) pool_->Release(std::move(a.batch));
    active_.clear();
    return status_;
  }

 private:
  struct Active {
    std::unique_ptr<Batch> batch;
    size_t claimed = 0;    // units claimed, in order
    size_t committed = 0;  // units committed, in order
    uint64_t first_seq = 0;
  };
  struct Claim {
    const Batch* batch = nullptr;
    size_t first = 0;  // units [first, first + count) of the batch
    size_t count = 0;
    uint64_t seq = 0;  // of the first unit
    bool ahead = false;
  };

  // The batch holding the next unclaimed unit, or null. Requires mu_.
  Active* NextUnclaimed() {
    for (Active& a : active_) {
      if (a.claimed < a.batch->units.size()) return &a;
    }
    return nullptr;
  }

  // Whether a helper could claim now. Requires mu_.
  bool HelperCanClaim() {
    if (stop_) return true;
    Active* a = NextUnclaimed();
    if (a == nullptr) return input_done_;
    return UnitDecoder::CanDecodeAhead(a->batch->units[a->claimed]);
  }

  // Claims the next run of units; false when there are none left (or after
  // a failure). Only the main thread pops batches off the queue.
  bool ClaimNext(bool main, Claim* claim) {
    std::unique_lock lock(mu_);
    for (;;) {
      if (stop_) return false;
      Active* a = NextUnclaimed();
      if (a == nullptr && main) {
        if (input_done_) return false;
        lock.unlock();
        std::unique_ptr<Batch> batch = queue_->Pop();
        lock.lock();
        if (batch == nullptr || stop_) {
          if (batch != nullptr) pool_->Release(std::move(batch));
          input_done_ = true;
          if (helpers_waiting_ > 0) work_.notify_all();
          return false;
        }
        if (batch->units.empty()) {
          pool_->Release(std::move(batch));
          continue;
        }
        const size_t n = batch->units.size();
        active_.push_back({std::move(batch), 0, 0, next_seq_});
        next_seq_ += n;
        continue;
      }
      if (a != nullptr) {
        const std::vector<Unit>& units = a->batch->units;
        const bool ahead = UnitDecoder::CanDecodeAhead(units[a->claimed]);
        if (ahead || main) {
          *claim = {a->batch.get(), a->claimed, 0, a->first_seq + a->claimed, ahead};
          size_t bytes = 0;
          do {
            bytes += units[a->claimed].end - units[a->claimed].begin;
            ++a->claimed;
            ++claim->count;
          } while (ahead && a->claimed < units.size() && claim->count < kMaxClaimUnits &&
                   bytes < kClaimBytes && UnitDecoder::CanDecodeAhead(units[a->claimed]));
          // Whoever claims wakes the next waiting helper while work is left.
          if (helpers_waiting_ > 0 && HelperCanClaim()) work_.notify_one();
          return true;
        }
      } else if (input_done_) {
        return false;
      }
      ++helpers_waiting_;
      work_.wait(lock, [&] { return HelperCanClaim(); });
      --helpers_waiting_;
    }
  }

  // Claims, decodes (and prepares) and commits until the input is done, with
  // lane `lane_index`.
  void Work(bool main, size_t lane_index) {
    UnitDecoder::Lane* lane = decoder_->lane(lane_index);
    Claim claim;
    while (ClaimNext(main, &claim)) {
      if (claim.ahead) {
        if (lane->slots.size() < claim.count) lane->slots.resize(claim.count);
        for (size_t i = 0; i < claim.count; ++i) {
          UnitDecoder::DecodeAhead(*claim.batch, claim.batch->units[claim.first + i], lane,
                                   &lane->slots[i]);
          decoder_->PrepareAhead(lane_index, &lane->slots[i]);
        }
      }
      if (!Commit(claim, lane)) return;
    }
  }

  // Waits for the claim's turn and commits its units; false after a failure.
  bool Commit(const Claim& claim, UnitDecoder::Lane* lane) {
    {
      std::unique_lock lock(mu_);
      if (!stop_ && next_commit_ != claim.seq) {
        ++turn_waiters_;
        turn_.wait(lock, [&] { return stop_ || next_commit_ == claim.seq; });
        --turn_waiters_;
      }
      if (stop_) return false;
    }
    // Our turn: the other thread cannot commit until next_commit_ moves on.
    Status status = OkStatus();
    for (size_t i = 0; i < claim.count && status.ok(); ++i) {
      const Unit& unit = claim.batch->units[claim.first + i];
      status = claim.ahead ? decoder_->CommitAhead(*claim.batch, unit, &lane->slots[i])
                           : decoder_->DecodeUnit(*claim.batch, unit);
    }
    std::lock_guard lock(mu_);
    next_commit_ += claim.count;
    Active& front = active_.front();  // commits go in order: the claim is in it
    front.committed += claim.count;
    if (front.committed == front.batch->units.size()) {
      pool_->Release(std::move(front.batch));
      active_.pop_front();
    }
    if (!status.ok()) {
      status_ = std::move(status);
      stop_ = true;
      work_.notify_all();
      turn_.notify_all();
      return false;
    }
    if (turn_waiters_ > 0) turn_.notify_all();
    return true;
  }

  BatchQueue* queue_;
  BatchPool* pool_;
  UnitDecoder* decoder_;
  std::mutex mu_;
  std::condition_variable work_;  // helpers wait for a unit they may claim
  std::condition_variable turn_;  // a thread waits for its claim's turn to commit
  std::deque<Active> active_;     // popped batches not fully committed, in order
  uint64_t next_seq_ = 0;         // sequence number of the next popped batch's first unit
  uint64_t next_commit_ = 0;      // sequence number of the next unit to commit
  int turn_waiters_ = 0;
  int helpers_waiting_ = 0;
  bool input_done_ = false;  // the queue is drained (or abandoned)
  bool stop_ = false;        // a commit failed: status_
  Status status_ = OkStatus();
};

Status WithName(Status status, std::string_view name) {
  if (status.ok()) return status;
  return Error{status.error().code, fmt::format("{}: {}", name, status.error().message)};
}

}  // namespace

Status RunPipeline(ByteSource* source, std::string_view name, const PipelineOptions& options,
                   BatchPool* pool, UnitDecoder* decoder, uint64_t* bytes_read,
                   SplitFailure* failure) {
  JsonSplitter splitter(source, pool, options.chunk_size, options.max_unit_bytes,
                        options.stream_trace_bytes);
  Status decode_status = OkStatus();
  Status split_status = OkStatus();

  if (!options.threaded) {
    split_status = splitter.Run([&](std::unique_ptr<Batch> batch) {
      if (decode_status.ok()) decode_status = decoder->DecodeBatch(*batch);
      pool->Release(std::move(batch));
      return decode_status.ok();
    });
  } else {
    BatchQueue queue;
    std::thread reader([&] {
      split_status = splitter.Run(
          [&](std::unique_ptr<Batch> batch) { return queue.Push(std::move(batch), pool); });
      queue.Close();
    });
    decode_status = LaneDecoder(&queue, pool, decoder).Run();
    reader.join();
  }
  *bytes_read += splitter.bytes_read();
  if (!decode_status.ok()) return decode_status;
  if (failure != nullptr && !split_status.ok()) {
    failure->failed = true;
    failure->offset = splitter.error_offset();
    failure->what = split_status.error().message;
    // The splitter's messages start with the offset they name.
    const std::string prefix = fmt::format("byte {}: ", failure->offset);
    if (failure->what.starts_with(prefix)) failure->what.erase(0, prefix.size());
    return OkStatus();
  }
  return WithName(std::move(split_status), name);
}

}  // namespace trace_analyze::input::internal
