#include "input/internal/pipeline.h"

#include <fmt/format.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
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
// small traces do not pay a thread hand-off each and big ones balance well
// (docs/performance.md, "Claim size").
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
//
// A decoded claim does not wait for its turn: it is left ready (in one of
// its lane's two slot sets) and committed by whichever thread commits the
// claim before it, while its lane decodes its next claim. Only a lane whose
// two sets both wait for their turn stops; so a lane that finished early
// keeps working instead of idling until a slower lane's claim is committed.
class LaneDecoder {
 public:
  LaneDecoder(BatchQueue* queue, BatchPool* pool, UnitDecoder* decoder)
      : queue_(queue), pool_(pool), decoder_(decoder), sets_busy_(decoder->lanes()) {}

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
    ready_.clear();
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
    size_t lane = 0;  // whose slot set `set` holds the decoded units (ahead)
    size_t set = 0;
  };
  // A lane's slot sets: claims it may have in flight.
  static constexpr size_t kSets = std::tuple_size_v<decltype(UnitDecoder::Lane::slot_sets)>;
  static constexpr size_t kNoSet = kSets;

  // The batch holding the next unclaimed unit, or null. Requires mu_.
  Active* NextUnclaimed() {
    for (Active& a : active_) {
      if (a.claimed < a.batch->units.size()) return &a;
    }
    return nullptr;
  }

  // A slot set of `lane` not holding a claim, or kNoSet. Requires mu_.
  size_t FreeSet(size_t lane) const {
    for (size_t set = 0; set < kSets; ++set) {
      if (!sets_busy_[lane][set]) return set;
    }
    return kNoSet;
  }

  // Claims the next run of units; false when there are none left (or after
  // a failure). Any thread pops the next batch off the queue when every unit
  // is claimed; only the main thread claims units that cannot be decoded
  // ahead, and a claim to decode ahead needs a free slot set of the
  // claiming lane.
  bool ClaimNext(bool main, size_t lane, Claim* claim) {
    std::unique_lock lock(mu_);
    for (;;) {
      if (stop_) return false;
      Active* a = NextUnclaimed();
      if (a == nullptr && !input_done_ && !popping_) {
        // One thread at a time pops, so batches join active_ in input order.
        popping_ = true;
        lock.unlock();
        std::unique_ptr<Batch> batch = queue_->Pop();
        lock.lock();
        popping_ = false;
        if (batch == nullptr || stop_) {
          if (batch != nullptr) pool_->Release(std::move(batch));
          input_done_ = true;
          changed_.notify_all();
          return false;
        }
        if (batch->units.empty()) {
          pool_->Release(std::move(batch));
          changed_.notify_all();  // another thread may pop now
          continue;
        }
        const size_t n = batch->units.size();
        active_.push_back({std::move(batch), 0, 0, next_seq_});
        next_seq_ += n;
        changed_.notify_all();
        continue;
      }
      if (a != nullptr) {
        const std::vector<Unit>& units = a->batch->units;
        const bool ahead = UnitDecoder::CanDecodeAhead(units[a->claimed]);
        const size_t set = ahead ? FreeSet(lane) : kNoSet;
        if ((ahead && set != kNoSet) || (!ahead && main)) {
          *claim = {a->batch.get(), a->claimed, 0, a->first_seq + a->claimed, ahead, lane, set};
          if (ahead) sets_busy_[lane][set] = true;
          size_t bytes = 0;
          do {
            bytes += units[a->claimed].end - units[a->claimed].begin;
            ++a->claimed;
            ++claim->count;
          } while (ahead && a->claimed < units.size() && claim->count < kMaxClaimUnits &&
                   bytes < kClaimBytes && UnitDecoder::CanDecodeAhead(units[a->claimed]));
          changed_.notify_all();  // the next claim may be another thread's
          return true;
        }
      } else if (input_done_) {
        return false;
      }
      // Nothing this thread may claim yet: commit what is ready meanwhile
      // (its own sets free up so), else wait for a change.
      if (!CommitReady(lock)) changed_.wait(lock);
    }
  }

  // Claims, decodes (and prepares) and commits until the input is done, with
  // lane `lane_index`.
  void Work(bool main, size_t lane_index) {
    UnitDecoder::Lane* lane = decoder_->lane(lane_index);
    Claim claim;
    while (ClaimNext(main, lane_index, &claim)) {
      if (claim.ahead) {
        std::vector<UnitDecoder::Decoded>& slots = lane->slot_sets[claim.set];
        if (slots.size() < claim.count) slots.resize(claim.count);
        for (size_t i = 0; i < claim.count; ++i) {
          UnitDecoder::DecodeAhead(*claim.batch, claim.batch->units[claim.first + i], lane,
                                   &slots[i]);
          decoder_->PrepareAhead(lane_index, &slots[i]);
        }
        std::unique_lock lock(mu_);
        ready_.emplace(claim.seq, claim);
        CommitReady(lock);
      } else if (!CommitInTurn(claim)) {
        return;
      }
    }
  }

  // Commits the ready claims from next_commit_ on, in order, unless another
  // thread is committing: every thread that ends a commit calls this again,
  // so a claim left ready is never forgotten. Returns whether it committed
  // any. Requires `lock` on mu_; releases it while committing.
  bool CommitReady(std::unique_lock<std::mutex>& lock) {
    bool any = false;
    for (auto it = ready_.find(next_commit_); !committing_ && !stop_ && it != ready_.end();
         it = ready_.find(next_commit_)) {
      const Claim claim = it->second;
      ready_.erase(it);
      committing_ = true;
      lock.unlock();
      std::vector<UnitDecoder::Decoded>& slots = decoder_->lane(claim.lane)->slot_sets[claim.set];
      Status status = OkStatus();
      for (size_t i = 0; i < claim.count && status.ok(); ++i) {
        status =
            decoder_->CommitAhead(*claim.batch, claim.batch->units[claim.first + i], &slots[i]);
      }
      lock.lock();
      sets_busy_[claim.lane][claim.set] = false;
      Committed(claim, std::move(status));
      any = true;
    }
    return any;
  }

  // Waits for the turn of `claim` (not decoded ahead: the main thread's),
  // committing ready claims before it meanwhile, and decodes its units in
  // turn; false after a failure.
  bool CommitInTurn(const Claim& claim) {
    std::unique_lock lock(mu_);
    while (!stop_ && (committing_ || next_commit_ != claim.seq)) {
      if (!CommitReady(lock)) changed_.wait(lock);
    }
    if (stop_) return false;
    committing_ = true;
    lock.unlock();
    Status status = OkStatus();
    for (size_t i = 0; i < claim.count && status.ok(); ++i) {
      status = decoder_->DecodeUnit(*claim.batch, claim.batch->units[claim.first + i]);
    }
    lock.lock();
    Committed(claim, std::move(status));
    // Claims made ready meanwhile found the commit taken: commit them now.
    CommitReady(lock);
    return !stop_;
  }

  // Records that `claim` was committed with `status`. Requires mu_ and
  // committing_ (cleared).
  void Committed(const Claim& claim, Status status) {
    committing_ = false;
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
    }
    changed_.notify_all();
  }

  BatchQueue* queue_;
  BatchPool* pool_;
  UnitDecoder* decoder_;
  std::mutex mu_;
  // Any change a waiting thread may wait for: a batch, a claim, a commit, the
  // end of the input, a failure.
  std::condition_variable changed_;
  std::deque<Active> active_;  // popped batches not fully committed, in order
  // Claims decoded ahead and waiting for their turn, by sequence number.
  std::map<uint64_t, Claim> ready_;
  // Per lane, whether each of its slot sets holds a claim (decoding or ready).
  std::vector<std::array<bool, kSets>> sets_busy_;
  uint64_t next_seq_ = 0;     // sequence number of the next popped batch's first unit
  uint64_t next_commit_ = 0;  // sequence number of the next unit to commit
  bool committing_ = false;   // a thread is committing (the decoder's serial side)
  bool popping_ = false;      // a thread is popping the next batch
  bool input_done_ = false;   // the queue is drained (or abandoned)
  bool stop_ = false;         // a commit failed: status_
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
