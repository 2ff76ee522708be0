// `diff` and `verify` from partial results equal them from the traces: each
// side split into shards, the baseline's parts merged first (its findings
// decide what the candidate's shards collect), in every format; parts of the
// wrong side, or collected under another plan, are exit-2 errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DiffPartialCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = Shards("fixtures/diff/baseline.json", "bs");
    cand_ = Shards("fixtures/diff/candidate.json", "cs");
  }

  std::vector<std::string> Shards(const std::string& input, const std::string& name) {
    const std::string out = Out(name);
    Tool({"partition", "--shards", "3", input, "-o", out});
    std::vector<std::string> files;
    for (const fs::directory_entry& e : fs::directory_iterator(out)) {
      if (e.path().extension() == ".jsonl") files.push_back(e.path().string());  // not the record
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::string Out(const std::string& name) const { return (dir_.path() / name).string(); }

  // Stage 1: a baseline part per shard; their merge; stage 2: a candidate
  // part per shard under the merged baseline's plan. Returns the parts.
  std::pair<std::vector<std::string>, std::vector<std::string>> Parts(
      const std::vector<std::string>& options) {
    std::vector<std::string> b, c;
    for (size_t i = 0; i < base_.size(); ++i) {
      b.push_back(Out("b-" + std::to_string(i) + ".tap"));
      Tool(Concat({"diff", "-b", base_[i], "--partial", "-o", b.back()}, options));
    }
    // The baseline's parts merged by diff (which checks them against its
    // options), or by merge --partial, to the same bytes.
    const std::string merged = Out("base.tap");
    Tool(Concat(Concat({"diff", "--partial", "-o", merged, "-b"}, b), options));
    Tool(Concat({"merge", "--partial", "-o", Out("base-by-merge.tap")}, b));
    EXPECT_EQ(ReadFile(Out("base-by-merge.tap")), ReadFile(merged));
    for (size_t i = 0; i < cand_.size(); ++i) {
      c.push_back(Out("c-" + std::to_string(i) + ".tap"));
      Tool(Concat({"diff", "-b", merged, "-c", cand_[i], "--partial", "-o", c.back()}, options));
    }
    return {b, c};
  }

  TempDir dir_;
  std::vector<std::string> base_, cand_;
};

TEST_F(DiffPartialCliTest, DiffFromPartialsIsDiffFromTheTraces) {
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{},
        std::vector<std::string>{"--budget", "cart:GetCart=30ms", "--target",
                                 "p95_latency_reduction>=30%", "--top", "3"}}) {
    const auto [b, c] = Parts(options);
    std::vector<std::string> reversed_b(b.rbegin(), b.rend());
    for (const char* command : {"diff", "verify"}) {
      for (const char* format : {"json", "text", "markdown", "html", "junit"}) {
        const std::vector<std::string> report = Concat({"--format", format}, options);
        const CliRun expected =
            Tool(Concat(Concat(Concat(Concat({command, "-b"}, base_), {"-c"}), cand_), report));
        // Both sides as parts (the baseline in another order), and the
        // merged baseline with the candidate's traces.
        const CliRun parts =
            Tool(Concat(Concat(Concat(Concat({command, "-b"}, reversed_b), {"-c"}), c), report));
        EXPECT_EQ(parts.out, expected.out) << command << " " << format;
        const CliRun mixed =
            Tool(Concat(Concat(Concat({command, "-b", Out("base.tap"), "-c"}, cand_), {}), report));
        EXPECT_EQ(mixed.out, expected.out) << command << " " << format;
      }
    }
    EXPECT_THAT(Tool(Concat(Concat(Concat(Concat({"verify", "-b"}, b), {"-c"}), c), options)).out,
                HasSubstr("1. parallel — frontend POST /checkout: cart GetCart → pricing Quote → "
                          "inventory Reserve (fingerprint 50ef4b4cb7614a9a)"));
  }
}

TEST_F(DiffPartialCliTest, PartsOfTheWrongSideOrPlanAreErrors) {
  const auto [b, c] = Parts({});
  // A candidate part where a baseline part belongs.
  EXPECT_THAT(
      Tool({"diff", "-b", c[0], "-c", cand_[0]}, 2).err,
      HasSubstr(c[0] + ": a diff candidate partial, where a diff baseline partial is needed"));
  // A candidate part collected under another plan (one more expectation).
  const std::string expect = "frontend:POST /checkout>cart:GetCart,pricing:Quote";
  Tool({"diff", "-b", Out("base.tap"), "-c", cand_[0], "--expect", expect, "--partial", "-o",
        Out("c-expect.tap")});
  EXPECT_THAT(Tool({"diff", "-b", Out("base.tap"), "-c", Out("c-expect.tap")}, 2).err,
              HasSubstr(Out("c-expect.tap") + ": made with other diff settings"));
  EXPECT_EQ(Tool({"diff", "-b", Out("base.tap"), "-c", Out("c-expect.tap"), "--expect", expect})
                .exit_code,
            0);
  // Options that change the analysis must be the parts' own.
  EXPECT_THAT(
      Tool(Concat(Concat(Concat({"diff", "-b"}, b), {"-c"}), Concat(c, {"--cp-mode", "causal"})), 2)
          .err,
      HasSubstr("made with critical-path mode jaeger, this command's options with causal"));
  // An analyze part is not a diff side, and merge takes analyze parts only.
  Tool({"analyze", base_[0], "--partial", "-o", Out("a.tap")});
  EXPECT_THAT(Tool({"diff", "-b", Out("a.tap"), "-c", cand_[0]}, 2).err,
              HasSubstr("an analyze partial, where a diff baseline partial is needed"));
  EXPECT_THAT(Tool({"merge", b[0]}, 2).err,
              HasSubstr(b[0] + ": a diff baseline partial, where an analyze partial is needed"));
}

}  // namespace
}  // namespace trace_analyze::testing
