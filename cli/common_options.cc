#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "reports/writer.h"

namespace trace_analyze::cli {

analyzer::AnalysisOptions CommonOptions::ToAnalysisOptions() const {
  analyzer::AnalysisOptions o;
  o.cp.mode = cp_mode == "causal" ? analyzer::CpMode::kCausal : analyzer::CpMode::kJaeger;
  o.adjust_clock_skew = adjust_clock_skew;
  return o;
}

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  command
      .add_option("inputs", options.inputs,
                  "Trace files or folders (Jaeger UI JSON, OTLP JSON, Zipkin v2 JSON, JSON "
                  "Lines; .gz/.zst), or - for stdin; or use --jaeger")
      ->type_name("INPUT");
  command.add_option("--format,-f", options.format, "Report format")
      ->check(CLI::IsMember(reports::ReportWriterNames()))
      ->capture_default_str();
  command
      .add_option("--output,-o", options.output,
                  "Write the report to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  command.add_flag("--strict", options.strict,
                   "Fail (exit 2) on the first undecodable trace instead of skipping it");
  command
      .add_option("--cp-mode", options.cp_mode,
                  "Critical-path semantics: jaeger (as Jaeger UI v2.15-v2.20 draws it) or "
                  "causal (chains back-to-back siblings, FOLLOWS_FROM non-blocking, orphans "
                  "analysed; see docs/critical-path-modes.md)")
      ->check(CLI::IsMember({"jaeger", "causal"}))
      ->capture_default_str();
  command.add_flag("--adjust-clock-skew", options.adjust_clock_skew,
                   "Apply Jaeger's clock-skew adjuster before analysis");
  AddJaegerOptions(command, options.jaeger, /*with_query=*/true);
}

int EmitReport(const CommonOptions& options,
               const std::function<void(std::ostream&, bool color, int width)>& render,
               std::ostream& out, std::ostream& err) {
  const bool to_stdout = options.output.empty() || options.output == "-";
  // Colour and the terminal's width only when the report really goes to a
  // terminal (not to a file, a pipe, or a test's string stream).
  const bool to_terminal = to_stdout && &out == &std::cout && StdoutIsTerminal();
  // Render completely before writing anything: never a half-written report.
  std::ostringstream buffer;
  render(buffer, to_terminal && options.format == "text" && ColorAllowed(),
         to_terminal ? TerminalWidth() : 100);
  if (to_stdout) {
    out << buffer.str();
    out.flush();
    return kExitOk;
  }
  const Status written = WriteFileAtomically(options.output, buffer.str(), options.inputs);
  if (!written.ok()) {
    err << "trace-analyze: error: " << written.error().message << '\n';
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace trace_analyze::cli
