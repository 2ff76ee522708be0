// Runs the CLI in-process and captures its output, for CLI and golden tests.
#ifndef TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "tests/testing/temp_dir.h"

namespace trace_analyze::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CliRun RunTool(std::vector<std::string> args) {
  args.insert(args.begin(), "trace-analyze");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliRun run;
  run.exit_code = cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_
