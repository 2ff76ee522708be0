// --threads N changes how fast, never what: every report of a big input
// (real traces, hostile ones, a broken line) is byte-identical for 1, 2, 3
// and 8 decoding threads, and equal to the default.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

// A JSON Lines file over 4 MiB (read on the threaded path): copies of the
// hotel-reservation fixture trace under new ids, with hostile traces and a
// broken line among them.
std::string BigMixedInput() {
  const std::string hotel =
      ReadFile("fixtures/traces/dsb-hotelreservation_single_00202d6c6c17bfe5.json");
  // The fixture is an envelope {"data": [trace]}: one line per trace.
  std::string line;
  for (char c : hotel) {
    if (c != '\n') line += c;
  }
  std::string out;
  for (int i = 0; out.size() < (size_t{5} << 20); ++i) {
    std::string copy = line;
    const std::string id = fmt::format("{:016x}", 0x100000 + i);
    for (size_t at = copy.find("00202d6c6c17bfe5"); at != std::string::npos;
         at = copy.find("00202d6c6c17bfe5", at + id.size())) {
      copy.replace(at, id.size(), id);
    }
    out += copy;
    out += '\n';
    if (i % 97 == 5) {  // a parent cycle, a self reference and a duplicate id
      out += fmt::format(
          R"({{"traceID":"{:x}","spans":[)"
          R"({{"traceID":"{:x}","spanID":"a","operationName":"op","startTime":1000,"duration":100,"references":[{{"refType":"CHILD_OF","spanID":"b"}}],"processID":"p1"}},)"
          R"({{"traceID":"{:x}","spanID":"b","operationName":"op","startTime":1010,"duration":50,"references":[{{"refType":"CHILD_OF","spanID":"a"}}],"processID":"p1"}},)"
          R"({{"traceID":"{:x}","spanID":"b","operationName":"dup","startTime":1020,"duration":5,"processID":"p1"}}],)"
          R"("processes":{{"p1":{{"serviceName":"svc"}}}}}})"
          "\n",
          0xbad000 + i, 0xbad000 + i, 0xbad000 + i, 0xbad000 + i);
    }
    if (i % 211 == 7)
      out += R"({"traceID":"cut","spans":[{"spanID":"x")"
             "\n";
  }
  return out;
}

TEST(ThreadsCliTest, ReportsAreIdenticalForAnyNumberOfThreads) {
  TempDir dir;
  const std::string file = dir.File("big.jsonl", BigMixedInput());
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"analyze", file, "--format", "json", "--top", "0"},
        std::vector<std::string>{"analyze", file, "--format", "json", "--cp-mode", "causal"},
        std::vector<std::string>{"critical-path", file, "--format", "json"}}) {
    const CliRun reference = RunTool(command);
    ASSERT_EQ(reference.exit_code, 0) << reference.err;
    ASSERT_NE(reference.err.find("skipped"), std::string::npos);  // the broken lines
    for (const char* threads : {"1", "2", "3", "8"}) {
      std::vector<std::string> args = command;
      args.insert(args.end(), {"--threads", threads});
      const CliRun run = RunTool(args);
      EXPECT_EQ(run.exit_code, reference.exit_code) << command[0] << " --threads " << threads;
      EXPECT_EQ(run.err, reference.err) << command[0] << " --threads " << threads;
      EXPECT_TRUE(run.out == reference.out) << command[0] << " --threads " << threads;
    }
  }
}

TEST(ThreadsCliTest, ZeroThreadsIsAUsageError) {
  const CliRun run = RunTool({"analyze", "fixtures/traces", "--threads", "0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--threads"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace trace_analyze::testing
