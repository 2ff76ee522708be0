#include "analyzer/string_arena.h"

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

void StringArena::Reset() {
  current_ = 0;
  used_ = 0;
}

size_t StringArena::bytes_reserved() const {
  size_t total = 0;
  for (const Block& b : blocks_) total += b.size;
  return total;
}

}  // namespace trace_analyze::analyzer
