// Report files: written atomically (temporary file + rename) and never over
// an input, whatever name the input goes by (cli/output.cc).
#include "cli/output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kTrace = R"({"data":[{"traceID":"aa","spans":[
 {"spanID":"01","operationName":"GET /","startTime":1000,"duration":100,"processID":"p1"}],
 "processes":{"p1":{"serviceName":"gw"}}}]})";

size_t FilesIn(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(OutputTest, NeverOverwritesAnInputUnderAnyName) {
  TempDir dir;
  const std::string input = dir.File("t.json", kTrace);
  fs::create_directory(dir.path() / "sub");
  fs::create_symlink(input, dir.path() / "link.json");
  fs::create_hard_link(input, dir.path() / "hard.json");
  const std::string relative = (dir.path() / "sub" / ".." / "t.json").string();
  for (const std::string& target : {input, relative, (dir.path() / "link.json").string(),
                                    (dir.path() / "hard.json").string()}) {
    const CliRun run = RunTool({"analyze", input, "-o", target});
    EXPECT_EQ(run.exit_code, 2) << target;
    EXPECT_THAT(run.err, HasSubstr("refusing to overwrite an input file")) << target;
    // Also through --report, and with the input named through the link.
    const CliRun via_report =
        RunTool({"analyze", (dir.path() / "link.json").string(), "--report", "json=" + target});
    EXPECT_EQ(via_report.exit_code, 2) << target;
  }
  EXPECT_EQ(ReadFile(input), kTrace);
  EXPECT_EQ(FilesIn(dir.path()), 3u);  // t.json, hard.json, link.json: no temporary left
}

TEST(OutputTest, NeverOverwritesATraceFileInsideAnInputFolder) {
  TempDir dir;
  fs::create_directories(dir.path() / "traces" / "deep");
  const std::string trace = dir.File("traces/deep/a.json", kTrace);
  dir.File("traces/b.json", kTrace);
  CliRun run = RunTool({"analyze", (dir.path() / "traces").string(), "-o", trace});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("inside the input folder"));
  EXPECT_EQ(ReadFile(trace), kTrace);
  // A new report, or a file the folder reading would ignore, is fine.
  run = RunTool({"analyze", (dir.path() / "traces" / "b.json").string(), "-o",
                 (dir.path() / "traces" / "report.txt").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST(OutputTest, ConfigFileAndDuplicateTargetsAreRefused) {
  TempDir dir;
  const std::string input = dir.File("t.json", kTrace);
  const std::string config = dir.File("c.json", "{}");
  CliRun run = RunTool({"analyze", input, "--config", config, "-o", config});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(ReadFile(config), "{}");
  const std::string out = (dir.path() / "r.txt").string();
  run = RunTool(
      {"analyze", input, "-o", out, "--report", "json=" + (dir.path() / "." / "r.txt").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("two reports would be written to the same file"));
  EXPECT_FALSE(fs::exists(out));  // nothing written when any target is refused
}

TEST(OutputTest, ReplacesAtomicallyAndLeavesNothingBehindOnFailure) {
  TempDir dir;
  const std::string target = dir.File("report.txt", "old");
  struct stat before {};
  ASSERT_EQ(::stat(target.c_str(), &before), 0);
  ASSERT_TRUE(cli::WriteFileAtomically(target, "new", {}).ok());
  EXPECT_EQ(ReadFile(target), "new");
  struct stat after {};
  ASSERT_EQ(::stat(target.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);  // a new file renamed over, not rewritten in place
  EXPECT_EQ(FilesIn(dir.path()), 1u);

  // Target is a folder: an error, the folder untouched, no temporary left.
  fs::create_directory(dir.path() / "folder");
  const Status s = cli::WriteFileAtomically((dir.path() / "folder").string(), "x", {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, HasSubstr("cannot write"));
  EXPECT_EQ(FilesIn(dir.path()), 1u);

  // Missing parent folder: a clear error.
  const Status missing = cli::WriteFileAtomically((dir.path() / "no" / "r.txt").string(), "x", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("cannot create a temporary file"));
}

TEST(OutputTest, NoShellOutsInTheSources) {
  // Reports and inputs never reach a shell: no process-spawning call in the
  // product code (a grep, so that a new one fails here, in review).
  const std::regex spawn(
      R"(\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|fork|vfork|posix_spawnp?)\s*\()");
  for (const char* folder : {"analyzer", "jaeger_client", "reports", "cli"}) {
    for (const auto& e : fs::recursive_directory_iterator(folder)) {
      if (!e.is_regular_file()) continue;
      const std::string text = ReadFile(e.path());
      std::smatch m;
      EXPECT_FALSE(std::regex_search(text, m, spawn)) << e.path() << ": " << m.str();
    }
  }
}

}  // namespace
}  // namespace trace_analyze::testing
