// The record `partition` writes beside its shards: names, the round trip of
// any file name and message, and errors naming the file.
#include "cli/partition_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace trace_analyze::cli {
namespace {

using ::testing::HasSubstr;

TEST(PartitionRecordTest, Names) {
  EXPECT_EQ(PartitionShardName(3, 16), "shard-003-of-016.jsonl");
  EXPECT_EQ(PartitionShardName(12, 1000), "shard-0012-of-1000.jsonl");
  EXPECT_EQ(PartitionRecordName(4), "shard-inputs-of-004.ta-inputs");
}

TEST(PartitionRecordTest, RoundTripKeepsEveryByte) {
  PartitionRecord r;
  r.files = 3;
  r.bytes = 123456789012;
  r.problems_total = 250;
  r.problems.push_back({"dir with space/50% \xff.json", 59, "", "field 'x': expected a string"});
  r.problems.push_back({"-", 0, "00ab", "line\nbreak\ttab"});
  r.quality.skipped_traces = 249;
  r.quality.empty_traces = 1;
  r.shards = {{"shard-000-of-002.jsonl", 10}, {"shard-001-of-002.jsonl", 12}};
  const std::string text = EncodePartitionRecord(r);
  Result<PartitionRecord> back = DecodePartitionRecord(text, "rec");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(EncodePartitionRecord(back.value()), text);
  const PartitionRecord& b = back.value();
  EXPECT_EQ(b.bytes, r.bytes);
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].source, r.problems[0].source);
  EXPECT_EQ(b.problems[1].source, "-");
  EXPECT_EQ(b.problems[1].message, r.problems[1].message);
  EXPECT_EQ(b.problems[0].trace_id, "");
  EXPECT_EQ(b.quality.skipped_traces, 249u);
  EXPECT_EQ(b.shards, r.shards);
}

TEST(PartitionRecordTest, ErrorsNameTheFileAndLine) {
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty"},
           {"{\"data\":[]}\n", "line 1: not a partition record: expected the header"},
           {"trace-analyze partition record 1\nfiles x\n", "line 2"},
           {"trace-analyze partition record 1\nfiles 1", "does not end"},
           {"trace-analyze partition record 1\nquality nope 1\n", "data-quality counter"},
           {"trace-analyze partition record 1\nproblem 1 a%zz - m\n", "'problem' needs"},
           {"trace-analyze partition record 1\nproblems 0\nproblem 1 a - m\n", "more problems"},
           {"trace-analyze partition record 1\nwhat 1\n", "unknown line 'what'"},
       }) {
    Result<PartitionRecord> r = DecodePartitionRecord(text, "dir/rec.ta-inputs");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_THAT(r.error().message, HasSubstr("dir/rec.ta-inputs: ")) << text;
    EXPECT_THAT(r.error().message, HasSubstr(why)) << text;
  }
}

}  // namespace
}  // namespace trace_analyze::cli
