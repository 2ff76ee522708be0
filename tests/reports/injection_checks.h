// Format well-formedness checks shared by the injection tests: what must hold
// for a report whatever names the input carried.
#ifndef TRACE_ANALYZE_TESTS_REPORTS_INJECTION_CHECKS_H_
#define TRACE_ANALYZE_TESTS_REPORTS_INJECTION_CHECKS_H_

#include <algorithm>
#include <cstddef>
#include <regex>
#include <sstream>
#include <string>

#include "reports/escape.h"

namespace trace_analyze::reports::testing {

inline bool IsValidUtf8(const std::string& s) { return ToValidUtf8(s) == s; }

inline size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// Raw C0 controls or DEL other than '\n' (and '\t' when allowed).
inline bool HasControlCharacters(const std::string& s, bool allow_tab) {
  for (unsigned char c : s) {
    if (c == '\n' || (allow_tab && c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Lines that open and close <details> blocks (names may only show
// "</details>" escaped or inside a code span, never at a line start).
inline bool DetailsBlocksPaired(const std::string& md) {
  std::istringstream all(md);
  std::string l;
  size_t opened = 0, closed = 0;
  while (std::getline(all, l)) {
    const std::string trimmed = l.substr(std::min(l.find_first_not_of(' '), l.size()));
    opened += trimmed.rfind("<details>", 0) == 0 ? 1 : 0;
    closed += trimmed.rfind("</details>", 0) == 0 ? 1 : 0;
  }
  return opened == closed;
}

// The first table row whose count of unescaped '|' differs from its
// table's header row; "" when every table is consistent.
inline std::string InconsistentTableRow(const std::string& md) {
  std::istringstream lines(md);
  std::string line;
  size_t columns = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    size_t pipes = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') {
        ++i;
      } else if (line[i] == '|') {
        ++pipes;
      }
    }
    if (columns == 0) columns = pipes;
    if (pipes != columns) return line;
  }
  return "";
}

// The first line of an OpenMetrics document that is neither a comment nor a
// sample `name{label="value",…} number` (label values with only \\ and \"
// escapes), or that follows "# EOF"; "no # EOF" when the document does not
// end with it; "" when well-formed.
inline std::string MalformedOpenMetricsLine(const std::string& text) {
  static const std::regex kSample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"])*")"
      R"((,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"])*")*\})? -?[0-9.e+-]+$)");
  std::istringstream lines(text);
  std::string line;
  bool eof = false;
  while (std::getline(lines, line)) {
    if (eof) return line;
    if (line == "# EOF") {
      eof = true;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0 ||
        line.rfind("# UNIT ", 0) == 0) {
      continue;
    }
    if (!std::regex_match(line, kSample)) return line;
  }
  return eof ? "" : "no # EOF";
}

}  // namespace trace_analyze::reports::testing

#endif  // TRACE_ANALYZE_TESTS_REPORTS_INJECTION_CHECKS_H_
