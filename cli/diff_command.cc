// `trace-analyze diff` and `trace-analyze verify`: compare a baseline with a
// candidate, verify that flagged sequential patterns now overlap, and gate on
// targets (exit 1 when one fails). Both commands compute the same document;
// verify's text report focuses on the patterns. docs/diff.md.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "analyzer/diff.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/ingest.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct DiffCommandOptions {
  CommonOptions common;  // common.inputs: both sides, so -o never overwrites one
  // Each side is a list of inputs read like `analyze`'s (files, folders, -);
  // a side is whatever IngestOptions can read.
  std::vector<std::string> baseline;
  std::vector<std::string> candidate;
  std::string config_file;
  std::vector<std::string> targets;
  std::vector<std::string> budgets;
  std::vector<std::string> expectations;
  size_t top = 10;
};

constexpr const char* kFooterTail = R"(
Targets (--target, repeatable; also "targets" in the config file):
  METRIC[SCOPE] OP VALUE[/ACCEPTABLE], OP one of >= > <= <. Metrics:
  pNN_latency_reduction, pNN_latency_increase (%, NN = 50/90/95/99, scope: root
  operation), pNN_latency (time), throughput_increase, throughput_reduction (%),
  error_rate_increase, error_rate_reduction (percentage points, written with %),
  error_rate (%), overlap_share and realised_saving (%, scope: pattern fingerprint
  or expectation name), pNN_duration[operation] (time). Times need a unit (us, ms,
  s). A target that needs a change (e.g. reduction >= 30%) also needs the change
  to be statistically significant. Missing a target but meeting ACCEPTABLE is
  ACCEPTABLE, which does not fail.
Budgets (--budget, repeatable): [service:]operation=TARGET[/ACCEPTABLE], i.e.
  p95_duration[operation] <= TARGET; e.g. checkout=100ms/200ms.
Expectations (--expect, repeatable; "verify.expectations" in the config file):
  a pattern fingerprint, or parent>child,child as service:operation names; each
  adds the target overlap_share[it] >= 90%.

Exit codes: 0 every target holds (or there are none), 1 a target failed,
2 usage or input error (bad target syntax, unreadable input, a side without
traces), 3 backend error. Details: docs/diff.md.)";

int Run(const std::string& command, const DiffCommandOptions& o, std::ostream& out,
        std::ostream& err) {
  const auto fail = [&](const std::string& message) {
    err << "trace-analyze: error: " << message << '\n';
    return kExitUsage;
  };
  // Everything that can be wrong with the invocation is checked before any
  // input is read.
  ConfigFile config;
  if (!o.config_file.empty()) {
    const Status loaded = LoadConfigFile(o.config_file, &config);
    if (!loaded.ok()) return fail(loaded.error().message);
  }
  analyzer::DiffOptions diff;
  diff.command = command;
  diff.top = o.top;
  diff.targets = config.targets;
  for (const std::string& t : o.targets) {
    Result<analyzer::TargetSpec> spec = analyzer::ParseTarget(t, "--target");
    if (!spec.ok()) return fail(spec.error().message);
    diff.targets.push_back(std::move(spec).value());
  }
  for (const std::string& b : o.budgets) {
    Result<analyzer::TargetSpec> spec = analyzer::ParseBudget(b, "--budget");
    if (!spec.ok()) return fail(spec.error().message);
    diff.targets.push_back(std::move(spec).value());
  }
  analyzer::VerifyConfig verify = config.verify;
  for (const std::string& e : o.expectations) {
    std::string error;
    std::optional<analyzer::Expectation> x = analyzer::ParseExpectation(e, &error);
    if (!x) return fail("--expect " + error);
    verify.expectations.push_back(std::move(*x));
  }
  analyzer::AnalysisOptions analysis = o.common.ToAnalysisOptions();
  analysis.detectors = config.detectors;

  analyzer::DiffSession session(analysis, std::move(diff), std::move(verify));
  const auto read_side = [&](const char* name, const std::vector<std::string>& inputs,
                             analyzer::TraceAnalyzer& analyzer,
                             const AnalyzedTraceCallback& observe,
                             analyzer::DiffSideSummary* summary) -> int {
    Result<IngestResult> read = Ingest({inputs, o.common.strict}, analyzer, observe, err);
    if (!read.ok()) {
      err << "trace-analyze: error: " << name << ": " << read.error().message << '\n';
      return static_cast<int>(read.error().code);
    }
    if (analyzer.profile().traces() == 0) return fail(fmt::format("{}: no traces", name));
    summary->input = std::move(read.value().input);
    summary->quality = read.value().quality;
    return kExitOk;
  };
  analyzer::DiffSideSummary baseline, candidate;
  int code = read_side(
      "baseline", o.baseline, session.baseline_analyzer(),
      [&](const analyzer::Trace& t, const analyzer::CriticalPath& p) {
        session.ObserveBaseline(t, p);
      },
      &baseline);
  if (code != kExitOk) return code;
  session.StartCandidate();
  code = read_side(
      "candidate", o.candidate, session.candidate_analyzer(),
      [&](const analyzer::Trace& t, const analyzer::CriticalPath& p) {
        session.ObserveCandidate(t, p);
      },
      &candidate);
  if (code != kExitOk) return code;

  const analyzer::DiffResult result = session.Finish(std::move(baseline), std::move(candidate));
  code = EmitReports(
      o.common,
      [&](const reports::ReportWriter& writer, std::ostream& os,
          const reports::WriteOptions& write_options) {
        writer.WriteDiff(result, write_options, os);
      },
      out, err);
  if (code != kExitOk) return code;
  return result.pass ? kExitOk : kExitGateFailed;
}

Command AddCommand(CLI::App& app, const std::string& name, const std::string& description,
                   const std::string& examples) {
  auto options = std::make_shared<DiffCommandOptions>();
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->add_option("--baseline,-b", options->baseline,
                  "Traces before the change: files, folders or - (repeatable, or several "
                  "after one flag)")
      ->required()
      ->type_name("INPUT...");
  cmd->add_option("--candidate,-c", options->candidate,
                  "Traces after the change: files, folders or - (repeatable, or several after "
                  "one flag)")
      ->required()
      ->type_name("INPUT...");
  AddReportOptions(*cmd, options->common);
  cmd->add_option("--config", options->config_file,
                  "Detector settings, targets, budgets and expectations (docs/config.md)")
      ->type_name("FILE");
  cmd->add_option("--target", options->targets,
                  "Gate: METRIC[SCOPE] OP VALUE[/ACCEPTABLE], e.g. 'p95_latency_reduction>=30%' "
                  "(repeatable)")
      ->type_name("EXPR")
      ->allow_extra_args(false);
  cmd->add_option("--budget", options->budgets,
                  "Operation budget [service:]operation=TARGET[/ACCEPTABLE] on the candidate's "
                  "p95 span duration, e.g. 'checkout=100ms/200ms' (repeatable)")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  cmd->add_option("--expect", options->expectations,
                  "A pattern that must now run concurrently: fingerprint or "
                  "'svc:parent>svc:a,svc:b' (repeatable)")
      ->type_name("PATTERN")
      ->allow_extra_args(false);
  cmd->add_option("--top", options->top,
                  "Rows per critical-path ranking, findings per status, verified baseline "
                  "findings (0 = all)")
      ->capture_default_str();
  cmd->footer(examples + kFooterTail);
  return {cmd, [options, name](std::ostream& out, std::ostream& err) -> int {
            DiffCommandOptions o = *options;
            o.common.inputs = o.baseline;
            o.common.inputs.insert(o.common.inputs.end(), o.candidate.begin(), o.candidate.end());
            return Run(name, o, out, err);
          }};
}

}  // namespace

Command AddDiffCommand(CLI::App& app) {
  return AddCommand(app, "diff",
                    "Before/after comparison: latency with significance, throughput, errors, "
                    "critical-path shift, findings, verification, targets",
                    R"(Examples:
  trace-analyze diff --baseline before/ --candidate after/
  trace-analyze diff -b before.json -c after.json --format json -o diff.json
  trace-analyze diff -b before/ -c after/ --target 'p95_latency_reduction>=30%' \
      --target 'error_rate_increase<=0' --budget 'cart:checkout=100ms/200ms'
  trace-analyze diff -b before/ -c after/ --config trace-analyze.json
)");
}

Command AddVerifyCommand(CLI::App& app) {
  return AddCommand(app, "verify",
                    "Did the sequential patterns flagged in the baseline start running "
                    "concurrently? (the diff document, focused on patterns)",
                    R"(Examples:
  trace-analyze verify --baseline before/ --candidate after/
  trace-analyze verify -b before/ -c after/ --expect 3f2a9c0d51e8b7a4
  trace-analyze verify -b before/ -c after/ --expect 'api:checkout>cart:get,pricing:quote'
  trace-analyze verify -b before/ -c after/ --target 'overlap_share>=90%' --format json

JSON output: the trace-analyze/diff/v1 document (docs/json-schema.md), as diff.
)");
}

}  // namespace trace_analyze::cli
