// `analyze --partial` + `merge` render exactly what `analyze` renders over
// all the inputs, in every format, for random splits of the traces into 2-16
// parts merged in random orders and tree shapes; broken, foreign or
// mismatched parts are exit-2 errors naming the file.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "partial/partial.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/jaeger_json.h"
#include "tests/testing/render_traces.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr size_t kShards = 16;
constexpr const char* kHotelSingle =
    "fixtures/traces/dsb-hotelreservation_single_00202d6c6c17bfe5.json";
using Json = nlohmann::ordered_json;
const std::vector<std::string> kFormats = {"json",  "text",      "markdown",   "html",
                                           "junit", "collapsed", "openmetrics"};

// 20 traces with a sequential run whose members run in both orders: a
// high-confidence finding, for the --fail-on-findings gate.
std::string GateTraces() {
  std::vector<analyzer::Trace> traces;
  for (int i = 0; i < 20; ++i) {
    TraceBuilder b(fmt::format("{:032x}", 0xa000 + i),
                   1'700'000'000'000'000 + int64_t{i} * 100'000);
    b.Span("p", "", "api", "handle", 0, 20'000);
    const bool flip = i % 2 == 1;
    b.Span("x", "p", "svc", flip ? "SmallY" : "SmallX", 10'100, 600);
    b.Span("y", "p", "svc", flip ? "SmallX" : "SmallY", 10'710, 600);
    traces.push_back(b.Build());
  }
  return JaegerJson(traces);
}

// The fixtures' traces dealt by trace id into kShards files (once per suite).
class MergeCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string shards = (dir_->path() / "shards").string();
    Tool({"partition", "--shards", std::to_string(kShards), "-o", shards,
          dir_->File("gate.json", GateTraces()),
          "fixtures/findings/onlineboutique_faultfree_120traces.json.zst",
          "fixtures/findings/onlineboutique_productcatalog-delay_120traces.json.zst",
          "fixtures/findings/dsb-hotelreservation_load25_200traces.json.zst",
          "fixtures/traces/zipkin-lens_yelp.json"});
    shards_ = new std::vector<std::string>();
    for (const fs::directory_entry& e : fs::directory_iterator(shards)) {
      if (e.path().extension() == ".jsonl") shards_->push_back(e.path().string());  // no record
    }
    std::sort(shards_->begin(), shards_->end());
  }
  static void TearDownTestSuite() {
    delete shards_;
    delete dir_;
  }

  std::string Out(const std::string& name) const { return (work_.path() / name).string(); }

  // `analyze` over every shard: the reference.
  CliRun Reference(const std::vector<std::string>& options, int exit = 0) const {
    return Tool(Concat(Concat({"analyze"}, *shards_), options), exit);
  }

  // Analyses a random split of the shards into 2-16 parts (with `options`),
  // then merges them in a random order and tree shape down to at most three
  // parts; returns those.
  std::vector<std::string> SplitAndMerge(Rng& rng, const std::vector<std::string>& options) {
    std::vector<std::string> shards = *shards_;
    for (size_t i = shards.size(); i > 1; --i) std::swap(shards[i - 1], shards[rng.Below(i)]);
    const size_t k = 2 + rng.Below(kShards - 1);
    std::vector<std::vector<std::string>> parts(k);
    for (size_t i = 0; i < shards.size(); ++i) {
      parts[i < k ? i : rng.Below(k)].push_back(shards[i]);
    }
    std::vector<std::string> taps;
    for (size_t i = 0; i < k; ++i) {
      const std::string tap = Out(fmt::format("part-{}-{}.tap", round_, i));
      Tool(Concat(Concat(Concat({"analyze", "--partial", "-o", tap}, parts[i]), options), {}));
      taps.push_back(tap);
    }
    size_t merges = 0;
    while (taps.size() > 3) {
      // Two to four parts, anywhere in the list, become one.
      const size_t n = std::min<size_t>(taps.size(), 2 + rng.Below(3));
      std::vector<std::string> group;
      for (size_t j = 0; j < n; ++j) {
        const size_t at = rng.Below(taps.size());
        group.push_back(taps[at]);
        taps.erase(taps.begin() + static_cast<ptrdiff_t>(at));
      }
      const std::string merged = Out(fmt::format("merged-{}-{}.tap", round_, merges++));
      Tool(Concat({"merge", "--partial", "-o", merged}, group));
      taps.push_back(merged);
    }
    ++round_;
    return taps;
  }

  static TempDir* dir_;
  static std::vector<std::string>* shards_;
  TempDir work_;
  int round_ = 0;
};

TempDir* MergeCliTest::dir_ = nullptr;
std::vector<std::string>* MergeCliTest::shards_ = nullptr;

TEST_F(MergeCliTest, RandomSplitsMergeToTheReportOfAllInputsInEveryFormat) {
  ASSERT_EQ(shards_->size(), kShards);
  Rng rng(20261207);
  for (const std::vector<std::string>& analysis :
       {std::vector<std::string>{}, std::vector<std::string>{"--cp-mode", "causal"},
        std::vector<std::string>{"--min-saving", "100", "--n-plus-one-min-calls", "3"},
        std::vector<std::string>{"--approx-quantiles"}}) {
    const std::vector<std::string> parts = SplitAndMerge(rng, analysis);
    for (const std::string& format : kFormats) {
      for (const char* top : {"10", "0"}) {
        const std::vector<std::string> report = {"--format", format, "--top", top};
        const CliRun expected = Reference(Concat(analysis, report));
        const CliRun merged = Tool(Concat(Concat({"merge"}, parts), report));
        EXPECT_EQ(merged.out, expected.out)
            << format << " --top " << top << " " << (analysis.empty() ? "" : analysis[0]);
      }
    }
  }
}

// --approx-quantiles: every latency, per-service/operation and call-pattern
// saving percentile within 0.5 % (+ rounding to whole µs) of the exact one;
// the rest of the report is the same.
TEST_F(MergeCliTest, ApproximateQuantilesAreWithinTheirBound) {
  Json exact = Json::parse(Reference({"--format", "json", "--top", "0"}).out);
  Json approx =
      Json::parse(Reference({"--format", "json", "--top", "0", "--approx-quantiles"}).out);
  size_t compared = 0;
  for (const char* section : {"latency", "services", "operations"}) {
    ASSERT_EQ(exact[section].size(), approx[section].size()) << section;
    for (size_t i = 0; i < exact[section].size(); ++i) {
      for (auto& [key, value] : exact[section][i].items()) {
        const Json& other = approx[section][i][key];
        const bool percentile = key.size() > 3 && key[0] == 'p' && key.ends_with("Us");
        if (!percentile) {
          EXPECT_EQ(other, value) << section << " " << key;
          continue;
        }
        const auto e = value.get<double>();
        EXPECT_LE(std::abs(other.get<double>() - e), 0.005 * e + 0.5) << section << " " << key;
        ++compared;
      }
    }
    exact.erase(section);
    approx.erase(section);
  }
  EXPECT_GT(compared, 300u);
  // Findings: call patterns' savings percentiles from sketches (shares
  // within 0.5 % plus the rounding to 4 decimals), the numbers in their
  // sentences too; sequential findings (fewer visits than the sample holds)
  // exactly.
  const auto digitless = [](std::string text) {
    std::erase_if(text, [](char c) { return c >= '0' && c <= '9'; });
    return text;
  };
  size_t findings = 0;
  ASSERT_EQ(exact["findings"].size(), approx["findings"].size());
  for (size_t i = 0; i < exact["findings"].size(); ++i) {
    Json& e = exact["findings"][i];
    Json& a = approx["findings"][i];
    if (e["kind"] == "sequential") continue;
    ++findings;
    for (const char* saving : {"optimistic", "realistic"}) {
      for (auto& [key, value] : e["savings"][saving].items()) {
        Json& other = a["savings"][saving][key];
        const auto v = value.get<double>();
        const double bound = key.ends_with("Us") ? 0.005 * v + 0.5 : 0.005 * v + 1e-4;
        if (key != "totalUs") {
          EXPECT_LE(std::abs(other.get<double>() - v), bound) << key;
        }
        other = value;
      }
    }
    for (const char* key : {"callsP50", "callsMax"}) {
      const auto v = e[key].get<double>();
      EXPECT_LE(std::abs(a[key].get<double>() - v), 0.005 * v + 0.5) << key;
      a[key] = e[key];
    }
    ASSERT_EQ(e["reasons"].size(), a["reasons"].size());
    for (size_t r = 0; r < e["reasons"].size(); ++r) {
      EXPECT_EQ(digitless(a["reasons"][r].get<std::string>()),
                digitless(e["reasons"][r].get<std::string>()));
      a["reasons"][r] = e["reasons"][r];
    }
  }
  EXPECT_GE(findings, 4u);
  EXPECT_EQ(approx.dump(), exact.dump());
}

// --approx-quantiles with more visits of a parent operation than the
// sequential detector's sample holds (4,096): parts sample and evict, and
// still merge, in any tree, to the report of one run over all the inputs.
TEST_F(MergeCliTest, SampledRunsMergeToTheSingleRunInJsonAndText) {
  constexpr int kTraces = 9'000;
  constexpr size_t kParts = 5;
  Rng rng(20261208);
  std::vector<std::vector<analyzer::Trace>> parts(kParts);
  for (int i = 0; i < kTraces; ++i) {
    TraceBuilder b(fmt::format("{:032x}", 0x5a3e0000 + i),
                   1'700'000'000'000'000 + int64_t{i} * 100'000);
    const int64_t d = 600 + (i * 7919) % 300;
    b.Span("p", "", "api", "handle", 0, 10 * d);
    const std::array<const char*, 3> ops = {"GetCart", "ListProducts", "Convert"};
    for (int64_t k = 0; k < 3; ++k) {
      b.Span(fmt::format("c{}", k), "p", "svc", ops[(k + i) % 3], 100 + k * (d + 10), d + k * 37);
    }
    parts[rng.Below(kParts)].push_back(b.Build());
  }
  std::vector<std::string> files, taps;
  for (size_t i = 0; i < kParts; ++i) {
    files.push_back(work_.File(fmt::format("sampled-{}.json", i), JaegerJson(parts[i])));
    taps.push_back(Out(fmt::format("sampled-{}.tap", i)));
    Tool({"analyze", files.back(), "--partial", "--approx-quantiles", "-o", taps.back()});
  }
  for (size_t merges = 0; taps.size() > 2; ++merges) {
    const size_t at = rng.Below(taps.size() - 1);
    const std::string merged = Out(fmt::format("sampled-merged-{}.tap", merges));
    Tool({"merge", "--partial", "-o", merged, taps[at + 1], taps[at]});
    taps.erase(taps.begin() + static_cast<ptrdiff_t>(at),
               taps.begin() + static_cast<ptrdiff_t>(at) + 2);
    taps.push_back(merged);
  }
  for (const char* format : {"json", "text"}) {
    const std::vector<std::string> report = {"--format", format, "--top", "0"};
    const CliRun expected =
        Tool(Concat(Concat(Concat({"analyze"}, files), {"--approx-quantiles"}), report));
    EXPECT_THAT(expected.out, HasSubstr("Estimated from the chains of a sample of whole traces "
                                        "(4096 of the 9000 visits"));
    EXPECT_EQ(Tool(Concat(Concat({"merge"}, taps), report)).out, expected.out) << format;
  }
}

// A merged part is an output like any other: the same parts merge to the same
// bytes in every run, although each process hashes in its own order.
TEST_F(MergeCliTest, MergedPartsAreTheSameBytesInEveryRun) {
  for (const std::vector<std::string>& analysis :
       {std::vector<std::string>{}, std::vector<std::string>{"--approx-quantiles"}}) {
    std::vector<std::vector<std::string>> groups(4);
    for (size_t i = 0; i < shards_->size(); ++i) groups[i % groups.size()].push_back((*shards_)[i]);
    std::vector<std::string> taps;
    for (size_t i = 0; i < groups.size(); ++i) {
      taps.push_back(Out(fmt::format("same-{}.tap", i)));
      Tool(Concat(Concat({"analyze", "--partial", "-o", taps.back()}, groups[i]), analysis));
    }
    const std::string first = Out("same-merged-0.tap");
    Tool(Concat({"merge", "--partial", "-o", first}, taps));
    for (int run = 1; run < 4; ++run) {
      const std::string again = Out(fmt::format("same-merged-{}.tap", run));
      Tool(Concat({"merge", "--partial", "-o", again}, taps));
      EXPECT_EQ(ReadFile(again), ReadFile(first))
          << "run " << run << (analysis.empty() ? "" : " --approx-quantiles");
    }
  }
}

TEST_F(MergeCliTest, GateFilesAndTheInputSectionAreThoseOfAnalyze) {
  Rng rng(7);
  const std::vector<std::string> parts = SplitAndMerge(rng, {});
  // --fail-on-findings: the same exit code and report; -o and --report files.
  const CliRun expected = Reference({"--fail-on-findings", "--format", "junit", "-o", Out("a.xml"),
                                     "--report", "html=" + Out("a.html")},
                                    1);
  const CliRun merged =
      Tool(Concat(Concat({"merge"}, parts), {"--fail-on-findings", "--format", "junit", "-o",
                                             Out("b.xml"), "--report", "html=" + Out("b.html")}),
           1);
  EXPECT_EQ(merged.err, expected.err);
  EXPECT_EQ(ReadFile(Out("b.xml")), ReadFile(Out("a.xml")));
  EXPECT_EQ(ReadFile(Out("b.html")), ReadFile(Out("a.html")));
  EXPECT_THAT(ReadFile(Out("b.xml")), HasSubstr("<testsuite"));
  // The input line is that of the 5 files partitioned into the 16 shards
  // (their record stands for the shard files).
  const CliRun text = Tool(Concat(Concat({"merge"}, parts), {"--format", "json"}));
  EXPECT_THAT(text.out, HasSubstr("\"files\": 5,"));
  // A folder of parts is its *.tap files.
  const fs::path folder = work_.path() / "parts";
  fs::create_directories(folder);
  for (const std::string& p : parts) fs::copy_file(p, folder / fs::path(p).filename());
  EXPECT_EQ(Tool({"merge", folder.string(), "--format", "json"}).out, text.out);
}

TEST_F(MergeCliTest, BrokenForeignAndMismatchedPartsAreErrorsNamingTheFile) {
  const std::string a = Out("a.tap");
  const std::string causal = Out("causal.tap");
  Tool({"analyze", (*shards_)[0], "--partial", "-o", a});
  Tool({"analyze", (*shards_)[1], "--partial", "-o", causal, "--cp-mode", "causal"});
  const std::string bytes = ReadFile(a);

  const auto merge_error = [&](const std::string& name, const std::string& content) {
    const std::string path = Out(name);
    WriteFile(path, content);
    const CliRun run = Tool({"merge", a, path, "--format", "json"}, 2);
    EXPECT_EQ(run.out, "");
    return run.err;
  };
  EXPECT_EQ(merge_error("cut.tap", bytes.substr(0, bytes.size() / 2)),
            fmt::format("trace-analyze: error: {}: truncated partial result: its header announces "
                        "{} bytes of data, the file holds {}\n",
                        Out("cut.tap"), bytes.size() - 44, bytes.size() / 2 - 44));
  std::string flipped = bytes;
  flipped[bytes.size() / 3] ^= 4;
  EXPECT_EQ(merge_error("flip.tap", flipped), "trace-analyze: error: " + Out("flip.tap") +
                                                  ": corrupt partial result: checksum mismatch\n");
  std::string version = bytes;
  version[8] = 9;
  EXPECT_THAT(merge_error("v2.tap", version),
              HasSubstr(Out("v2.tap") + fmt::format(": partial format version 9; this "
                                                    "trace-analyze reads version {} ",
                                                    partial::kFormatVersion)));
  EXPECT_EQ(merge_error("traces.tap", ReadFile((*shards_)[2])),
            "trace-analyze: error: " + Out("traces.tap") +
                ": not a trace-analyze partial result (no partial header)\n");
  EXPECT_EQ(merge_error("empty.tap", ""),
            "trace-analyze: error: " + Out("empty.tap") +
                ": not a trace-analyze partial result (no partial header)\n");

  CliRun mode = Tool({"merge", a, causal}, 2);
  EXPECT_EQ(mode.err, "trace-analyze: error: " + causal +
                          ": made with critical-path mode causal, " + a + " with jaeger\n");
  const std::string approx = Out("approx.tap");
  Tool({"analyze", (*shards_)[1], "--partial", "-o", approx, "--approx-quantiles"});
  EXPECT_EQ(Tool({"merge", a, approx}, 2).err, "trace-analyze: error: " + approx +
                                                   ": made with quantiles --approx-quantiles, " +
                                                   a + " with exact\n");
  const std::string saving = Out("saving.tap");
  Tool({"analyze", (*shards_)[1], "--partial", "-o", saving, "--min-saving", "1"});
  EXPECT_THAT(Tool({"merge", a, saving}, 2).err,
              HasSubstr(saving + ": made with other detector settings"));
  EXPECT_THAT(Tool({"merge", Out("missing.tap")}, 2).err,
              HasSubstr(Out("missing.tap") + ": no such file or folder"));
  // --partial needs a file; a failed merge leaves no output.
  EXPECT_THAT(Tool({"merge", a, "--partial"}, 2).err, HasSubstr("--partial needs -o FILE"));
  Tool({"merge", a, causal, "--partial", "-o", Out("never.tap")}, 2);
  EXPECT_FALSE(fs::exists(Out("never.tap")));
  // Never over a part.
  EXPECT_THAT(Tool({"merge", a, "--partial", "-o", a}, 2).err,
              HasSubstr(a + ": refusing to overwrite an input file"));
  EXPECT_EQ(ReadFile(a), bytes);
  // analyze --partial refuses report options it cannot honour.
  EXPECT_THAT(Tool({"analyze", (*shards_)[0], "--partial", "-o", Out("x.tap"), "--report",
                    "html=" + Out("x.html")},
                   2)
                  .err,
              HasSubstr("--partial writes no report"));
}

// Skipped traces in three files, 30 problems: the merge lists the first 20
// in file and byte order, as `analyze` lists them reading the files in
// that order, and counts all 30.
TEST_F(MergeCliTest, ListedProblemsAreTheFirstTwentyInFileAndByteOrder) {
  std::vector<std::string> files, parts;
  for (int f = 0; f < 3; ++f) {
    std::string data = "{\"data\": [";
    for (int i = 0; i < 10; ++i) {
      // Varying lengths, so byte offsets of one file differ in digits.
      data += fmt::format("{}{{\"traceID\": \"{:x}\", \"spans\": \"no\"{}}}", i ? ", " : "",
                          0xbad00 + f * 16 + i, std::string(static_cast<size_t>(i * 40), ' '));
    }
    // One trace to read after them (a file of skipped traces alone is an error).
    const Json trace = Json::parse(ReadFile(kHotelSingle))["data"][0];
    data += ", " + trace.dump() + "]}";
    files.push_back(work_.File(fmt::format("p{}.json", f), data));
  }
  for (size_t f = 0; f < files.size(); ++f) {
    parts.push_back(Out(fmt::format("p{}.tap", f)));
    Tool({"analyze", files[f], "--partial", "-o", parts.back()});
  }
  const CliRun expected = Tool(Concat({"analyze", "--format", "json"}, files));
  std::reverse(parts.begin(), parts.end());
  const CliRun merged = Tool(Concat({"merge", "--format", "json"}, parts));
  EXPECT_EQ(merged.out, expected.out);
  EXPECT_THAT(merged.out, HasSubstr("\"problemsTotal\": 30"));
  EXPECT_THAT(merged.out, HasSubstr("p1.json: byte 1813: trace 00000000000bad19"));
  EXPECT_THAT(merged.out, ::testing::Not(HasSubstr("p2.json")));
}

// Every truncation of a part, and flips of its bits, through the CLI: exit 2
// with the file's name, never a crash or a report.
TEST_F(MergeCliTest, EveryTruncationAndManyBitFlipsExitTwo) {
  const std::string a = Out("a.tap");
  Tool({"analyze", (*shards_)[3], "--partial", "-o", a});
  const std::string bytes = ReadFile(a);
  const std::string broken = Out("broken.tap");
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 32) {
    WriteFile(broken, bytes.substr(0, n));
    const CliRun run = Tool({"merge", broken}, 2);
    EXPECT_THAT(run.err, HasSubstr(broken + ": ")) << n;
  }
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    std::string flipped = bytes;
    const size_t bit = rng.Below(bytes.size() * 8);
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    WriteFile(broken, flipped);
    const CliRun run = Tool({"merge", broken}, 2);
    EXPECT_THAT(run.err, HasSubstr(broken + ": ")) << bit;
  }
}

}  // namespace
}  // namespace trace_analyze::testing
