#include "reports/text_table.h"

#include <algorithm>

namespace trace_analyze::reports {
namespace {

// Cuts `s` to at most `width` code points, marking the cut with "…".
std::string Truncate(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width || width == 0) return s;
  std::string out;
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts_point = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts_point && ++points == width) break;
    out.push_back(s[i]);
  }
  return out + "…";
}

}  // namespace

size_t DisplayWidth(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void TextTable::Write(std::ostream& out, int indent) const {
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows_.size() + 1);
  std::vector<std::string> header;
  for (const Column& c : columns_) header.push_back(c.header);
  cells.push_back(std::move(header));
  for (const auto& row : rows_) {
    std::vector<std::string> r;
    for (size_t i = 0; i < columns_.size(); ++i) {
      r.push_back(Truncate(i < row.size() ? row[i] : "", columns_[i].max_width));
    }
    cells.push_back(std::move(r));
  }
  std::vector<size_t> widths(columns_.size(), 0);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : cells) {
    std::string line(static_cast<size_t>(indent), ' ');
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(widths[i] - DisplayWidth(row[i]), ' ');
      if (i > 0) line += "  ";
      line += columns_[i].align == Align::kRight ? pad + row[i] : row[i] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

}  // namespace trace_analyze::reports
