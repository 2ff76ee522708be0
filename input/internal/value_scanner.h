// ValueScanner: finds where a JSON value ends, fast and without recursion.
// This is the one hand-written JSON scanner in the project (simdjson does all
// real parsing): it lets us cut a multi-hundred-MB `{"data":[...]}` into
// per-trace slices without parsing it. It tracks strings, escapes and the
// bracket depth (a counter, so 100k nested '[' cost nothing), 64 bytes at a
// time with AVX-512, AVX2 or SSE2, the widest the CPU has. It does not validate: "[}" is
// "balanced"; simdjson rejects such slices later.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_VALUE_SCANNER_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_VALUE_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trace_analyze::input::internal {

class ValueScanner {
 public:
  static constexpr size_t kNotFound = static_cast<size_t>(-1);

  // Starts a new value whose first byte (never whitespace) is `first`.
  void Start(char first);

  // Scans the next bytes of the value: the first call must begin at the
  // value's first byte, later calls continue where the previous one stopped.
  // Returns the number of bytes of `data` that belong to the value when it
  // ends inside `data`, else kNotFound (all of `data` belongs to the value).
  // Scalars (numbers, true, ...) end before the next delimiter, so one that
  // runs to the end of the input is complete: see IsScalar().
  size_t Scan(const char* data, size_t n);

  bool IsScalar() const { return mode_ == Mode::kScalar; }

  // How containers are scanned: 64 bytes per step with SSE2 (every x86-64),
  // AVX2 or AVX-512 (both with PCLMUL and POPCNT for the string masks).
  enum class Kernel : uint8_t { kBaseline, kAvx2, kAvx512 };
  // The widest kernel this CPU runs: every scanner's default.
  static Kernel BestKernel();
  // Scans with `kernel` from now on (for tests and benchmarks); false, and
  // nothing changes, when the CPU lacks it.
  bool UseKernel(Kernel kernel);

 private:
  enum class Mode : uint8_t { kContainer, kString, kScalar };

  size_t ScanContainer(const char* data, size_t n);
  size_t ScanString(const char* data, size_t n);
  static size_t ScanScalar(const char* data, size_t n);

  Mode mode_ = Mode::kContainer;
  bool started_ = false;         // the first byte has been consumed
  int64_t depth_ = 0;            // open brackets, container mode
  uint64_t in_string_ = 0;       // all-ones when the previous block ended inside a string
  bool escape_pending_ = false;  // the previous byte was an unescaped backslash
  Kernel kernel_ = BestKernel();
};

// Length of the JSON value that starts at json[0] (not whitespace), or
// ValueScanner::kNotFound when it does not end within `json`. A scalar that
// runs to the end of `json` is complete.
size_t FindValueEnd(std::string_view json);

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_VALUE_SCANNER_H_
