// A trace is analysed whole wherever its spans sit: the TrainTicket OTLP
// file (fixtures/assembly/) and a Zipkin trace dealt over several files give
// the reports of the original file, in memory, spilled to disk with a tiny
// --assembly-memory, and through `partition` + `analyze`. Broken input among
// them is skipped and counted (fatal under --strict), and the spill folder is
// gone after every run.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "formats/ids.h"
#include "input/byte_source.h"
#include "tests/cli/cli_test_util.h"
#include "tests/testing/render_traces.h"
#include "tests/testing/scoped_env.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;

constexpr const char* kTrainTicket =
    "fixtures/assembly/nezha-trainticket_faultfree_2023-01-30T11-39_62traces.otlp.json.zst";
constexpr const char* kAscend = "fixtures/ingest/zipkin-lens_ascend.json";
constexpr size_t kTrainTicketTraces = 62;

// The file's bytes, decompressed.
std::string Decompressed(const std::string& path) {
  Result<std::unique_ptr<input::ByteSource>> raw = input::OpenFileSource(path);
  EXPECT_TRUE(raw.ok());
  Result<std::unique_ptr<input::ByteSource>> source =
      input::MakeDecodingSource(std::move(raw).value());
  EXPECT_TRUE(source.ok());
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    Result<size_t> n = source.value()->Read(buffer, sizeof(buffer));
    EXPECT_TRUE(n.ok());
    if (!n.ok() || n.value() == 0) break;
    out.append(buffer, n.value());
  }
  return out;
}

// Deals the spans of an OTLP document at random (fixed seed) into `files`
// documents, each span under a copy of its resource and scope, in order.
std::vector<std::string> DealOtlpSpans(const std::string& document, size_t files, uint64_t seed) {
  const Json doc = Json::parse(document);
  std::vector<Json> out(files, Json{{"resourceSpans", Json::array()}});
  Rng rng(seed);
  for (const Json& resource_spans : doc["resourceSpans"]) {
    std::vector<Json> resources(files, resource_spans);
    for (Json& r : resources) r["scopeSpans"] = Json::array();
    for (const Json& scope_spans : resource_spans["scopeSpans"]) {
      std::vector<Json> scopes(files, scope_spans);
      for (Json& s : scopes) s["spans"] = Json::array();
      for (const Json& span : scope_spans["spans"]) {
        scopes[rng.Below(files)]["spans"].push_back(span);
      }
      for (size_t f = 0; f < files; ++f) {
        if (!scopes[f]["spans"].empty()) resources[f]["scopeSpans"].push_back(scopes[f]);
      }
    }
    for (size_t f = 0; f < files; ++f) {
      if (!resources[f]["scopeSpans"].empty()) out[f]["resourceSpans"].push_back(resources[f]);
    }
  }
  std::vector<std::string> texts;
  for (const Json& d : out) texts.push_back(d.dump());
  return texts;
}

// An analyze JSON report without the input's file count and size, which
// differ between the original file and its pieces.
std::string WithoutInputSize(const std::string& report) {
  Json doc = Json::parse(report);
  doc["input"].erase("files");
  doc["input"].erase("bytes");
  return doc.dump(2);
}

class AssemblyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string original = Decompressed(kTrainTicket);
    original_ = dir_.File("trainticket.otlp.json", original);
    const std::vector<std::string> pieces = DealOtlpSpans(original, 3, 19);
    for (size_t i = 0; i < pieces.size(); ++i) {
      pieces_.push_back(dir_.File("piece-" + std::to_string(i) + ".otlp.json", pieces[i]));
    }
    fs::create_directories(spill_.path() / "tmp");
  }

  std::string Tmp() const { return (spill_.path() / "tmp").string(); }
  bool SpillFolderGone() const { return fs::is_empty(spill_.path() / "tmp"); }

  TempDir dir_;
  TempDir spill_;
  std::string original_;
  std::vector<std::string> pieces_;
};

TEST_F(AssemblyCliTest, TrainTicketDealtOverThreeFilesIsAnalysedWhole) {
  const CliRun whole = Tool({"analyze", original_, "--format", "json", "--top", "0"});
  const CliRun dealt = Tool(Concat({"analyze", "--format", "json", "--top", "0"}, pieces_));
  EXPECT_EQ(Json::parse(whole.out)["traces"], kTrainTicketTraces);
  EXPECT_EQ(Json::parse(dealt.out)["traces"], kTrainTicketTraces);
  EXPECT_EQ(Json::parse(dealt.out)["input"]["files"], 3);
  EXPECT_EQ(WithoutInputSize(dealt.out), WithoutInputSize(whole.out));
  // Each piece alone holds parts of (nearly) every trace.
  size_t traces_per_piece = 0;
  for (const std::string& piece : pieces_) {
    traces_per_piece +=
        Json::parse(Tool({"analyze", piece, "--format", "json"}).out)["traces"].get<size_t>();
  }
  EXPECT_GT(traces_per_piece, 2 * kTrainTicketTraces);
}

TEST_F(AssemblyCliTest, ATinyMemoryBudgetSpillsAndChangesNoReport) {
  ScopedTmpdir tmpdir(Tmp());
  for (const char* command : {"analyze", "critical-path"}) {
    const CliRun in_memory = Tool(Concat({command, "--format", "json"}, pieces_));
    for (const char* budget : {"0", "16K", "200K"}) {
      const CliRun spilled =
          Tool(Concat({command, "--format", "json", "--assembly-memory", budget}, pieces_));
      EXPECT_EQ(spilled.out, in_memory.out) << command << " --assembly-memory " << budget;
      EXPECT_TRUE(SpillFolderGone()) << command << " --assembly-memory " << budget;
    }
  }
  // The text report lists traces in delivery order, too.
  const CliRun text = Tool(Concat({"critical-path"}, pieces_));
  EXPECT_EQ(
      Tool(Concat({"critical-path", "--assembly-memory", "1K", "--threads", "1"}, pieces_)).out,
      text.out);
}

TEST_F(AssemblyCliTest, PartitionedShardsAnalyseAsTheInputs) {
  const std::string shards = (dir_.path() / "shards").string();
  const CliRun partition = Tool(Concat({"partition", "--shards", "4", "-o", shards}, pieces_));
  EXPECT_THAT(partition.err, HasSubstr("wrote 62 traces to 4 shards"));
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(shards)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"shard-000-of-004.jsonl", "shard-001-of-004.jsonl",
                                             "shard-002-of-004.jsonl", "shard-003-of-004.jsonl",
                                             "shard-inputs-of-004.ta-inputs"}));
  names.pop_back();
  // Every trace whole in the shard its id's FNV-1a hash names.
  std::set<std::string> seen;
  for (size_t shard = 0; shard < names.size(); ++shard) {
    std::istringstream lines(ReadFile(fs::path(shards) / names[shard]));
    for (std::string line; std::getline(lines, line);) {
      const Json trace = Json::parse(line);
      const std::string id = trace["traceID"];
      EXPECT_TRUE(seen.insert(id).second) << id << " in two shards";
      EXPECT_EQ(formats::TraceIdHash(id) % 4, shard) << id;
    }
  }
  EXPECT_EQ(seen.size(), kTrainTicketTraces);

  // The shards' report is the pieces' (the input section too: the record
  // stands for the shard files), and the original file's but for its size.
  const CliRun pieces = Tool(Concat({"analyze", "--format", "json", "--top", "0"}, pieces_));
  const CliRun sharded = Tool({"analyze", shards, "--format", "json", "--top", "0"});
  EXPECT_EQ(sharded.out, pieces.out);
  const CliRun whole = Tool({"analyze", original_, "--format", "json", "--top", "0"});
  EXPECT_EQ(WithoutInputSize(sharded.out), WithoutInputSize(whole.out));

  // Spilling while partitioning writes the same shards.
  ScopedTmpdir tmpdir(Tmp());
  const std::string again = (dir_.path() / "again").string();
  Tool(Concat({"partition", "-n", "4", "--assembly-memory", "8K", "-o", again}, pieces_));
  names.push_back("shard-inputs-of-004.ta-inputs");
  for (const std::string& name : names) {
    EXPECT_EQ(ReadFile(fs::path(again) / name), ReadFile(fs::path(shards) / name)) << name;
  }
  EXPECT_TRUE(SpillFolderGone());
}

// The Dask flow on one machine: partition the dealt pieces and a broken
// file, analyse each shard into a partial, merge in any order: byte for byte
// the report of the inputs, with their files, bytes and skipped trace (named
// by its file), and of the shards.
TEST_F(AssemblyCliTest, PartitionAnalysePartialsAndMergeIsTheInputsReport) {
  const std::string broken = dir_.File(
      "piece-3-broken.otlp.json",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000abcdef","spanId":"0000000000000002","name":"bad","startTimeUnixNano":{}}]}]}]})"
      "\n");
  const std::vector<std::string> inputs = Concat(pieces_, {broken});
  const std::string shards = (dir_.path() / "shards").string();
  const CliRun partition = Tool(Concat({"partition", "--shards", "4", "-o", shards}, inputs));
  EXPECT_THAT(partition.err, HasSubstr("warning: skipped " + broken + ": byte"));
  std::vector<std::string> parts;
  for (int i = 3; i >= 0; --i) {
    const std::string shard = fmt::format("{}/shard-{:03}-of-004.jsonl", shards, i);
    parts.push_back((dir_.path() / fmt::format("part-{}.tap", i)).string());
    const CliRun part = Tool({"analyze", shard, "--partial", "-o", parts.back()});
    EXPECT_EQ(part.err, "") << "partition warned about the skipped trace already";
  }
  const std::string merged_parts = (dir_.path() / "part-30.tap").string();
  Tool({"merge", "--partial", "-o", merged_parts, parts[0], parts[3]});
  for (const char* format : {"json", "text", "html"}) {
    const CliRun single = Tool(Concat({"analyze", "--format", format, "--top", "0"}, inputs));
    const CliRun sharded = Tool({"analyze", shards, "--format", format, "--top", "0"});
    const CliRun merged = Tool(Concat({"merge", "--format", format, "--top", "0"}, parts));
    const CliRun tree =
        Tool({"merge", "--format", format, "--top", "0", parts[2], merged_parts, parts[1]});
    EXPECT_EQ(merged.out, single.out) << format;
    EXPECT_EQ(tree.out, single.out) << format;
    EXPECT_EQ(sharded.out, single.out) << format;
  }
  const Json report =
      Json::parse(Tool(Concat({"merge", "--format", "json", "--top", "0"}, parts)).out);
  EXPECT_EQ(report["traces"], kTrainTicketTraces);
  EXPECT_EQ(report["input"]["files"], 4);
  EXPECT_EQ(report["input"]["problemsTotal"], 1);
  EXPECT_THAT(report["input"]["problems"][0].get<std::string>(), HasSubstr(broken + ": byte"));
  EXPECT_EQ(report["dataQuality"]["skippedTraces"], 1);

  // --strict refuses shards of inputs that had a trace skipped, as it
  // refuses the inputs.
  const CliRun strict = Tool({"analyze", "--strict", shards}, /*expected_exit=*/2);
  EXPECT_THAT(strict.err, HasSubstr("shard-inputs-of-004.ta-inputs: partition skipped 1 of its "
                                    "inputs, the first: " +
                                    broken + ": byte"));
  // A shard changed since: an input of its own, and said so.
  const std::string first = fmt::format("{}/shard-000-of-004.jsonl", shards);
  WriteFile(first, ReadFile(first) + "\n");
  const CliRun changed = Tool({"analyze", first, "--format", "json"});
  EXPECT_THAT(changed.err, HasSubstr(first + ": not the shard"));
  EXPECT_EQ(Json::parse(changed.out)["input"]["files"], 1);
  EXPECT_EQ(Json::parse(changed.out)["input"]["problemsTotal"], 0);
}

TEST_F(AssemblyCliTest, PartitionWritesEveryShardAndNeverOverAnInput) {
  const std::string shards = (dir_.path() / "many").string();
  Tool({"partition", "--shards", "100", original_, "-o", shards});
  size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(shards)) {
    EXPECT_THAT(e.path().filename().string(),
                ::testing::MatchesRegex("shard-[0-9]{3}-of-100\\.jsonl|"
                                        "shard-inputs-of-100\\.ta-inputs"));
    ++files;
  }
  EXPECT_EQ(files, 101u);
  // Shards without traces read as no trace, without a problem.
  const Json report = Json::parse(Tool({"analyze", shards, "--format", "json"}).out);
  EXPECT_EQ(report["traces"], kTrainTicketTraces);
  EXPECT_EQ(report["input"]["problemsTotal"], 0);
  // The shards as input, written over: refused.
  const CliRun refused =
      Tool({"partition", "--shards", "100", shards, "-o", shards}, /*expected_exit=*/2);
  EXPECT_THAT(refused.err, HasSubstr("refusing to overwrite an input file"));
}

TEST_F(AssemblyCliTest, ZipkinTraceSplitOverTwoFiles) {
  // The client halves in one file, the rest (server halves sharing their ids)
  // in another: the shared-span fix-up needs the whole trace.
  const Json spans = Json::parse(ReadFile(kAscend));
  Json clients = Json::array();
  Json others = Json::array();
  for (const Json& span : spans) {
    (span.value("kind", "") == "CLIENT" ? clients : others).push_back(span);
  }
  ASSERT_FALSE(clients.empty());
  ASSERT_FALSE(others.empty());
  const std::string a = dir_.File("clients.json", clients.dump());
  const std::string b = dir_.File("others.json", others.dump());
  const CliRun whole = Tool({"analyze", kAscend, "--format", "json"});
  const Json whole_report = Json::parse(whole.out);
  ASSERT_GT(whole_report["dataQuality"]["zipkinSharedSpans"], 0);
  ScopedTmpdir tmpdir(Tmp());
  for (const char* budget : {"256M", "0"}) {
    const CliRun split = Tool({"analyze", b, a, "--format", "json", "--assembly-memory", budget});
    EXPECT_EQ(Json::parse(split.out)["traces"], 1);
    EXPECT_EQ(WithoutInputSize(split.out), WithoutInputSize(whole.out)) << budget;
  }
  EXPECT_TRUE(SpillFolderGone());
  // Through Jaeger UI JSON shards: the split server halves count as before.
  const std::string shards = (dir_.path() / "zipkin-shards").string();
  Tool({"partition", "-n", "2", b, a, "-o", shards});
  const CliRun sharded = Tool({"analyze", shards, "--format", "json"});
  EXPECT_EQ(WithoutInputSize(sharded.out), WithoutInputSize(whole.out));
}

TEST_F(AssemblyCliTest, ABrokenSpanFileAmongThemIsSkippedCountedAndReported) {
  // A span of a trace of its own, then a span whose start is not a number.
  const std::string broken = dir_.File(
      "broken.jsonl",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000abcdef","spanId":"0000000000000001","name":"lone","startTimeUnixNano":"1675078732047000000","endTimeUnixNano":"1675078732048000000"}]}]}]})"
      "\n"
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000abcdef","spanId":"0000000000000002","name":"bad","startTimeUnixNano":{}}]}]}]})"
      "\n");
  const std::vector<std::string> inputs = {pieces_[0], pieces_[1], broken, pieces_[2]};
  ScopedTmpdir tmpdir(Tmp());
  const CliRun in_memory = Tool(Concat({"analyze", "--format", "json"}, inputs));
  const Json report = Json::parse(in_memory.out);
  EXPECT_EQ(report["traces"], kTrainTicketTraces + 1);
  EXPECT_EQ(report["input"]["problemsTotal"], 1);
  EXPECT_EQ(report["dataQuality"]["skippedTraces"], 1);
  EXPECT_THAT(in_memory.err, HasSubstr("warning: skipped " + broken + ": byte"));
  const CliRun spilled =
      Tool(Concat({"analyze", "--format", "json", "--assembly-memory", "4K"}, inputs));
  EXPECT_EQ(spilled.out, in_memory.out);
  EXPECT_TRUE(SpillFolderGone());

  // --strict: fatal, naming the file; spans spilled before it are cleaned up.
  for (const char* budget : {"256M", "4K"}) {
    const CliRun strict = Tool(
        Concat({"analyze", "--strict", "--format", "json", "--assembly-memory", budget}, inputs),
        /*expected_exit=*/2);
    EXPECT_THAT(strict.err, HasSubstr("error: " + broken + ": byte")) << budget;
    EXPECT_TRUE(strict.out.empty());
    EXPECT_TRUE(SpillFolderGone()) << budget;
  }
  // A failed partition leaves neither a shard nor a temporary file.
  const std::string shards = (dir_.path() / "failed").string();
  const CliRun failed = Tool(
      Concat({"partition", "--strict", "-n", "3", "--assembly-memory", "4K", "-o", shards}, inputs),
      /*expected_exit=*/2);
  EXPECT_THAT(failed.err, HasSubstr("error: " + broken + ": byte"));
  EXPECT_TRUE(fs::is_empty(shards));
  EXPECT_TRUE(SpillFolderGone());
}

TEST_F(AssemblyCliTest, AnUnwritableSpillFolderIsAnInputError) {
  ScopedTmpdir tmpdir((spill_.path() / "missing").string());
  const CliRun run =
      Tool(Concat({"analyze", "--assembly-memory", "1K"}, pieces_), /*expected_exit=*/2);
  EXPECT_THAT(run.err, HasSubstr("cannot make a folder for spilled spans"));
  EXPECT_THAT(run.err, HasSubstr("TMPDIR"));
  // Within the budget nothing is spilled, and the folder is never needed.
  Tool(Concat({"analyze"}, pieces_));
}

}  // namespace
}  // namespace trace_analyze::testing
