// StringArena: owns the bytes behind the string_views of one Trace.
// Reset() rewinds without freeing, so a reused Trace allocates nothing in the
// steady state (fresh memory's page faults are costly: docs/performance.md).
// Views stay valid until Reset() or destruction; moving
// the arena keeps them valid because blocks are heap-allocated.
#ifndef TRACE_ANALYZE_ANALYZER_STRING_ARENA_H_
#define TRACE_ANALYZE_ANALYZER_STRING_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace trace_analyze::analyzer {

class StringArena {
 public:
  StringArena() = default;
  StringArena(StringArena&&) noexcept = default;
  StringArena& operator=(StringArena&&) noexcept = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;

  // Copies `s` into the arena and returns a view of the copy. Inline: the
  // decoders call it for most strings of every span (~9 times a span).
  std::string_view Store(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // Returns a writable region of `n` bytes (for building strings in place).
  // Inline fast path: this runs for every string of every decoded span.
  char* Allocate(size_t n) {
    if (current_ < blocks_.size() && blocks_[current_].size - used_ >= n) {
      char* p = blocks_[current_].data.get() + used_;
      used_ += n;
      return p;
    }
    return AllocateSlow(n);
  }

  // Takes over every string `other` holds: views into it stay valid, now
  // owned by this arena (until its Reset()); `other` is left empty. Costs no
  // copy: a trace assembled from parts decoded on several threads keeps
  // their strings where they were written.
  void Adopt(StringArena&& other);

  // Forgets all stored strings; keeps the memory for reuse.
  void Reset();

  size_t bytes_reserved() const;

 private:
  char* AllocateSlow(size_t n);

  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  static constexpr size_t kBlockSize = size_t{64} * 1024;

  std::vector<Block> blocks_;
  // Blocks taken over by Adopt(): never written to; freed by Reset().
  std::vector<Block> adopted_;
  size_t current_ = 0;  // index of the block being filled
  size_t used_ = 0;     // bytes used in blocks_[current_]
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_STRING_ARENA_H_
