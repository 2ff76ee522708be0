#include "jaeger_client/pipeline.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "jaeger_client/json_splitter.h"

namespace trace_analyze::jaeger {
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

Status WithName(Status status, std::string_view name) {
  if (status.ok()) return status;
  return Error{status.error().code, fmt::format("{}: {}", name, status.error().message)};
}

}  // namespace

Status RunPipeline(ByteSource* source, std::string_view name, const PipelineOptions& options,
                   BatchPool* pool, UnitDecoder* decoder, uint64_t* bytes_read,
                   SplitFailure* failure) {
  JsonSplitter splitter(source, pool, options.chunk_size, options.max_unit_bytes);
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
    while (std::unique_ptr<Batch> batch = queue.Pop()) {
      if (decode_status.ok()) {
        decode_status = decoder->DecodeBatch(*batch);
        if (!decode_status.ok()) queue.Cancel();
      }
      pool->Release(std::move(batch));
    }
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

}  // namespace trace_analyze::jaeger
