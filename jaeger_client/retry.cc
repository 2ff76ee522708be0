#include "jaeger_client/retry.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

namespace trace_analyze::jaeger_client {

int64_t BackoffMs(const RetryPolicy& policy, int attempt) {
  int64_t d = std::max<int64_t>(policy.initial_backoff_ms, 0);
  for (int i = 1; i < attempt && d < policy.max_backoff_ms; ++i) d *= 2;
  d = std::min(d, std::max<int64_t>(policy.max_backoff_ms, 0));
  if (d <= 1) return d;
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  return std::uniform_int_distribution<int64_t>(d / 2, d)(rng);
}

void SleepMs(int64_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace trace_analyze::jaeger_client
