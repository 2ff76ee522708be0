// `trace-analyze critical-path`: the critical path of each trace.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "jaeger_client/ids.h"
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

JSON output: {"schema":"trace-analyze/critical-path/v1","traces":[{"traceID","durationUs",
"criticalPath":[{"spanID","service","operation","startUs","endUs"}]}]} (docs/json-schema.md).
Exit codes: 0 success, 2 usage or input error (also: a requested --trace not found).)");

  return {cmd, [options](std::ostream& out, std::ostream& err) -> int {
            const CommonOptions& common = options->common;
            std::set<std::string> wanted;
            for (const std::string& id : options->trace_ids)
              wanted.insert(jaeger::NormalizeTraceId(id));

            analyzer::TraceAnalyzer analyzer(common.ToAnalysisOptions());
            analyzer::CriticalPathResult result;
            result.cp_mode = analyzer::CpModeName(analyzer.options().cp.mode);
            std::set<std::string> found;
            IngestOptions ingest{common.inputs, common.strict};
            Result<IngestResult> read = Ingest(
                ingest, analyzer,
                [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
                  const std::string id(trace.trace_id);
                  if (!wanted.empty() && wanted.count(id) == 0) return;
                  found.insert(id);
                  result.traces.push_back(analyzer::MakeTracePath(trace, path));
                },
                err);
            if (!read.ok()) {
              err << "trace-analyze: error: " << read.error().message << '\n';
              return static_cast<int>(read.error().code);
            }
            result.input = std::move(read.value().input);
            result.quality = read.value().quality;
            for (const std::string& id : wanted) {
              if (found.count(id) == 0) {
                err << fmt::format("trace-analyze: error: trace {} not found in the input\n", id);
                return kExitUsage;
              }
            }
            const reports::ReportWriter* writer = reports::FindReportWriter(common.format);
            return EmitReport(
                common,
                [&](std::ostream& os, bool color, int width) {
                  writer->WriteCriticalPath(result, reports::WriteOptions{color, width}, os);
                },
                out, err);
          }};
}

}  // namespace trace_analyze::cli
