#include "jaeger_client/time_parse.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

namespace trace_analyze::jaeger_client {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` digits at text[*pos].
bool Digits(std::string_view text, size_t* pos, size_t n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || (text[*pos] != c && !(c == 'T' && text[*pos] == 't'))) return false;
  ++*pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == ' ') {
    ++pos;  // "2024-05-01 10:00:00Z" is common in shells
  } else if (!Expect(text, &pos, 'T')) {
    return std::nullopt;
  }
  if (!Digits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t frac_us = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t begin = pos;
    while (pos < text.size() && IsDigit(text[pos])) {
      frac_us += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == begin) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om)) {
      return std::nullopt;
    }
    offset_s = sign * (int64_t{oh} * 3600 + int64_t{om} * 60);
  } else {
    return std::nullopt;  // RFC 3339 requires a zone
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t secs =
      days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset_s;
  return secs * 1000000 + frac_us;
}

}  // namespace

std::optional<int64_t> ParseDurationUs(std::string_view text) {
  if (text == "0") return 0;
  if (text.empty()) return std::nullopt;
  double total_us = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t begin = pos;
    while (pos < text.size() && (IsDigit(text[pos]) || text[pos] == '.')) ++pos;
    if (pos == begin) return std::nullopt;
    const std::string number(text.substr(begin, pos - begin));
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return std::nullopt;
    const size_t unit_begin = pos;
    while (pos < text.size() && !IsDigit(text[pos]) && text[pos] != '.') ++pos;
    const std::string_view unit = text.substr(unit_begin, pos - unit_begin);
    double scale = 0;
    if (unit == "ns") {
      scale = 1e-3;
    } else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") {
      scale = 1;
    } else if (unit == "ms") {
      scale = 1e3;
    } else if (unit == "s") {
      scale = 1e6;
    } else if (unit == "m") {
      scale = 60e6;
    } else if (unit == "h") {
      scale = 3600e6;
    } else if (unit == "d") {
      scale = 86400e6;
    } else {
      return std::nullopt;
    }
    total_us += value * scale;
  }
  if (!(total_us >= 0 && total_us < 9e18)) return std::nullopt;
  return static_cast<int64_t>(total_us);
}

std::optional<int64_t> ParseTimeUs(std::string_view text, int64_t now_us) {
  if (text == "now") return now_us;
  if (std::optional<int64_t> abs = ParseRfc3339(text)) return abs;
  if (std::optional<int64_t> ago = ParseDurationUs(text)) return now_us - *ago;
  return std::nullopt;
}

std::optional<TimeRange> ParseTimeRange(std::string_view text, int64_t now_us) {
  const size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    std::optional<int64_t> length = ParseDurationUs(text);
    if (!length) return std::nullopt;
    return TimeRange{now_us - *length, now_us};
  }
  if (text.find("..", dots + 1) != std::string_view::npos) return std::nullopt;  // "1h...2h"
  std::optional<int64_t> from = ParseTimeUs(text.substr(0, dots), now_us);
  std::optional<int64_t> to = ParseTimeUs(text.substr(dots + 2), now_us);
  if (!from || !to) return std::nullopt;
  return TimeRange{*from, *to};
}

std::string FormatRfc3339(int64_t us) {
  int64_t secs = us / 1000000;
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // Civil from days (H. Hinnant).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600,
                                rem / 60 % 60, rem % 60);
  if (frac != 0) out += fmt::format(".{:06}", frac);
  out += 'Z';
  return out;
}

std::string FormatGoDuration(int64_t us) { return fmt::format("{}us", us); }

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace trace_analyze::jaeger_client
