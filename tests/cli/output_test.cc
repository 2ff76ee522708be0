// Report files: written atomically (temporary file + rename) and never over
// an input, whatever name the input goes by (cli/output.cc).
#include "cli/output.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"
#include "tests/testing/scoped_env.h"

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

// `count` traces of a root and nine children, as JSON Lines: about 2.5 KB of
// `critical-path --format json` each.
std::string ManyTraces(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    std::string spans = fmt::format(
        R"({{"spanID":"r","operationName":"GET /","startTime":{},"duration":1000,"processID":"p1"}})",
        1'700'000'000'000'000 + int64_t{i} * 10'000);
    for (int k = 0; k < 9; ++k) {
      spans += fmt::format(
          R"(,{{"spanID":"c{}","operationName":"call {}","startTime":{},"duration":90,)"
          R"("processID":"p1","references":[{{"refType":"CHILD_OF","traceID":"{:016x}",)"
          R"("spanID":"r"}}]}})",
          k, k, 1'700'000'000'000'000 + int64_t{i} * 10'000 + 5 + int64_t{k} * 100, 0xf00 + i);
    }
    out +=
        fmt::format(
            R"({{"traceID":"{:016x}","spans":[{}],"processes":{{"p1":{{"serviceName":"gw"}}}}}})",
            0xf00 + i, spans) +
        "\n";
  }
  return out;
}

TEST(OutputTest, AReportThatCannotBeWrittenLeavesTheOldOneAndNoTemporary) {
  TempDir dir;
  const std::string input = dir.File("t.jsonl", ManyTraces(300));
  const std::string report = dir.File("report.json", "old");
  CliRun run;
  {
    // The report (~750 KB) cannot grow past 128 KB, as on a full disk.
    const ScopedFileSizeLimit limit(128 << 10);
    run = RunTool({"critical-path", input, "--format", "json", "-o", report, "--report",
                   "text=" + (dir.path() / "report.txt").string()});
  }
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("write failed"));
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(ReadFile(report), "old");
  EXPECT_FALSE(fs::exists(dir.path() / "report.txt"));  // none renamed when one fails
  EXPECT_EQ(FilesIn(dir.path()), 2u);                   // t.jsonl, report.json
}

TEST(OutputTest, ASpillThatCannotBeWrittenFailsTheRunBeforeAnyOutput) {
  TempDir dir;
  // ~7.5 MB of JSON: more than a report keeps in memory (WriteOptions::spill_bytes).
  const std::string input = dir.File("t.jsonl", ManyTraces(3000));
  const ScopedTmpdir tmpdir((dir.path() / "missing").string());
  const std::string report = (dir.path() / "report.json").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"critical-path", input, "--format", "json", "-o", report},
        std::vector<std::string>{"critical-path", input, "--format", "json"}}) {
    const CliRun run = RunTool(args);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.err, HasSubstr("cannot create a temporary file for the report"));
    EXPECT_EQ(run.out, "");  // stdout gets nothing either
    EXPECT_EQ(FilesIn(dir.path()), 1u);
  }
}

TEST(OutputTest, AFolderWhereNoFileCanBeCreatedIsAnError) {
  TempDir dir;
  const std::string input = dir.File("t.json", kTrace);
  // Root ignores a folder's permissions, not sysfs's.
  fs::create_directory(dir.path() / "ro");
  fs::permissions(dir.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const fs::path folder = ::geteuid() == 0 ? fs::path("/sys") : dir.path() / "ro";
  const std::string report = (folder / "trace-analyze-report.json").string();
  const CliRun run = RunTool({"critical-path", input, "--format", "json", "-o", report});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("cannot create a temporary file"));
  EXPECT_FALSE(fs::exists(report));
  fs::permissions(dir.path() / "ro", fs::perms::owner_all);
}

TEST(OutputTest, AFolderThatVanishesBeforeTheRenameLeavesNothing) {
  TempDir dir;
  fs::create_directory(dir.path() / "out");
  const std::string target = (dir.path() / "out" / "report.txt").string();
  Result<std::unique_ptr<cli::AtomicFile>> file = cli::AtomicFile::Create(target, {});
  ASSERT_TRUE(file.ok()) << file.error().message;
  file.value()->stream() << "report";
  EXPECT_EQ(FilesIn(dir.path()), 1u);  // the temporary file
  fs::remove_all(dir.path() / "out");
  const Status committed = file.value()->Commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_THAT(committed.error().message, HasSubstr(target));
  file.value().reset();
  EXPECT_TRUE(fs::is_empty(dir.path()));
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
