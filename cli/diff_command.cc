// `trace-analyze diff` and `trace-analyze verify`: compare a baseline with a
// candidate, verify that flagged sequential patterns now overlap, and gate on
// targets (exit 1 when one fails). Both commands compute the same document;
// verify's text report focuses on the patterns. Each side is INPUT files or
// a search window on a Jaeger server. docs/diff.md.
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/diff.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/ingest.h"
#include "cli/jaeger_options.h"
#include "cli/partial_io.h"
#include "jaeger_client/time_parse.h"
#include "partial/partial.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

struct DiffCommandOptions {
  CommonOptions common;  // common.inputs: both sides, so -o never overwrites one
  // Each side is a list of inputs read like `analyze`'s (files, folders, -);
  // a side is whatever IngestOptions can read.
  std::vector<std::string> baseline;
  std::vector<std::string> candidate;
  // Or a side is searched on the --jaeger server (common.jaeger) in a window:
  // its own, or the window before / after a deploy.
  std::string baseline_window;
  std::string candidate_window;
  std::string deploy_time;
  std::string window;
  std::string config_file;
  std::vector<std::string> targets;
  std::vector<std::string> budgets;
  std::vector<std::string> expectations;
  size_t top = 10;
  bool partial = false;  // --partial: write a side's mergeable state to -o
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

Jaeger: a side is INPUT files or a search on --jaeger with --service in a
window: --baseline-window / --candidate-window FROM..TO (RFC 3339, now, or
relative like 2h = two hours ago) or D (the last D), or --deploy-time T --window
D for [T-D, T) against [T, T+D). Windows include their start, exclude their end
and must not overlap. Search filters (--operation, --tag, --min-duration,
--limit, --max-traces, ...) apply to both sides; docs/jaeger.md.

Exit codes: 0 every target holds (or there are none), 1 a target failed,
2 usage or input error (bad target syntax, unreadable input, a side without
traces, files and a window for one side, overlapping windows), 3 backend error
(also after writing reports labelled partial when a side could not be fetched
completely; this outranks 1). Details: docs/diff.md.)";

// One side: INPUT files, or a search on the --jaeger server.
struct SidePlan {
  const char* name = "";  // "baseline" | "candidate"
  std::vector<std::string> inputs;
  std::optional<jaeger_client::TimeRange> window;  // [start, end) of trace start times
};

Error Usage(std::string message) { return Error{ErrorCode::kInput, std::move(message)}; }

std::string WindowText(const jaeger_client::TimeRange& w) {
  return jaeger_client::FormatRfc3339(w.start_us) + ".." + jaeger_client::FormatRfc3339(w.end_us);
}

// One side from --NAME INPUT... or --NAME-window RANGE (exactly one).
Result<SidePlan> PlanSide(const char* name, const std::vector<std::string>& inputs,
                          const std::string& window, int64_t now) {
  SidePlan side;
  side.name = name;
  side.inputs = inputs;
  if (window.empty()) {
    if (inputs.empty()) {
      return Usage(fmt::format(
          "no {0}: give --{0} INPUT..., or with --jaeger --{0}-window RANGE (or --deploy-time T "
          "--window D for both sides)",
          name));
    }
    return side;
  }
  if (!inputs.empty()) {
    return Usage(fmt::format(
        "--{0} INPUT and --{0}-window exclude each other: a side is either read from files or "
        "searched on --jaeger",
        name));
  }
  std::optional<jaeger_client::TimeRange> range = jaeger_client::ParseTimeRange(window, now);
  if (!range) {
    return Usage(fmt::format(
        "--{}-window '{}': expected FROM..TO (each RFC 3339, now, or relative like 2h = two hours "
        "ago) or a duration like 30m (the last 30 minutes)",
        name, window));
  }
  if (range->start_us >= range->end_us) {
    return Usage(fmt::format("--{}-window '{}': empty window, {} is not before {}", name, window,
                             jaeger_client::FormatRfc3339(range->start_us),
                             jaeger_client::FormatRfc3339(range->end_us)));
  }
  side.window = range;
  return side;
}

// Decides where each side comes from, resolving relative times against one
// `now`; warns on `err` about windows that end in the future or come in the
// reverse order. Every mistake is a usage error.
Result<std::pair<SidePlan, SidePlan>> PlanSides(const DiffCommandOptions& o, int64_t now,
                                                std::ostream& err) {
  SidePlan baseline{"baseline", o.baseline, std::nullopt};
  SidePlan candidate{"candidate", o.candidate, std::nullopt};
  const bool deploy = !o.deploy_time.empty() || !o.window.empty();
  if (deploy) {
    if (o.deploy_time.empty()) {
      return Usage(
          "--window needs --deploy-time T: the baseline is the window before T, the candidate "
          "the window after");
    }
    if (o.window.empty()) return Usage("--deploy-time needs --window D, e.g. --window 30m");
    if (!o.baseline_window.empty() || !o.candidate_window.empty()) {
      return Usage(
          "--deploy-time with --window sets both windows: drop --baseline-window and "
          "--candidate-window");
    }
    if (!o.baseline.empty() || !o.candidate.empty()) {
      return Usage(
          "--deploy-time searches both sides on --jaeger: drop --baseline and --candidate INPUT");
    }
    const std::optional<int64_t> t = jaeger_client::ParseTimeUs(o.deploy_time, now);
    if (!t) {
      return Usage(fmt::format(
          "--deploy-time '{}': expected RFC 3339, now, or a relative time like 2h (two hours ago)",
          o.deploy_time));
    }
    const std::optional<int64_t> w = jaeger_client::ParseDurationUs(o.window);
    if (!w || *w <= 0) {
      return Usage(fmt::format("--window '{}': expected a duration like 30m or 2h", o.window));
    }
    baseline.window = jaeger_client::TimeRange{*t - *w, *t};
    candidate.window = jaeger_client::TimeRange{*t, *t + *w};
  } else {
    Result<SidePlan> b = PlanSide("baseline", o.baseline, o.baseline_window, now);
    if (!b.ok()) return b.error();
    Result<SidePlan> c = PlanSide("candidate", o.candidate, o.candidate_window, now);
    if (!c.ok()) return c.error();
    baseline = std::move(b).value();
    candidate = std::move(c).value();
  }
  const char* window_flag = deploy             ? "--deploy-time"
                            : baseline.window  ? "--baseline-window"
                            : candidate.window ? "--candidate-window"
                                               : nullptr;
  const JaegerCliOptions& jaeger = o.common.jaeger;
  if (window_flag != nullptr && !jaeger.given()) {
    return Usage(fmt::format("{} searches a Jaeger server: give --jaeger URL", window_flag));
  }
  if (window_flag == nullptr && jaeger.given()) {
    return Usage(
        "--jaeger needs a window to search: --baseline-window and/or --candidate-window, or "
        "--deploy-time with --window");
  }
  if (window_flag != nullptr && jaeger.service.empty()) {
    return Usage(fmt::format("{}: a Jaeger search needs --service", window_flag));
  }
  if (baseline.window && candidate.window) {
    const jaeger_client::TimeRange& b = *baseline.window;
    const jaeger_client::TimeRange& c = *candidate.window;
    // A trace in both windows would count on both sides and hide any change.
    if (b.start_us < c.end_us && c.start_us < b.end_us) {
      return Usage(fmt::format(
          "the baseline window {} and the candidate window {} overlap: a trace in both would "
          "count on both sides (windows include their start and exclude their end)",
          WindowText(b), WindowText(c)));
    }
    if (c.end_us <= b.start_us) {
      err << fmt::format(
          "trace-analyze: warning: the candidate window {} comes before the baseline window {}; "
          "changes are reported from the baseline to the candidate\n",
          WindowText(c), WindowText(b));
    }
  }
  for (const SidePlan* side : {&baseline, &candidate}) {
    if (side->window && side->window->end_us > now) {
      err << fmt::format(
          "trace-analyze: warning: the {} window {} ends in the future: it holds only the traces "
          "so far\n",
          side->name, WindowText(*side->window));
    }
  }
  return std::pair{std::move(baseline), std::move(candidate)};
}

// Writes the reports of `result`; the exit code. Reports labelled partial
// (`incomplete`: a side could not be fetched completely) still fail the
// run, as in `analyze`: this outranks a failed target.
int EmitDiff(const CommonOptions& common, const analyzer::DiffResult& result, bool incomplete,
             std::ostream& out, std::ostream& err) {
  const int code = EmitReports(
      common,
      [&](const reports::ReportWriter& writer, std::ostream& os,
          const reports::WriteOptions& write_options) {
        writer.WriteDiff(result, write_options, os);
      },
      out, err);
  if (code != kExitOk) return code;
  if (incomplete) return kExitBackend;
  return result.pass ? kExitOk : kExitGateFailed;
}

// Reads one side into an analyzer (Run's read_side).
using ReadSide = std::function<int(const SidePlan& side, analyzer::TraceAnalyzer& analyzer,
                                   const AnalyzedTraceCallback& observe, bool require_traces,
                                   IngestResult* got)>;

// A side as a partial of `kind`: the merge of its partials (whose settings
// must be this command's), or what reading its inputs collected.
Result<std::unique_ptr<partial::Partial>> LoadSide(partial::Kind kind, const SidePlan& side,
                                                   const analyzer::AnalysisOptions& analysis,
                                                   analyzer::DiffSideOptions side_options,
                                                   const ReadSide& read_side, int* code) {
  auto p = std::make_unique<partial::Partial>(kind, analysis, std::move(side_options));
  if (ArePartials(side.inputs)) {
    Result<std::vector<std::string>> paths = partial::ExpandPartialPaths(side.inputs);
    if (!paths.ok()) return paths.error();
    Result<std::unique_ptr<partial::Partial>> merged = partial::ReadAndMerge(paths.value(), kind);
    if (!merged.ok()) return merged.error();
    const Status s = p->Merge(*merged.value(), paths.value().front(), "this command's options");
    if (!s.ok()) return s.error();
    return p;
  }
  IngestResult got;
  *code = read_side(
      side, p->analyzer(),
      [&](const analyzer::Trace& t, const analyzer::CriticalPath& path) {
        p->collector().Add(t, path);
      },
      false, &got);
  if (*code != kExitOk) return Error{ErrorCode::kInput, ""};
  p->read = ToReadSummary(got);
  if (side.window) {
    p->read.window_start = jaeger_client::FormatRfc3339(side.window->start_us);
    p->read.window_end = jaeger_client::FormatRfc3339(side.window->end_us);
  }
  return p;
}

analyzer::DiffSideSummary SummaryOf(const partial::Partial& p) {
  analyzer::DiffSideSummary s;
  s.input = p.read.ToInputSummary();
  s.quality = p.read.quality;
  s.window_start = p.read.window_start;
  s.window_end = p.read.window_end;
  return s;
}

// `diff` with partial results on a side, or --partial: the same document as
// from the traces, since each side's state is their merge.
int RunViaPartials(const DiffCommandOptions& o, const analyzer::AnalysisOptions& analysis,
                   analyzer::DiffOptions diff, const analyzer::VerifyConfig& verify,
                   const std::pair<SidePlan, SidePlan>& sides, const ReadSide& read_side,
                   std::ostream& out, std::ostream& err) {
  diff.detectors = analysis.detectors;
  diff.cp_mode = analyzer::CpModeName(analysis.cp.mode);
  int code = kExitOk;
  const auto failed = [&](const Error& e) {
    if (code != kExitOk) return code;  // read_side printed it
    err << "trace-analyze: error: " << e.message << '\n';
    return static_cast<int>(kExitUsage);
  };
  const auto write = [&](const partial::Partial& p) {
    const int written =
        WritePartialOutput(p, o.common, {&o.config_file, o.config_file.empty() ? 0u : 1u}, err);
    if (written != kExitOk) return written;
    return p.read.incomplete ? static_cast<int>(kExitBackend) : static_cast<int>(kExitOk);
  };
  Result<std::unique_ptr<partial::Partial>> base =
      LoadSide(partial::Kind::kBaseline, sides.first, analysis,
               analyzer::SideOptionsFor(analysis, diff, {}), read_side, &code);
  if (!base.ok()) return failed(base.error());
  const partial::Partial& b = *base.value();
  if (o.partial && sides.second.inputs.empty() && !sides.second.window) return write(b);
  const std::vector<analyzer::VerifyPlanEntry> plan =
      analyzer::PlanFromBaseline(b.analyzer().findings(), diff, verify);
  Result<std::unique_ptr<partial::Partial>> cand =
      LoadSide(partial::Kind::kCandidate, sides.second, analysis,
               analyzer::SideOptionsFor(analysis, diff, plan), read_side, &code);
  if (!cand.ok()) return failed(cand.error());
  const partial::Partial& c = *cand.value();
  if (o.partial) return write(c);
  for (const auto& [side, p] : {std::pair{&sides.first, &b}, std::pair{&sides.second, &c}}) {
    if (p->analyzer().profile().traces() == 0) {
      return failed(Error{ErrorCode::kInput, fmt::format("{}: no traces", side->name)});
    }
  }
  analyzer::DiffResult result = analyzer::BuildDiff(
      {&b.analyzer().profile(), &b.analyzer().findings(), &b.collector(), SummaryOf(b)},
      {&c.analyzer().profile(), &c.analyzer().findings(), &c.collector(), SummaryOf(c)}, plan,
      diff);
  DropUnrequested(o.common, &result);
  return EmitDiff(o.common, result, b.read.incomplete || c.read.incomplete, out, err);
}

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
  analysis.detectors.keep_examples =
      o.common.AnyReportWriter(&reports::ReportWriter::uses_finding_examples);

  // Partial results: a side given as partials, or --partial (write one
  // side's state). Stage 1 (-b only) writes a baseline part; stage 2 (-c
  // with the merged baseline) a candidate part (docs/scale-out.md).
  const bool via_partials = o.partial || ArePartials(o.baseline) || ArePartials(o.candidate);
  if (via_partials) analysis = partial::PartialAnalysisOptions(analysis);
  const bool baseline_only = o.partial && o.candidate.empty() && o.candidate_window.empty() &&
                             o.deploy_time.empty() && o.window.empty();
  Result<std::pair<SidePlan, SidePlan>> sides =
      baseline_only ? Result<std::pair<SidePlan, SidePlan>>(Error{ErrorCode::kInput, ""})
                    : PlanSides(o, jaeger_client::NowUs(), err);
  if (baseline_only) {
    Result<SidePlan> b =
        PlanSide("baseline", o.baseline, o.baseline_window, jaeger_client::NowUs());
    if (!b.ok()) return fail(b.error().message);
    sides = std::pair{std::move(b).value(), SidePlan{"candidate", {}, std::nullopt}};
  }
  if (!sides.ok()) return fail(sides.error().message);

  bool incomplete = false;  // a side could not be fetched completely: exit 3 after the reports
  // Reads one side into `analyzer`; `require_traces` makes a side without
  // traces an error (a shard of a side may have none).
  const auto read_side = [&](const SidePlan& side, analyzer::TraceAnalyzer& analyzer,
                             const AnalyzedTraceCallback& observe, bool require_traces,
                             IngestResult* got) -> int {
    // A window side runs the --jaeger search with the side's window (the
    // search takes both ends as inclusive; the side excludes its end).
    JaegerCliOptions jaeger;
    IngestOptions ingest{side.inputs, o.common.strict, o.common.threads, nullptr};
    ingest.assembly_memory = o.common.assembly_memory;
    if (side.window) {
      jaeger = o.common.jaeger;
      jaeger.window = jaeger_client::TimeRange{side.window->start_us, side.window->end_us - 1};
      jaeger.label = side.name;
      ingest.jaeger = &jaeger;
    }
    Result<IngestResult> read = Ingest(ingest, analyzer, observe, err);
    if (!read.ok()) {
      err << "trace-analyze: error: " << side.name << ": " << read.error().message << '\n';
      return static_cast<int>(read.error().code);
    }
    if (require_traces && analyzer.profile().traces() == 0) {
      if (side.window) {
        return fail(fmt::format("{}: no trace of service {} started in {}", side.name,
                                o.common.jaeger.service, WindowText(*side.window)));
      }
      return fail(fmt::format("{}: no traces", side.name));
    }
    incomplete = incomplete || read.value().incomplete;
    *got = std::move(read).value();
    return kExitOk;
  };
  const auto summary_of = [](const SidePlan& side, IngestResult read) {
    analyzer::DiffSideSummary summary;
    summary.input = std::move(read.input);
    summary.quality = read.quality;
    if (side.window) {
      summary.window_start = jaeger_client::FormatRfc3339(side.window->start_us);
      summary.window_end = jaeger_client::FormatRfc3339(side.window->end_us);
    }
    return summary;
  };
  if (via_partials) {
    return RunViaPartials(o, analysis, diff, verify, sides.value(), read_side, out, err);
  }

  analyzer::DiffSession session(analysis, std::move(diff), std::move(verify));
  IngestResult got;
  int code = read_side(
      sides.value().first, session.baseline_analyzer(),
      [&](const analyzer::Trace& t, const analyzer::CriticalPath& p) {
        session.ObserveBaseline(t, p);
      },
      true, &got);
  if (code != kExitOk) return code;
  analyzer::DiffSideSummary baseline = summary_of(sides.value().first, std::move(got));
  session.StartCandidate();
  code = read_side(
      sides.value().second, session.candidate_analyzer(),
      [&](const analyzer::Trace& t, const analyzer::CriticalPath& p) {
        session.ObserveCandidate(t, p);
      },
      true, &got);
  if (code != kExitOk) return code;
  analyzer::DiffSideSummary candidate = summary_of(sides.value().second, std::move(got));

  const analyzer::DiffResult result = session.Finish(std::move(baseline), std::move(candidate));
  return EmitDiff(o.common, result, incomplete, out, err);
}

Command AddCommand(CLI::App& app, const std::string& name, const std::string& description,
                   const std::string& examples) {
  auto options = std::make_shared<DiffCommandOptions>();
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->add_option("--baseline,-b", options->baseline,
                  "Traces before the change: files, folders or - (repeatable, or several "
                  "after one flag); or --baseline-window")
      ->type_name("INPUT...");
  cmd->add_option("--candidate,-c", options->candidate,
                  "Traces after the change: files, folders or - (repeatable, or several after "
                  "one flag); or --candidate-window")
      ->type_name("INPUT...");
  cmd->add_option("--baseline-window", options->baseline_window,
                  "Search the baseline on --jaeger: traces that started in FROM..TO (RFC 3339, "
                  "now, or relative like 2h), or in the last D")
      ->type_name("RANGE");
  cmd->add_option("--candidate-window", options->candidate_window,
                  "Search the candidate on --jaeger in FROM..TO, or the last D")
      ->type_name("RANGE");
  cmd->add_option("--deploy-time", options->deploy_time,
                  "Search both sides on --jaeger: the --window before T against the --window "
                  "after T (RFC 3339, now, or relative like 45m)")
      ->type_name("T");
  cmd->add_option("--window", options->window, "Length of each side's window with --deploy-time")
      ->type_name("DURATION");
  AddReportOptions(*cmd, options->common);
  AddJaegerOptions(*cmd, options->common.jaeger, JaegerFlags::kSearch);
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
  cmd->add_flag("--partial", options->partial,
                "Write one side's mergeable state to -o FILE instead of a report: with only "
                "--baseline a baseline part, with --candidate a candidate part collected under "
                "the (merged) baseline's verify plan (docs/scale-out.md)");
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
  trace-analyze diff --jaeger http://jaeger:16686 --service frontend \
      --baseline-window 2024-05-01T09:00:00Z..2024-05-01T10:00:00Z --candidate-window 1h
  trace-analyze diff --jaeger http://jaeger:16686 --service frontend \
      --deploy-time 2024-05-01T10:00:00Z --window 30m --max-traces 1000
  trace-analyze diff -b before/shard-1.jsonl --partial -o base-1.tap      # stage 1, per shard
  trace-analyze diff -b base-*.tap -c after/shard-1.jsonl --partial -o cand-1.tap   # stage 2
  trace-analyze diff -b base-*.tap -c cand-*.tap --format json -o diff.json   # docs/scale-out.md
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
  trace-analyze verify --jaeger grpc://jaeger:16685 --service frontend --deploy-time 2h \
      --window 1h

JSON output: the trace-analyze/diff/v1 document (docs/json-schema.md), as diff.
)");
}

}  // namespace trace_analyze::cli
