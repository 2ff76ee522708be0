#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "input/threads.h"
#include "reports/writer.h"

namespace trace_analyze::cli {
namespace {

// A --report value, "FORMAT=FILE" (checked when parsed), as (format, file).
std::pair<std::string_view, std::string_view> SplitReportSpec(std::string_view spec) {
  const size_t eq = spec.find('=');
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

}  // namespace

analyzer::AnalysisOptions CommonOptions::ToAnalysisOptions() const {
  analyzer::AnalysisOptions o;
  o.cp.mode = cp_mode == "causal" ? analyzer::CpMode::kCausal : analyzer::CpMode::kJaeger;
  o.adjust_clock_skew = adjust_clock_skew;
  // Folded stacks only when a requested report shows them.
  o.fold_stacks = AnyReportWriter(&reports::ReportWriter::uses_stacks);
  o.threads = threads > 0 ? threads : input::AvailableCores();
  return o;
}

bool CommonOptions::AnyReportWriter(bool (reports::ReportWriter::*wants)() const) const {
  const auto wanted = [&](std::string_view name) {
    const reports::ReportWriter* writer = reports::FindReportWriter(name);
    return writer != nullptr && (writer->*wants)();
  };
  if (wanted(format)) return true;
  for (const std::string& spec : reports) {
    if (wanted(SplitReportSpec(spec).first)) return true;
  }
  return false;
}

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  command
      .add_option("inputs", options.inputs,
                  "Trace files or folders (Jaeger UI JSON, OTLP JSON, Zipkin v2 JSON, JSON "
                  "Lines; .gz/.zst), or - for stdin; or use --jaeger")
      ->type_name("INPUT");
  AddReportOptions(command, options);
  AddJaegerOptions(command, options.jaeger, JaegerFlags::kQuery);
}

void AddReadOptions(CLI::App& command, bool* strict, size_t* threads, uint64_t* assembly_memory) {
  command.add_flag("--strict", *strict,
                   "Fail (exit 2) on the first undecodable trace instead of skipping it");
  command
      .add_option("--threads", *threads,
                  "Threads that decode and analyse big inputs (default: the cores available to "
                  "the process, from its CPU affinity and cgroup quota); reports do not depend "
                  "on it")
      ->type_name("N")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  command
      .add_option("--assembly-memory", *assembly_memory,
                  "Memory for the spans of OTLP and Zipkin inputs, held until the last input so "
                  "that each trace is assembled whole wherever its spans sit (default 256M); "
                  "beyond it they are spilled to $TMPDIR and the result is the same, slower")
      ->type_name("SIZE")
      ->transform(CLI::AsSizeValue(false));
}

void AddReportOptions(CLI::App& command, CommonOptions& options) {
  AddOutputOptions(command, options);
  AddReadOptions(command, &options.strict, &options.threads, &options.assembly_memory);
  command
      .add_option("--cp-mode", options.cp_mode,
                  "Critical-path semantics: jaeger (as Jaeger UI v2.15-v2.20 draws it) or "
                  "causal (chains back-to-back siblings, FOLLOWS_FROM non-blocking, orphans "
                  "analysed; see docs/critical-path-modes.md)")
      ->check(CLI::IsMember({"jaeger", "causal"}))
      ->capture_default_str();
  command.add_flag("--adjust-clock-skew", options.adjust_clock_skew,
                   "Apply Jaeger's clock-skew adjuster before analysis");
}

void AddOutputOptions(CLI::App& command, CommonOptions& options) {
  command.add_option("--format,-f", options.format, "Report format")
      ->check(CLI::IsMember(reports::ReportWriterNames()))
      ->capture_default_str();
  command
      .add_option("--output,-o", options.output,
                  "Write the report to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  command
      .add_option("--report", options.reports,
                  "Also write the report in another format to a file, e.g. --report "
                  "markdown=summary.md --report html=report.html (repeatable; formats as "
                  "--format)")
      ->type_name("FORMAT=FILE")
      ->check([](const std::string& v) -> std::string {
        const size_t eq = v.find('=');
        if (eq == std::string::npos || eq + 1 == v.size()) return "expected FORMAT=FILE";
        if (reports::FindReportWriter(v.substr(0, eq)) == nullptr) {
          return "unknown format '" + v.substr(0, eq) + "'";
        }
        return "";
      });
}

std::vector<ReportTarget> ReportTargets(const CommonOptions& options, const std::ostream& out) {
  std::vector<ReportTarget> targets;
  const bool to_stdout = options.output.empty() || options.output == "-";
  // Colour and the terminal's width only when the report really goes to a
  // terminal (not to a file, a pipe, or a test's string stream).
  const bool to_terminal = to_stdout && &out == &std::cout && StdoutIsTerminal();
  targets.push_back(
      {reports::FindReportWriter(options.format),
       reports::WriteOptions{to_terminal && options.format == "text" && ColorAllowed(),
                             to_terminal ? TerminalWidth() : 100},
       to_stdout ? std::string() : options.output});
  for (const std::string& spec : options.reports) {
    const auto [format, path] = SplitReportSpec(spec);
    targets.push_back(
        {reports::FindReportWriter(format), reports::WriteOptions{}, std::string(path)});
  }
  return targets;
}

int WriteReports(const CommonOptions& options, std::span<const ReportTarget> targets,
                 const StreamFn& render, std::ostream& out, std::ostream& err,
                 std::span<const std::string> protected_files) {
  for (size_t i = 0; i < targets.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const std::string& a = targets[i].path;
      const std::string& b = targets[j].path;
      if (a.empty() || b.empty()) continue;
      std::error_code ec;
      if (a == b ||
          std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec)) {
        err << "trace-analyze: error: " << a << ": two reports would be written to the same file\n";
        return kExitUsage;
      }
    }
  }
  std::vector<std::string> inputs = options.inputs;
  inputs.insert(inputs.end(), protected_files.begin(), protected_files.end());
  const auto fail = [&](const Error& error) {
    err << "trace-analyze: error: " << error.message << '\n';
    return kExitUsage;
  };
  // Every file report is rendered into its temporary file, then synced, and
  // only then are they renamed: one failure leaves every target as it was.
  std::vector<std::unique_ptr<AtomicFile>> files(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].path.empty()) continue;
    Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(targets[i].path, inputs);
    if (!file.ok()) return fail(file.error());
    files[i] = std::move(file).value();
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!files[i]) continue;
    if (Status rendered = render(i, files[i]->stream()); !rendered.ok()) {
      return fail(Error{rendered.error().code,
                        fmt::format("{}: {}", targets[i].path, rendered.error().message)});
    }
    if (Status synced = files[i]->Sync(); !synced.ok()) return fail(synced.error());
  }
  for (const std::unique_ptr<AtomicFile>& file : files) {
    if (!file) continue;
    if (Status committed = file->Commit(); !committed.ok()) return fail(committed.error());
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!targets[i].path.empty()) continue;
    if (Status rendered = render(i, out); !rendered.ok()) return fail(rendered.error());
    out.flush();
  }
  return kExitOk;
}

int EmitReports(const CommonOptions& options, const RenderFn& render, std::ostream& out,
                std::ostream& err, std::span<const std::string> protected_files) {
  const std::vector<ReportTarget> targets = ReportTargets(options, out);
  return WriteReports(
      options, targets,
      [&](size_t i, std::ostream& stream) {
        render(*targets[i].writer, stream, targets[i].options);
        return OkStatus();
      },
      out, err, protected_files);
}

}  // namespace trace_analyze::cli
