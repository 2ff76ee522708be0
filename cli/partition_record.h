// The record `partition` writes beside its shard files: what it read (files,
// bytes, skipped input with the files it was found in, decode counters) and
// each shard's name and size. An analysis that reads shard files reports the
// record instead of the shard files (FindPartitionShards), so that the shards'
// report, or their partials merged, has the input section of the partition's
// inputs (docs/scale-out.md).
#ifndef TRACE_ANALYZE_CLI_PARTITION_RECORD_H_
#define TRACE_ANALYZE_CLI_PARTITION_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/data_quality.h"
#include "analyzer/status.h"
#include "input/input.h"

namespace trace_analyze::cli {

// Input problems a report lists (the first ones, in read order); the rest are
// only counted.
inline constexpr size_t kMaxListedProblems = 20;

struct PartitionRecord {
  uint64_t files = 0;
  uint64_t bytes = 0;  // uncompressed bytes read
  uint64_t problems_total = 0;
  std::vector<input::InputProblem> problems;  // the first kMaxListedProblems, in read order
  analyzer::DataQuality quality;              // decode-level counters (ReadStats::quality)
  // Each shard file: its name in the folder and its size in bytes.
  std::vector<std::pair<std::string, uint64_t>> shards;
};

// "shard-003-of-016.jsonl": numbered from 0, at least three digits.
std::string PartitionShardName(size_t shard, size_t shards);
// "shard-inputs-of-016.ta-inputs": beside the shards; not a trace file name,
// so reading the folder does not take it for traces.
std::string PartitionRecordName(size_t shards);

// JSON, one object; DecodePartitionRecord reads exactly what Encode writes
// and names `path` in its errors (kInput).
std::string EncodePartitionRecord(const PartitionRecord& record);
Result<PartitionRecord> DecodePartitionRecord(std::string_view text, std::string_view path);

// The shards of partitions among the files an analysis reads (`inputs` as
// ReadInputs takes them: files, folders, "-"). A file is a shard when it is
// named PartitionShardName(K, N), the folder holding it has the record of N,
// and the record lists it with its current size; a file of a shard's name
// that fails the size check is an ordinary input (and named in
// `mismatched`). Errors: a record that cannot be read or parsed, a folder
// that cannot be listed.
struct PartitionShards {
  uint64_t files = 0;  // shard files among the inputs
  uint64_t bytes = 0;  // their sizes
  // The record of each partition whose first shard (K = 0) is read: the
  // analysis reports it once, in place of all its shard files.
  std::vector<PartitionRecord> records;
  std::vector<std::string> record_paths;  // beside `records`
  std::vector<std::string> mismatched;    // "<shard>: <why>"
};
Result<PartitionShards> FindPartitionShards(std::span<const std::string> inputs);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_PARTITION_RECORD_H_
