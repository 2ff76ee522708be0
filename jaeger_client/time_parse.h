// Times and durations as users and Jaeger write them: RFC 3339 timestamps,
// relative times ("1h" = one hour ago), Go duration strings ("1.5s", "100ms").
// Everything is int64 µs, the model's unit.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_TIME_PARSE_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_TIME_PARSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trace_analyze::jaeger_client {

// A Go-style duration: a sequence of <decimal number><unit> with units ns,
// us, µs, ms, s, m, h, and (our extension) d = 24h; e.g. "1h30m", "1.5s",
// "250us". A bare "0" is zero. Sub-µs parts are truncated. nullopt if invalid
// or negative.
std::optional<int64_t> ParseDurationUs(std::string_view text);

// A point in time: RFC 3339 ("2024-05-01T10:00:00Z", "...T10:00:00.5+02:00"),
// "now", or a duration meaning that long before `now_us` ("1h", "2d").
std::optional<int64_t> ParseTimeUs(std::string_view text, int64_t now_us);

// A time window [start, end), µs.
struct TimeRange {
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// A window as `diff --baseline-window` takes it: "FROM..TO", each end as
// ParseTimeUs reads it ("2024-05-01T10:00:00Z..2024-05-01T10:30:00Z",
// "3h..2h", "90m..now"), or a single duration D meaning "D..now". The result
// may be empty or reversed: callers say why that is wrong.
std::optional<TimeRange> ParseTimeRange(std::string_view text, int64_t now_us);

// RFC 3339 in UTC with µs when non-zero: "2024-05-01T10:00:00.123456Z".
std::string FormatRfc3339(int64_t us);

// A Go duration string Jaeger's servers parse exactly: "1500us".
std::string FormatGoDuration(int64_t us);

// Wall-clock now in µs since the epoch.
int64_t NowUs();

}  // namespace trace_analyze::jaeger_client

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_TIME_PARSE_H_
