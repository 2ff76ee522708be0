// `trace-analyze analyze`: the aggregate critical-path report.
#include <memory>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct AnalyzeOptions {
  CommonOptions common;
  size_t top = 10;
};

}  // namespace

Command AddAnalyzeCommand(CLI::App& app) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Aggregate critical-path report: which services and operations own the latency");
  AddCommonOptions(*cmd, options->common);
  cmd->add_option("--top", options->top, "Rows per ranking (0 = all)")->capture_default_str();
  cmd->footer(R"(Examples:
  trace-analyze analyze traces.json
  trace-analyze analyze traces/ --format json -o report.json
  zstd -dc traces.json.zst | trace-analyze analyze - --top 20
  trace-analyze analyze otlp-export.jsonl --cp-mode causal

Exit codes: 0 success, 2 usage or input error (nothing readable, or --strict and a
trace was skipped), 3 backend error.)");

  return {cmd, [options](std::ostream& out, std::ostream& err) -> int {
    const CommonOptions& common = options->common;
    analyzer::TraceAnalyzer analyzer(common.ToAnalysisOptions());
    IngestOptions ingest{common.inputs, common.strict};
    Result<IngestResult> read = Ingest(ingest, analyzer, nullptr, err);
    if (!read.ok()) {
      err << "trace-analyze: error: " << read.error().message << '\n';
      return static_cast<int>(read.error().code);
    }
    analyzer::AnalyzeResult result;
    result.cp_mode = analyzer::CpModeName(analyzer.options().cp.mode);
    result.input = std::move(read.value().input);
    result.quality = read.value().quality;
    result.profile = analyzer::BuildProfileReport(analyzer.profile(), options->top);
    const reports::ReportWriter* writer = reports::FindReportWriter(common.format);
    return EmitReport(
        common,
        [&](std::ostream& os, bool color, int width) {
          writer->WriteAnalyze(result, reports::WriteOptions{color, width}, os);
        },
        out, err);
  }};
}

}  // namespace trace_analyze::cli
