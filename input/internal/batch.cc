#include "input/internal/batch.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace trace_analyze::input::internal {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

void PaddedBuffer::Free::operator()(char* p) const { std::free(p); }

void PaddedBuffer::Reserve(size_t n) {
  if (n <= capacity_ && data_ != nullptr) return;
  const size_t bytes = n + kPadding;
  char* p = nullptr;
  if (bytes >= kHugePage) {
    // Round up to whole huge pages so the kernel can back them with THP.
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    p = static_cast<char*>(std::aligned_alloc(kHugePage, rounded));
#ifdef MADV_HUGEPAGE
    if (p != nullptr) ::madvise(p, rounded, MADV_HUGEPAGE);
#endif
    n = rounded - kPadding;
  } else {
    p = static_cast<char*>(std::malloc(bytes));
  }
  if (p == nullptr) throw std::bad_alloc();
  // The padding is never parsed, but keep it defined for sanitizers.
  std::memset(p + n, 0, kPadding);
  data_.reset(p);
  capacity_ = n;
}

void PaddedBuffer::Fit(size_t n) {
  if (data_ != nullptr && capacity_ > 2 * std::max(n, kHugePage)) {
    data_.reset();
    capacity_ = 0;
  }
  Reserve(n);
}

std::unique_ptr<Batch> BatchPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      std::unique_ptr<Batch> b = std::move(free_.back());
      free_.pop_back();
      b->size = 0;
      b->units.clear();
      return b;
    }
  }
  return std::make_unique<Batch>();
}

void BatchPool::Release(std::unique_ptr<Batch> batch) {
  if (batch == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(std::move(batch));
}

}  // namespace trace_analyze::input::internal
