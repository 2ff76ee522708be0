#include "reports/collapsed_writer.h"

#include <string>

namespace trace_analyze::reports {
namespace {

// ';' separates frames and '\n' lines in the folded format.
std::string Frame(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(c == ';' ? ':' : (c == '\n' || c == '\r') ? ' ' : c);
  return out;
}

}  // namespace

void CollapsedWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                                   std::ostream& out) const {
  for (const auto& [stack, us] : result.profile.stacks) out << stack << ' ' << us << '\n';
}

void CollapsedWriter::WriteCriticalPath(const analyzer::CriticalPathResult& result,
                                        const WriteOptions&, std::ostream& out) const {
  for (const analyzer::TracePath& t : result.traces) {
    for (const analyzer::PathSpan& s : t.spans) {
      out << "trace " << Frame(t.trace_id) << ';' << Frame(s.service) << ';' << Frame(s.operation)
          << ' ' << s.critical_us << '\n';
    }
  }
}

void CollapsedWriter::WriteDiff(const analyzer::DiffResult& result, const WriteOptions&,
                                std::ostream& out) const {
  for (const analyzer::StackChange& s : result.stacks) {
    out << s.stack << ' ' << s.baseline_us << ' ' << s.candidate_us << '\n';
  }
}

}  // namespace trace_analyze::reports
