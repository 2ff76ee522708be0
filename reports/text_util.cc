#include "reports/text_util.h"

#include <fmt/format.h>

namespace trace_analyze::reports {

std::string Heading(const WriteOptions& o, const std::string& text) {
  return o.color ? "\x1b[1m" + text + "\x1b[0m" : text;
}

std::string Plural(uint64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace trace_analyze::reports
