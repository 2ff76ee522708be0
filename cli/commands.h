// The subcommands. Each registers its options on the CLI11 app and returns
// the function that runs it once parsing succeeded.
#ifndef TRACE_ANALYZE_CLI_COMMANDS_H_
#define TRACE_ANALYZE_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/status.h"
#include "cli/jaeger_options.h"
#include "input/input.h"
#include "reports/writer.h"

namespace trace_analyze::cli {

// Runs a parsed subcommand; returns the exit code.
using CommandRunner = std::function<int(std::ostream& out, std::ostream& err)>;

// A registered subcommand and what runs it once parsing succeeded.
struct Command {
  CLI::App* app = nullptr;
  CommandRunner run;
};

// Options every analysis subcommand shares.
struct CommonOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;                // "" = stdout
  std::vector<std::string> reports;  // extra outputs, "FORMAT=FILE"
  bool strict = false;
  size_t threads = 0;  // --threads; 0: the cores available
  uint64_t assembly_memory = input::ReadOptions{}.assembly_memory;  // --assembly-memory, bytes
  std::string cp_mode = "jaeger";
  bool adjust_clock_skew = false;
  JaegerCliOptions jaeger;  // --jaeger and friends: read from a server instead of INPUT

  analyzer::AnalysisOptions ToAnalysisOptions() const;
  // Whether a requested report (--format, then each --report FORMAT=FILE;
  // validated when parsed) is written by a writer for which `wants` holds.
  bool AnyReportWriter(bool (reports::ReportWriter::*wants)() const) const;
};

// Adds INPUT..., AddReportOptions, and the --jaeger option group (INPUT and
// --jaeger exclude each other; Ingest checks that exactly one is given).
void AddCommonOptions(CLI::App& command, CommonOptions& options);
// Adds --format, -o, --report, AddReadOptions, --cp-mode, --adjust-clock-skew (commands with
// their own inputs, like diff's --baseline/--candidate).
void AddReportOptions(CLI::App& command, CommonOptions& options);
// Adds where reports go: --format, -o, --report (`merge`, which reads no
// traces).
void AddOutputOptions(CLI::App& command, CommonOptions& options);
// Adds how inputs are read: --strict, --threads, --assembly-memory (input::ReadOptions).
void AddReadOptions(CLI::App& command, bool* strict, size_t* threads, uint64_t* assembly_memory);

// One report to write: the --format report (to -o FILE, or to stdout), or a
// --report FORMAT=FILE.
struct ReportTarget {
  const reports::ReportWriter* writer = nullptr;
  reports::WriteOptions options;
  std::string path;  // "" = stdout
};
// The reports `options` asks for, the --format report first. Colour and the
// terminal's width only for a report that goes to `out` when `out` is a
// terminal's stdout.
std::vector<ReportTarget> ReportTargets(const CommonOptions& options, const std::ostream& out);

// Writes report `index` of WriteReports' targets to `stream`. An error stops
// WriteReports before any file is replaced.
using StreamFn = std::function<Status(size_t index, std::ostream& stream)>;
// Writes every target with `render`: each file report into a temporary file
// in its folder; when all of them rendered, they are synced and renamed over
// their targets; then the stdout report is rendered to `out`. No file is
// written over an input (options.inputs or `protected_files`, e.g. the
// config file), and two reports may not name the same file. Returns the exit
// code (0, or 2 with the error on `err`: a file that cannot be written, a
// report that failed to render; every target is then left as it was, unless
// the stdout report is the one that failed).
int WriteReports(const CommonOptions& options, std::span<const ReportTarget> targets,
                 const StreamFn& render, std::ostream& out, std::ostream& err,
                 std::span<const std::string> protected_files = {});

// WriteReports of ReportTargets(options, out), each rendered whole by
// `render(writer, stream, options)`.
using RenderFn =
    std::function<void(const reports::ReportWriter&, std::ostream&, const reports::WriteOptions&)>;
int EmitReports(const CommonOptions& options, const RenderFn& render, std::ostream& out,
                std::ostream& err, std::span<const std::string> protected_files = {});

// Writes `analyze`'s reports of `result` (EmitReports) and returns the exit
// code: 3 when `incomplete` (some requested traces could not be fetched:
// the reports say partial), else 1 when the findings gate failed, else 0
// (analyze_command.cc; `merge` too).
int EmitAnalyze(const CommonOptions& common, const analyzer::AnalyzeResult& result, bool incomplete,
                std::ostream& out, std::ostream& err,
                std::span<const std::string> protected_files = {});

Command AddAnalyzeCommand(CLI::App& app);
Command AddCriticalPathCommand(CLI::App& app);
Command AddDiffCommand(CLI::App& app);    // diff_command.cc
Command AddVerifyCommand(CLI::App& app);  // diff_command.cc
// Jaeger server commands (jaeger_commands.cc).
Command AddServicesCommand(CLI::App& app);
Command AddOperationsCommand(CLI::App& app);
Command AddFetchCommand(CLI::App& app);
Command AddPartitionCommand(CLI::App& app);  // partition_command.cc
Command AddMergeCommand(CLI::App& app);      // merge_command.cc
Command AddSniffCommand(CLI::App& app);      // sniff_command.cc

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_COMMANDS_H_
