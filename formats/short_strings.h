// ShortStrings: stores the short strings that repeat from span to span
// (attribute keys, enumeration-like values, operation names, process ids)
// once per trace. A decoder copies every string of a span into the trace's
// arena; for these, most copies would repeat one already made, and a giant
// trace's arena is a quarter of its memory.
#ifndef TRACE_ANALYZE_FORMATS_SHORT_STRINGS_H_
#define TRACE_ANALYZE_FORMATS_SHORT_STRINGS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "analyzer/bytes_equal.h"
#include "analyzer/string_arena.h"

namespace trace_analyze::formats {

using analyzer::BytesEqual;

class ShortStrings {
 public:
  // Longer strings are always copied: they rarely repeat (ids, URLs,
  // statements) and comparing them costs more than copying.
  static constexpr size_t kMaxBytes = 32;

  // Forgets every string kept: call it whenever the arena it stored into is
  // reset or replaced (a new trace, a new part of one).
  void Clear() { ++generation_; }

  // A view of `s` in `arena`: the copy made by an earlier call since Clear()
  // when there is one in its slot (a direct-mapped cache: a collision only
  // costs a copy), else a new copy.
  std::string_view Store(std::string_view s, analyzer::StringArena* arena) {
    if (s.empty() || s.size() > kMaxBytes) return arena->Store(s);
    Slot& slot = slots_[Index(s)];
    if (slot.generation == generation_ && BytesEqual(slot.text, s)) {
      return slot.text;
    }
    slot = {arena->Store(s), generation_};
    return slot.text;
  }

 private:
  static constexpr int kSlotBits = 9;
  struct Slot {
    std::string_view text;
    uint64_t generation = 0;
  };

  // From the first and last (up to) 8 bytes and the length.
  static size_t Index(std::string_view s) {
    uint64_t head = 0;
    uint64_t tail = 0;
    const size_t n = s.size() < 8 ? s.size() : 8;
    std::memcpy(&head, s.data(), n);
    std::memcpy(&tail, s.data() + s.size() - n, n);
    const uint64_t h = (head * 0x9E3779B97F4A7C15ULL) ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ s.size();
    return static_cast<size_t>((h * 0xFF51AFD7ED558CCDULL) >> (64 - kSlotBits));
  }

  std::array<Slot, size_t{1} << kSlotBits> slots_{};
  uint64_t generation_ = 1;  // slots start at 0: empty
};

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_SHORT_STRINGS_H_
