// `trace-analyze critical-path`: the critical path of each trace.
#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "cli/jaeger_options.h"
#include "formats/ids.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct CriticalPathOptions {
  CommonOptions common;
  std::vector<std::string> trace_ids;
};

}  // namespace

Command AddCriticalPathCommand(CLI::App& app) {
  auto options = std::make_shared<CriticalPathOptions>();
  CLI::App* cmd = app.add_subcommand("critical-path", "The critical path of each trace");
  AddCommonOptions(*cmd, options->common);
  cmd->add_option("--trace,-t", options->trace_ids,
                  "Only this trace (repeatable; any id spelling: 16/32 hex digits, any case)")
      ->type_name("ID");
  cmd->footer(R"(Examples:
  trace-analyze critical-path trace.json
  trace-analyze critical-path traces/ --trace 4bf92f3577b34da6 --format json
  trace-analyze critical-path traces.json --cp-mode causal
  trace-analyze critical-path --jaeger http://localhost:16686 --trace 4bf92f3577b34da6

JSON output: {"schema":"trace-analyze/critical-path/v1","traces":[{"traceID","durationUs",
"criticalPath":[{"spanID","service","operation","startUs","endUs"}]}]} (docs/json-schema.md).
Exit codes: 0 success, 2 usage or input error (also: a requested --trace not found),
3 backend error (also after a report labelled partial when --jaeger traces are missing).)");

  return {cmd, [options](std::ostream& out, std::ostream& err) -> int {
            const CommonOptions& common = options->common;
            std::set<std::string> wanted;
            for (const std::string& id : options->trace_ids)
              wanted.insert(formats::NormalizeTraceId(id));

            analyzer::AnalysisOptions analysis = common.ToAnalysisOptions();
            // Its reports show neither findings nor the profile's folded stacks.
            analysis.find_bottlenecks = false;
            analysis.fold_stacks = false;
            analyzer::TraceAnalyzer analyzer(analysis);
            // With --jaeger, --trace ids are fetched when nothing else is asked for.
            JaegerCliOptions jaeger = common.jaeger;
            const bool from_server = jaeger.given();
            if (from_server && jaeger.trace_ids.empty() && jaeger.trace_ids_file.empty() &&
                jaeger.service.empty()) {
              jaeger.trace_ids = options->trace_ids;
            }
            // Every report is rendered as the traces come (reports/writer.h):
            // they need the Jaeger UI's address before the first one. A bad
            // --jaeger-ui-url fails in Ingest.
            Result<std::string> ui_url = JaegerUiUrl(jaeger);
            const std::vector<ReportTarget> targets = ReportTargets(common, out);
            std::vector<std::unique_ptr<reports::CriticalPathSink>> sinks;
            sinks.reserve(targets.size());
            for (const ReportTarget& target : targets) {
              sinks.push_back(target.writer->NewCriticalPathSink(
                  target.options, ui_url.ok() ? ui_url.value() : std::string()));
            }
            // Full timelines only for a report that draws them, and only of
            // the first traces (reports/writer.h).
            const bool timelines = common.AnyReportWriter(&reports::ReportWriter::uses_timeline);
            uint64_t traces = 0;
            std::set<std::string> found;  // of `wanted`
            IngestOptions ingest{common.inputs, common.strict, common.threads, &jaeger};
            ingest.assembly_memory = common.assembly_memory;
            Result<IngestResult> read = Ingest(
                ingest, analyzer,
                [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
                  if (!wanted.empty()) {
                    const std::string id(trace.trace_id);
                    if (!wanted.contains(id)) return;
                    found.insert(id);
                  }
                  analyzer::TracePath trace_path = analyzer::MakeTracePath(trace, path);
                  if (timelines && traces < reports::ReportWriter::kTimelineTraces) {
                    analyzer::AddTimeline(trace, path, reports::ReportWriter::kTimelineSpans,
                                          &trace_path);
                  }
                  ++traces;
                  for (const std::unique_ptr<reports::CriticalPathSink>& sink : sinks)
                    sink->Add(trace_path);
                },
                err);
            if (!read.ok()) {
              err << "trace-analyze: error: " << read.error().message << '\n';
              return static_cast<int>(read.error().code);
            }
            for (const std::string& id : wanted) {
              // From a server, missing traces are already reported as partial.
              if (!found.contains(id) && !from_server) {
                err << fmt::format("trace-analyze: error: trace {} not found in the input\n", id);
                return kExitUsage;
              }
            }
            const analyzer::CriticalPathSummary summary{
                analyzer::CpModeName(analyzer.options().cp.mode), std::move(read.value().input),
                read.value().quality, traces};
            const int code = WriteReports(
                common, targets,
                [&](size_t i, std::ostream& os) { return sinks[i]->Finish(summary, os); }, out,
                err);
            return code == kExitOk && read.value().incomplete ? kExitBackend : code;
          }};
}

}  // namespace trace_analyze::cli
