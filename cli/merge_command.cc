// `trace-analyze merge`: combines partial results (`analyze --partial`) into
// the report `analyze` would have written over all their inputs, or into one
// partial again (for merging in a tree). docs/scale-out.md.
#include <memory>
#include <string>
#include <vector>

#include "analyzer/analyze.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/partial_io.h"
#include "partial/partial.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct MergeCommandOptions {
  CommonOptions common;  // common.inputs: the parts
  size_t top = 10;
  bool fail_on_findings = false;
  bool partial = false;
};

int Run(const MergeCommandOptions& options, std::ostream& out, std::ostream& err) {
  const auto fail = [&](const Error& error) {
    err << "trace-analyze: error: " << error.message << '\n';
    return kExitUsage;
  };
  CommonOptions common = options.common;
  Result<std::vector<std::string>> paths = partial::ExpandPartialPaths(common.inputs);
  if (!paths.ok()) return fail(paths.error());
  common.inputs = paths.value();  // never overwritten by -o or --report
  // --partial merges parts of any one kind (diff sides too); a report needs
  // analyze parts.
  Result<std::unique_ptr<partial::Partial>> merged = partial::ReadAndMerge(
      paths.value(),
      options.partial ? std::nullopt : std::optional<partial::Kind>(partial::Kind::kAnalyze));
  if (!merged.ok()) return fail(merged.error());
  const partial::Partial& m = *merged.value();
  if (options.partial) {
    if (!common.reports.empty()) {
      return fail(Error{ErrorCode::kInput, "--partial writes no report: drop --report"});
    }
    const int written = WritePartialOutput(m, common, {}, err);
    if (written != kExitOk) return written;
    return m.read.incomplete ? kExitBackend : kExitOk;
  }
  analyzer::AnalyzeResult result = analyzer::BuildAnalyzeResult(
      m.analyzer(), m.sampler(), {options.top, options.fail_on_findings}, m.read.ToInputSummary(),
      m.read.quality);
  DropUnrequested(common, &result);
  return EmitAnalyze(common, result, m.read.incomplete, out, err);
}

}  // namespace

Command AddMergeCommand(CLI::App& app) {
  auto options = std::make_shared<MergeCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Combine partial results (analyze --partial) into the report of all their inputs");
  cmd->add_option("parts", options->common.inputs,
                  "Partial results (.tap files), or folders of them (their *.tap files)")
      ->type_name("PART")
      ->required();
  AddOutputOptions(*cmd, options->common);
  cmd->add_option("--top", options->top, "Rows per ranking and findings shown (0 = all)")
      ->capture_default_str();
  cmd->add_flag("--fail-on-findings", options->fail_on_findings,
                "Exit 1 when a high-confidence finding is not suppressed (as analyze)");
  cmd->add_flag("--partial", options->partial,
                "Write the merged partial result to -o FILE instead of a report (merging in a "
                "tree; parts of a diff side too)");
  cmd->footer(R"(Examples:
  trace-analyze analyze shard-0.jsonl --partial -o part-0.tap    # on each worker
  trace-analyze merge part-*.tap --format json -o report.json
  trace-analyze merge part-0.tap part-1.tap --partial -o part-01.tap
  trace-analyze merge parts/ --report html=report.html --fail-on-findings

The report is byte for byte the report `analyze` writes over all the parts'
inputs, whatever the split and the merge order (docs/scale-out.md). The parts
must be made with the same settings (--cp-mode, --config and detector flags,
--adjust-clock-skew) and release.

Exit codes: 0 success, 1 --fail-on-findings and a high-confidence finding, 2 usage
or input error (a part unreadable, corrupt, truncated, of another format version or
other settings: the error names it), 3 a part was read from a server incompletely.)");
  return {cmd, [options](std::ostream& out, std::ostream& err) { return Run(*options, out, err); }};
}

}  // namespace trace_analyze::cli
