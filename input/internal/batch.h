// Batches: the hand-off between the splitter (reads and cuts input into
// decodable units) and the decoders. A batch owns a reused, padded buffer of
// input bytes and the list of units found in it. Buffers are recycled through
// a BatchPool, so steady-state reading allocates nothing.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_BATCH_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "formats/trace_format.h"
#include "input/sniff.h"

namespace trace_analyze::input::internal {

struct Unit {
  UnitType type;
  size_t begin = 0;  // byte range in Batch::data()
  size_t end = 0;
  uint64_t offset = 0;      // input offset of `begin` (uncompressed bytes)
  uint32_t first_span = 0;  // kTraceSpans: the run's first span's index in its array
};

// A growable byte buffer with kPadding readable bytes after its capacity, as
// simdjson requires. Large buffers are backed by transparent huge pages when
// the kernel allows it: first-touch page faults dominate reading otherwise.
class PaddedBuffer {
 public:
  static constexpr size_t kPadding = 64;

  PaddedBuffer() = default;
  PaddedBuffer(PaddedBuffer&&) noexcept = default;
  PaddedBuffer& operator=(PaddedBuffer&&) noexcept = default;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t capacity() const { return capacity_; }

  // Ensures capacity() >= n. Contents are not preserved.
  void Reserve(size_t n);
  // Reserve(n), and frees a buffer more than twice as big first: one grown
  // for a big unit does not stay big in the pool (contents are not preserved).
  void Fit(size_t n);

 private:
  struct Free {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, Free> data_;
  size_t capacity_ = 0;
};

struct Batch {
  PaddedBuffer buffer;
  size_t size = 0;  // valid bytes in buffer
  std::vector<Unit> units;

  std::string_view Bytes(const Unit& u) const { return {buffer.data() + u.begin, u.end - u.begin}; }
  // Bytes available after `u` (incl. padding), for simdjson's padding check.
  size_t CapacityFrom(const Unit& u) const {
    return buffer.capacity() + PaddedBuffer::kPadding - u.begin;
  }
};

// Thread-safe free list of batches. Acquire() reuses a returned batch when
// one is free, so the number of live batches is bounded by how many the
// pipeline keeps in flight.
class BatchPool {
 public:
  std::unique_ptr<Batch> Acquire();
  void Release(std::unique_ptr<Batch> batch);

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Batch>> free_;
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_BATCH_H_
