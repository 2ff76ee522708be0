// The command-line interface as a function, so tests run it in-process.
#ifndef TRACE_ANALYZE_CLI_CLI_H_
#define TRACE_ANALYZE_CLI_CLI_H_

#include <iosfwd>

namespace trace_analyze::cli {

// Documented exit codes (docs/user-guide.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitGateFailed = 1;
inline constexpr int kExitUsage = 2;  // usage or input error
inline constexpr int kExitBackend = 3;

// Runs `trace-analyze` with argv-style arguments (argv[0] is the program
// name). Reports go to `out`, diagnostics to `err`. Returns the exit code.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_CLI_H_
