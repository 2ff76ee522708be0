#include "cli/ingest.h"

#include <fmt/format.h>

#include <optional>

#include "cli/jaeger_options.h"
#include "cli/partition_record.h"
#include "input/analysis_lanes.h"
#include "input/input.h"
#include "input/threads.h"

namespace trace_analyze::cli {

Result<IngestResult> Ingest(const IngestOptions& options, analyzer::TraceAnalyzer& analyzer,
                            const AnalyzedTraceCallback& on_trace, std::ostream& err) {
  const bool from_server = options.jaeger != nullptr && options.jaeger->given();
  if (from_server && !options.inputs.empty()) {
    return Error{ErrorCode::kInput, "give either INPUT files or --jaeger URL, not both"};
  }
  if (!from_server && options.inputs.empty()) {
    return Error{ErrorCode::kInput,
                 "no input: give INPUT files or folders (- for stdin), or --jaeger URL with "
                 "--service or --trace-id"};
  }
  input::ReadOptions read;
  read.strict = options.strict;
  read.threads = options.threads;
  read.assembly_memory = options.assembly_memory;
  input::ReadStats stats;
  JaegerRunResult run;
  PartitionShards shards;  // among the input files
  // Traces from a server arrive one at a time, decoded by the client: with
  // more than one thread they are analysed on worker lanes, in order.
  // (Files and stdin resolve the thread count in ReadInputs.)
  std::optional<input::AnalysisLanes> lanes;
  if (from_server) {
    const size_t threads = options.threads > 0 ? options.threads : input::AvailableCores();
    if (threads > 1) lanes.emplace(analyzer, on_trace, threads);
  }
  const formats::TraceCallback submit = [&](analyzer::Trace& trace) -> Status {
    if (lanes) {
      lanes->Submit(trace);
      return OkStatus();
    }
    const analyzer::CriticalPath& path = analyzer.Analyze(trace);
    if (on_trace) on_trace(trace, path);
    return OkStatus();
  };
  if (from_server) {
    Result<JaegerRunResult> fetched = RunJaegerQuery(*options.jaeger, submit, err);
    if (lanes) lanes->Finish();
    if (!fetched.ok()) return fetched.error();
    run = std::move(fetched).value();
    stats = std::move(run.stats);
    if (options.strict && !stats.problems.empty()) {
      return Error{ErrorCode::kInput,
                   fmt::format("--strict: {} (and {} more)", stats.problems.front().ToString(),
                               stats.problems.size() - 1)};
    }
  } else {
    Result<PartitionShards> found = FindPartitionShards(options.inputs);
    if (!found.ok()) return found.error();
    shards = std::move(found).value();
    if (options.strict) {
      for (size_t i = 0; i < shards.records.size(); ++i) {
        const PartitionRecord& r = shards.records[i];
        if (r.problems_total == 0) continue;
        return Error{ErrorCode::kInput,
                     fmt::format("--strict: {}: partition skipped {} of its inputs, the first: {}",
                                 shards.record_paths[i], r.problems_total,
                                 r.problems.empty() ? "" : r.problems.front().ToString())};
      }
    }
    for (const std::string& note : shards.mismatched) {
      err << "trace-analyze: warning: " << note << ": read as an input of its own\n";
    }
    const Status status = input::ReadInputs(options.inputs, read, analyzer, on_trace, &stats);
    if (!status.ok()) return status.error();
  }

  IngestResult result;
  result.input.server = run.server;
  result.input.ui_url = run.ui_url;
  result.input.partial = !run.partial_reasons.empty();
  result.input.partial_reasons = run.partial_reasons;
  result.incomplete = run.incomplete;
  result.input.files = stats.files;
  result.input.bytes = stats.bytes;
  result.input.problems_total = stats.problems_total;
  for (const input::InputProblem& p : stats.problems) {
    const std::string text = p.ToString();
    if (result.input.problems.size() < kMaxListedProblems) {
      err << "trace-analyze: warning: skipped " << text << '\n';
      result.input.problems.push_back(text);
      result.problem_origins.emplace_back(p.source, p.offset);
    }
  }
  if (stats.problems_total > kMaxListedProblems) {
    err << fmt::format("trace-analyze: warning: … and {} more skipped\n",
                       stats.problems_total - kMaxListedProblems);
  }
  // Partition shards count as the inputs `partition` read, once per
  // partition (with its first shard); their problems were warned about by
  // `partition`.
  result.input.files -= shards.files;
  result.input.bytes -= shards.bytes;
  for (const PartitionRecord& r : shards.records) {
    result.input.files += r.files;
    result.input.bytes += r.bytes;
    result.input.problems_total += r.problems_total;
    for (const input::InputProblem& p : r.problems) {
      if (result.input.problems.size() == kMaxListedProblems) break;
      result.input.problems.push_back(p.ToString());
      result.problem_origins.emplace_back(p.source, p.offset);
    }
    stats.quality.Merge(r.quality);
  }
  result.quality = analyzer.profile().quality();
  result.quality.Merge(stats.quality);
  if (from_server && analyzer.profile().traces() == 0 && run.incomplete) {
    return Error{ErrorCode::kBackend,
                 fmt::format("no trace could be fetched from {}: {}", run.server,
                             run.partial_reasons.empty() ? "" : run.partial_reasons.front())};
  }
  if (from_server && analyzer.profile().traces() == 0) {
    const std::string& label = options.jaeger->label;
    err << "trace-analyze: warning: " << (label.empty() ? "" : label + ": ")
        << "no trace matched the query on " << run.server << '\n';
  }
  if (analyzer.profile().traces() == 0 && !stats.problems.empty()) {
    return Error{ErrorCode::kInput,
                 fmt::format("no trace could be read ({} skipped); first problem: {}",
                             stats.problems_total, stats.problems.front().ToString())};
  }
  return result;
}

}  // namespace trace_analyze::cli
