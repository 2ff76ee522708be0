#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <ostream>
#include <vector>

#include "cli/commands.h"

namespace trace_analyze::cli {

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "trace-analyze: finds latency bottlenecks in distributed traces (Jaeger, OTLP, Zipkin)",
      "trace-analyze"};
  app.set_version_flag("--version", "trace-analyze 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Run 'trace-analyze COMMAND --help' for a command's options and examples.\n"
      "Exit codes: 0 success, 1 a gate/target failed, 2 usage or input error, "
      "3 backend/network error.");

  const std::vector<Command> commands = {AddAnalyzeCommand(app),  AddCriticalPathCommand(app),
                                         AddServicesCommand(app), AddOperationsCommand(app),
                                         AddFetchCommand(app),    AddDiffCommand(app),
                                         AddVerifyCommand(app),   AddPartitionCommand(app),
                                         AddMergeCommand(app),    AddSniffCommand(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0 in CLI11.
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run(out, err);
  }
  return kExitUsage;  // unreachable: require_subcommand(1)
}

}  // namespace trace_analyze::cli
