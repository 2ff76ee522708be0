#include "analyzer/string_arena.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace trace_analyze::analyzer {

char* StringArena::AllocateSlow(size_t n) {
  while (current_ < blocks_.size()) {
    Block& b = blocks_[current_];
    if (b.size - used_ >= n) {
      char* p = b.data.get() + used_;
      used_ += n;
      return p;
    }
    ++current_;
    used_ = 0;
  }
  const size_t size = n > kBlockSize ? n : kBlockSize;
  blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), size});
  current_ = blocks_.size() - 1;
  used_ = n;
  return blocks_.back().data.get();
}

void StringArena::Adopt(StringArena&& other) {
  // Only blocks [0, other.current_] hold strings; the rest stay with `other`.
  const size_t used = std::min(other.blocks_.size(), other.current_ + 1);
  for (size_t i = 0; i < used; ++i) adopted_.push_back(std::move(other.blocks_[i]));
  other.blocks_.erase(other.blocks_.begin(), other.blocks_.begin() + static_cast<ptrdiff_t>(used));
  for (Block& b : other.adopted_) adopted_.push_back(std::move(b));
  other.adopted_.clear();
  other.current_ = 0;
  other.used_ = 0;
}

void StringArena::Reset() {
  // Freed rather than kept: an arena that adopts keeps adopting, so keeping
  // them would grow it with every assembled trace.
  adopted_.clear();
  current_ = 0;
  used_ = 0;
}

size_t StringArena::bytes_reserved() const {
  size_t total = 0;
  for (const Block& b : blocks_) total += b.size;
  for (const Block& b : adopted_) total += b.size;
  return total;
}

}  // namespace trace_analyze::analyzer
