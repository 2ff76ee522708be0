// Retrying idempotent calls: exponential backoff with jitter on errors that may
// go away (IsRetryable), never on "not found", "bad request" or TLS failures.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_RETRY_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_RETRY_H_

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "jaeger_client/call_result.h"
#include "jaeger_client/client_options.h"

namespace trace_analyze::jaeger_client {

// The pause before attempt `attempt` + 1 (attempt >= 1): a uniformly random
// value in [d/2, d] where d = min(max, initial * 2^(attempt-1)). Spreading the
// pauses keeps many clients from retrying in lock-step.
int64_t BackoffMs(const RetryPolicy& policy, int attempt);

// Sleeps for `ms` milliseconds.
void SleepMs(int64_t ms);

// Runs `call` until it succeeds, fails with a non-retryable error, or
// policy.max_attempts calls were made. A final retryable failure gets
// " (after N attempts)" appended. `log` (may be empty) hears about each retry.
template <class T>
CallResult<T> WithRetries(const RetryPolicy& policy,
                          const std::function<void(std::string_view)>& log,
                          const std::function<CallResult<T>()>& call) {
  const int attempts = policy.max_attempts < 1 ? 1 : policy.max_attempts;
  for (int attempt = 1;; ++attempt) {
    CallResult<T> result = call();
    if (result.ok() || !IsRetryable(result.error().kind)) return result;
    if (attempt >= attempts) {
      if (attempts > 1) result.error().message += fmt::format(" (after {} attempts)", attempts);
      return result;
    }
    const int64_t pause = BackoffMs(policy, attempt);
    if (log) {
      log(fmt::format("retrying in {} ms (attempt {} of {}): {}", pause, attempt + 1, attempts,
                      result.error().message));
    }
    SleepMs(pause);
  }
}

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_RETRY_H_
