// Runs the CLI in-process and captures its output, for CLI and golden tests.
#ifndef TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_

#include <gtest/gtest.h>

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

// RunTool, expecting `expected_exit` (else a test failure showing stderr).
inline CliRun Tool(std::vector<std::string> args, int expected_exit = 0) {
  CliRun run = RunTool(std::move(args));
  EXPECT_EQ(run.exit_code, expected_exit) << run.err;
  return run;
}

// `a` followed by `b`: arguments built from parts.
inline std::vector<std::string> Concat(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_CLI_CLI_TEST_UTIL_H_
