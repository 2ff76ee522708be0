// NameMemo: a value computed from two of a span's strings (its service and
// its operation or call text), remembered by the strings' addresses for one
// trace. Decoders store a trace's repeated names once
// (formats/short_strings.h), so the spans of one operation mostly share
// their strings, and a detector parameterises and hashes a name once per
// distinct name instead of once per span. Direct-mapped: a miss only costs
// the computation, so results never depend on what is remembered.
#ifndef TRACE_ANALYZE_ANALYZER_NAME_MEMO_H_
#define TRACE_ANALYZE_ANALYZER_NAME_MEMO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trace_analyze::analyzer {

template <class V>
class NameMemo {
 public:
  // Forgets everything: call it for each trace (addresses are reused).
  void Clear() { ++generation_; }

  // The value for (a, b): the one `compute()` gave for the same addresses
  // since Clear(), or compute()'s now.
  template <class Fn>
  V Get(std::string_view a, std::string_view b, Fn&& compute) {
    const auto pa = reinterpret_cast<uintptr_t>(a.data());
    const auto pb = reinterpret_cast<uintptr_t>(b.data());
    const uint64_t h = (pa * 0x9E3779B97F4A7C15ULL) ^ (pb * 0xC2B2AE3D27D4EB4FULL) ^ b.size();
    Slot& slot = slots_[(h * 0xFF51AFD7ED558CCDULL) >> (64 - kSlotBits)];
    if (slot.generation == generation_ && slot.a == a.data() && slot.a_size == a.size() &&
        slot.b == b.data() && slot.b_size == b.size()) {
      return slot.value;
    }
    slot = {a.data(), b.data(), a.size(), b.size(), generation_, compute()};
    return slot.value;
  }

 private:
  static constexpr int kSlotBits = 10;
  struct Slot {
    const char* a = nullptr;
    const char* b = nullptr;
    size_t a_size = 0;
    size_t b_size = 0;
    uint64_t generation = 0;
    V value{};
  };
  std::array<Slot, size_t{1} << kSlotBits> slots_{};
  uint64_t generation_ = 1;  // slots start at 0: empty
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_NAME_MEMO_H_
