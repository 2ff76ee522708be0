#include "reports/collapsed_writer.h"

#include <algorithm>
#include <string>

#include "reports/escape.h"

namespace trace_analyze::reports {
namespace {

// ';' separates frames and '\n' lines in the folded format; the output is
// often read on a terminal, so no control characters either.
std::string Frame(std::string_view name) {
  std::string out = EscapeTerminal(name);
  std::replace(out.begin(), out.end(), ';', ':');
  return out;
}

}  // namespace

void CollapsedWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                                   std::ostream& out) const {
  // analyzer::Summarize already replaced ';' and line breaks in frames.
  for (const auto& [stack, us] : result.profile.stacks) {
    out << EscapeTerminal(stack) << ' ' << us << '\n';
  }
}

void CollapsedWriter::WriteCriticalPath(const analyzer::CriticalPathResult& result,
                                        const WriteOptions&, std::ostream& out) const {
  for (const analyzer::TracePath& t : result.traces) {
    for (const analyzer::PathSpan& s : t.spans) {
      out << "trace " << Frame(t.trace_id) << ';' << Frame(s.name.service) << ';'
          << Frame(s.name.operation) << ' ' << s.critical_us << '\n';
    }
  }
}

void CollapsedWriter::WriteDiff(const analyzer::DiffResult& result, const WriteOptions&,
                                std::ostream& out) const {
  for (const analyzer::StackChange& s : result.stacks) {
    out << EscapeTerminal(s.stack) << ' ' << s.baseline_us << ' ' << s.candidate_us << '\n';
  }
}

}  // namespace trace_analyze::reports
