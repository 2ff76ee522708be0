// A plain-text table with aligned columns, for the terminal report.
#ifndef TRACE_ANALYZE_REPORTS_TEXT_TABLE_H_
#define TRACE_ANALYZE_REPORTS_TEXT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

namespace trace_analyze::reports {

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kRight;
    size_t max_width = 60;  // longer cells are cut with "…"
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Writes header and rows, each line prefixed by `indent` spaces.
  void Write(std::ostream& out, int indent = 2) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text (code points; no East-Asian-width handling).
size_t DisplayWidth(const std::string& s);

}  // namespace trace_analyze::reports

#endif  // TRACE_ANALYZE_REPORTS_TEXT_TABLE_H_
