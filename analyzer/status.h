// Error and Result<T>: how operational failures (unreadable file, malformed
// document, backend error) cross module boundaries. Data anomalies are not
// errors: they are counted in DataQuality. Bugs are asserts.
#ifndef TRACE_ANALYZE_ANALYZER_STATUS_H_
#define TRACE_ANALYZE_ANALYZER_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace trace_analyze {

// Maps one-to-one onto the CLI's documented exit codes.
enum class ErrorCode {
  kInput = 2,    // unreadable or malformed input, bad usage
  kBackend = 3,  // network / server failure
};

struct Error {
  ErrorCode code = ErrorCode::kInput;
  std::string message;  // names the file/server, the trace and the problem
};

// C++20 stand-in for std::expected<T, Error>.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result for operations that produce nothing on success.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace trace_analyze

#endif  // TRACE_ANALYZE_ANALYZER_STATUS_H_
