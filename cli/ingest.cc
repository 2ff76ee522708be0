#include "cli/ingest.h"

#include <fmt/format.h>

#include "jaeger_client/input.h"

namespace trace_analyze::cli {
namespace {

constexpr size_t kMaxListedProblems = 20;

}  // namespace

Result<IngestResult> Ingest(const IngestOptions& options, analyzer::TraceAnalyzer& analyzer,
                            const AnalyzedTraceCallback& on_trace, std::ostream& err) {
  jaeger::ReadOptions read;
  read.strict = options.strict;
  jaeger::ReadStats stats;
  const Status status = jaeger::ReadInputs(
      options.inputs, read,
      [&](analyzer::Trace& trace) -> Status {
        const analyzer::CriticalPath& path = analyzer.Analyze(trace);
        if (on_trace) on_trace(trace, path);
        return OkStatus();
      },
      &stats);
  if (!status.ok()) return status.error();

  IngestResult result;
  result.input.files = stats.files;
  result.input.bytes = stats.bytes;
  result.input.problems_total = stats.problems.size();
  for (const jaeger::InputProblem& p : stats.problems) {
    const std::string text = p.ToString();
    if (result.input.problems.size() < kMaxListedProblems) {
      err << "trace-analyze: warning: skipped " << text << '\n';
      result.input.problems.push_back(text);
    }
  }
  if (stats.problems.size() > kMaxListedProblems) {
    err << fmt::format("trace-analyze: warning: … and {} more skipped\n",
                       stats.problems.size() - kMaxListedProblems);
  }
  result.quality = analyzer.profile().quality();
  result.quality.Merge(stats.quality);
  if (analyzer.profile().traces() == 0 && !stats.problems.empty()) {
    return Error{ErrorCode::kInput,
                 fmt::format("no trace could be read ({} skipped); first problem: {}",
                             stats.problems.size(), stats.problems.front().ToString())};
  }
  return result;
}

}  // namespace trace_analyze::cli
