// `trace-analyze analyze`: the aggregate critical-path report.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "analyzer/analyze.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/ingest.h"
#include "cli/partial_io.h"
#include "partial/partial.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct AnalyzeCommandOptions {
  CommonOptions common;
  size_t top = 10;
  std::string config_file;
  bool no_findings = false;
  bool fail_on_findings = false;
  std::optional<int64_t> min_saving_us;
  std::optional<size_t> n_plus_one_min_calls;
  std::optional<size_t> repeated_min_calls;
  bool partial = false;  // --partial: write the mergeable state to -o instead of a report
  bool approx_quantiles = false;
};

// `analyze --partial`: the state of the analysis of the inputs, as a file
// that `merge` combines with others (docs/scale-out.md).
int RunPartial(const AnalyzeCommandOptions& options, const analyzer::AnalysisOptions& analysis,
               std::ostream& err) {
  const CommonOptions& common = options.common;
  if (!common.reports.empty()) {
    err << "trace-analyze: error: --partial writes no report: drop --report (merge the partials "
           "with `trace-analyze merge` to render reports)\n";
    return kExitUsage;
  }
  partial::Partial part(partial::Kind::kAnalyze, partial::PartialAnalysisOptions(analysis));
  IngestOptions ingest{common.inputs, common.strict, common.threads, &common.jaeger};
  ingest.assembly_memory = common.assembly_memory;
  Result<IngestResult> read = Ingest(
      ingest, part.analyzer(),
      [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
        part.sampler().Offer(trace, path);
      },
      err);
  if (!read.ok()) {
    err << "trace-analyze: error: " << read.error().message << '\n';
    return static_cast<int>(read.error().code);
  }
  part.read = ToReadSummary(read.value());
  const int written = WritePartialOutput(
      part, common,
      std::span<const std::string>(&options.config_file, options.config_file.empty() ? 0 : 1), err);
  if (written != kExitOk) return written;
  return read.value().incomplete ? kExitBackend : kExitOk;
}

int Run(const AnalyzeCommandOptions& options, std::ostream& out, std::ostream& err) {
  const CommonOptions& common = options.common;
  analyzer::AnalysisOptions analysis = common.ToAnalysisOptions();
  analysis.find_bottlenecks = !options.no_findings;
  analysis.approx_quantiles = options.approx_quantiles;
  if (!options.config_file.empty()) {
    const Status loaded = LoadConfigFile(options.config_file, &analysis.detectors);
    if (!loaded.ok()) {
      err << "trace-analyze: error: " << loaded.error().message << '\n';
      return kExitUsage;
    }
  }
  if (options.min_saving_us) analysis.detectors.sequential.min_saving_us = *options.min_saving_us;
  if (options.n_plus_one_min_calls) {
    analysis.detectors.n_plus_one.min_calls = *options.n_plus_one_min_calls;
  }
  if (options.repeated_min_calls)
    analysis.detectors.repeated.min_calls = *options.repeated_min_calls;
  analysis.detectors.keep_examples =
      common.AnyReportWriter(&reports::ReportWriter::uses_finding_examples);
  if (options.partial) return RunPartial(options, analysis, err);

  analyzer::AnalyzeSession session(analysis, {options.top, options.fail_on_findings});
  IngestOptions ingest{common.inputs, common.strict, common.threads, &common.jaeger};
  ingest.assembly_memory = common.assembly_memory;
  Result<IngestResult> read = Ingest(
      ingest, session.analyzer(),
      [&](const analyzer::Trace& trace, const analyzer::CriticalPath& path) {
        session.Observe(trace, path);
      },
      err);
  if (!read.ok()) {
    err << "trace-analyze: error: " << read.error().message << '\n';
    return static_cast<int>(read.error().code);
  }
  const analyzer::AnalyzeResult result =
      session.Finish(std::move(read.value().input), read.value().quality);

  return EmitAnalyze(
      common, result, read.value().incomplete, out, err,
      std::span<const std::string>(&options.config_file, options.config_file.empty() ? 0 : 1));
}

}  // namespace

int EmitAnalyze(const CommonOptions& common, const analyzer::AnalyzeResult& result, bool incomplete,
                std::ostream& out, std::ostream& err,
                std::span<const std::string> protected_files) {
  const int written = EmitReports(
      common,
      [&](const reports::ReportWriter& writer, std::ostream& os,
          const reports::WriteOptions& write_options) {
        writer.WriteAnalyze(result, write_options, os);
      },
      out, err, protected_files);
  if (written != kExitOk) return written;
  // A report labelled partial still fails the run: the backend could not
  // deliver everything asked for (this outranks the findings gate).
  if (incomplete) return kExitBackend;
  if (!result.pass) {
    err << "trace-analyze: high-confidence findings and --fail-on-findings: exit 1\n";
    return kExitGateFailed;
  }
  return kExitOk;
}

Command AddAnalyzeCommand(CLI::App& app) {
  auto options = std::make_shared<AnalyzeCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Aggregate critical-path report: which services and operations own the latency");
  AddCommonOptions(*cmd, options->common);
  cmd->add_option("--top", options->top, "Rows per ranking and findings shown (0 = all)")
      ->capture_default_str();
  cmd->add_option("--config", options->config_file,
                  "Detector thresholds, ignore rules and dependency hints (docs/config.md)")
      ->type_name("FILE");
  cmd->add_flag("--no-findings", options->no_findings, "Skip the bottleneck detectors");
  cmd->add_flag("--fail-on-findings", options->fail_on_findings,
                "Exit 1 when a high-confidence finding is not suppressed, shown by --top or "
                "not (a CI gate; JUnit reports each as a failing testcase)");
  cmd->add_option("--min-saving", options->min_saving_us,
                  "Report sequential runs saving at least this many µs per trace (p50); "
                  "default 500")
      ->type_name("US");
  cmd->add_option("--n-plus-one-min-calls", options->n_plus_one_min_calls,
                  "Calls of one template under one parent that make an N+1 loop; default 5")
      ->type_name("N")
      ->check(CLI::Range(2, 1000000));
  cmd->add_flag("--partial", options->partial,
                "Write the analysis's mergeable state to -o FILE instead of a report; "
                "`trace-analyze merge` renders the report of many such parts "
                "(docs/scale-out.md)");
  cmd->add_flag("--approx-quantiles", options->approx_quantiles,
                "Percentiles from mergeable sketches, within 0.5 % of the exact ones, instead "
                "of one sample per trace, and sequential runs mined from a sample of at most "
                "4096 visits per parent operation: memory and partials stay bounded whatever "
                "the number of traces (docs/scale-out.md)");
  cmd->add_option("--repeated-min-calls", options->repeated_min_calls,
                  "Identical calls in one trace that make a cache candidate; default 2")
      ->type_name("N")
      ->check(CLI::Range(2, 1000000));
  cmd->footer(R"(Examples:
  trace-analyze analyze traces.json
  trace-analyze analyze traces/ --format json -o report.json
  zstd -dc traces.json.zst | trace-analyze analyze - --top 20
  trace-analyze analyze otlp-export.jsonl --cp-mode causal
  trace-analyze analyze traces/ --config trace-analyze.json --top 0 --format json
  trace-analyze analyze traces/ --report markdown=summary.md --report html=report.html
  trace-analyze analyze traces/ --fail-on-findings --format junit -o results.xml
  trace-analyze analyze --jaeger http://localhost:16686 --service frontend --since 2h
  trace-analyze analyze --jaeger grpc://jaeger:16685 --trace-ids ids.txt --format json
  trace-analyze analyze shard-003.jsonl --partial -o shard-003.tap

Exit codes: 0 success, 1 --fail-on-findings and a high-confidence finding, 2 usage
or input error (nothing readable, or --strict and a trace was skipped), 3 backend error
(also after writing a report labelled partial when requested traces could not be
fetched). Server options: docs/jaeger.md.)");

  return {cmd, [options](std::ostream& out, std::ostream& err) { return Run(*options, out, err); }};
}

}  // namespace trace_analyze::cli
