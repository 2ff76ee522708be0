#include "reports/collapsed_writer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "reports/escape.h"
#include "reports/spill_buffer.h"

namespace trace_analyze::reports {
namespace {

// ';' separates frames and '\n' lines in the folded format; the output is
// often read on a terminal, so no control characters either.
std::string Frame(std::string_view name) {
  std::string out = EscapeTerminal(name);
  std::replace(out.begin(), out.end(), ';', ':');
  return out;
}

// Lines only, no head. They wait in a spill buffer like every format's
// traces: the output stream is only given to Finish.
class CollapsedCriticalPathSink : public CriticalPathSink {
 public:
  explicit CollapsedCriticalPathSink(const WriteOptions& o) : lines_(o.spill_bytes) {}

  void Add(const analyzer::TracePath& t) override {
    line_.clear();
    const std::string trace = "trace " + Frame(t.trace_id) + ';';
    for (const analyzer::PathSpan& s : t.spans) {
      line_ += trace;
      line_ += Frame(s.name.service);
      line_ += ';';
      line_ += Frame(s.name.operation);
      line_ += ' ';
      line_ += std::to_string(s.critical_us);
      line_ += '\n';
    }
    lines_.Append(line_);
  }

  Status Finish(const analyzer::CriticalPathSummary&, std::ostream& out) override {
    return lines_.CopyTo(out);
  }

 private:
  std::string line_;  // one trace's lines, reused
  SpillBuffer lines_;
};

}  // namespace

void CollapsedWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                                   std::ostream& out) const {
  // analyzer::Summarize already replaced ';' and line breaks in frames.
  for (const auto& [stack, us] : result.profile.stacks) {
    out << EscapeTerminal(stack) << ' ' << us << '\n';
  }
}

std::unique_ptr<CriticalPathSink> CollapsedWriter::NewCriticalPathSink(const WriteOptions& options,
                                                                       std::string_view) const {
  return std::make_unique<CollapsedCriticalPathSink>(options);
}

void CollapsedWriter::WriteDiff(const analyzer::DiffResult& result, const WriteOptions&,
                                std::ostream& out) const {
  for (const analyzer::StackChange& s : result.stacks) {
    out << EscapeTerminal(s.stack) << ' ' << s.baseline_us << ' ' << s.candidate_us << '\n';
  }
}

}  // namespace trace_analyze::reports
