// HeldSpans: the spans of span-format inputs (OTLP, Zipkin, bare Jaeger
// spans) held across all the inputs of a run and assembled by trace id, so
// that a trace whose spans sit in several files is analysed whole. Traces
// come out after the last input, in order of first appearance: of their
// first span, over the inputs in order.
//
// Memory: spans are held as span records (formats/span_record.h) in blocks
// of 1 MiB, chained per trace. Once they take more than the budget, every
// held trace goes to its hash partition's file in a spill folder
// (spill_files.h) and the memory is reused. At the end each partition file
// is grouped by trace and sorted by first appearance into a second file, and
// the sorted partitions are merged: the traces, and their order, are those of
// the in-memory path. Layout of the files: docs/architecture.md.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_HELD_SPANS_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_HELD_SPANS_H_

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/status.h"
#include "analyzer/string_arena.h"
#include "formats/span_record.h"
#include "formats/trace_groups.h"
#include "input/internal/spill_files.h"

namespace trace_analyze::input::internal {

class HeldSpans {
 public:
  // Hash partitions of the spill folder. A partition is grouped by trace in
  // memory at the end (about 64 bytes plus the id per trace in it, the spans
  // stay on disk), and the merge reads all of them at once.
  static constexpr size_t kPartitions = 64;

  // `budget`: bytes of held spans (records and per-trace entries) beyond
  // which they are spilled; 0 spills every span at once.
  explicit HeldSpans(uint64_t budget) : budget_(budget) {}

  // The input the next spans come from (Trace::source of the traces that
  // first appear in it).
  void BeginSource(std::string_view name);

  // Holds span `index` of `staging` with its facts `info`; `zipkin` as for
  // AppendSpanRecord. An Error only when spilling fails.
  Status Add(const analyzer::Trace& staging, uint32_t index, const formats::StagedSpan& info,
             bool zipkin);

  // After the last Add: prepares the traces for Next.
  Status Finish();
  // Rebuilds the next trace, its source set, into *out (Finish()ed); false
  // once every trace was given.
  Result<bool> Next(formats::RecordedTrace* out);

  uint64_t spilled_bytes() const { return spilled_bytes_; }

 private:
  static constexpr uint64_t kNoRecord = ~uint64_t{0};
  struct HeldTrace {
    std::string_view id;  // in ids_
    uint64_t seq = 0;     // ordinal of its first span among all spans added
    uint64_t first = kNoRecord;
    uint64_t last = kNoRecord;  // locators of its first and last records
    uint64_t payload = 0;       // bytes of its records in a trace block
    uint32_t source = 0;        // index in sources_
    uint32_t spans = 0;
  };
  // A block of records in memory. A record's entry: the locator of the next
  // record of its trace (8 bytes, kNoRecord for the last), the record's
  // length (varint) and the record.
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  static constexpr size_t kBlockSize = size_t{1} << 20;

  // A trace block's header in a spill file.
  struct BlockHeader {
    uint64_t seq = 0;
    uint64_t source = 0;
    std::string id;
    uint64_t spans = 0;
    uint64_t payload = 0;
  };
  // A sorted partition being merged: its reader and the header of its next
  // trace block.
  struct MergeHead {
    std::unique_ptr<SpillReader> reader;
    BlockHeader header;
    bool live = false;
  };

  HeldTrace& FindOrAdd(std::string_view id);
  // Room for an entry of `n` bytes; returns its locator.
  uint64_t Allocate(size_t n);
  char* At(uint64_t locator) { return blocks_[locator >> 32].data.get() + (locator & 0xffffffff); }
  // Calls fn(record) for each record of `trace`, in order.
  template <class Fn>
  void ForEachRecord(const HeldTrace& trace, Fn&& fn);
  // Writes every held trace to its partition file and forgets them.
  Status Spill();
  // Groups partition `p`'s file by trace, sorted by seq, into sorted_[p].
  Status SortPartition(size_t p);
  // Reads the next block header of `head`, or marks it done.
  Status Advance(MergeHead* head);
  Result<bool> NextInMemory(formats::RecordedTrace* out);
  Result<bool> NextMerged(formats::RecordedTrace* out);
  void SetSource(uint64_t source, formats::RecordedTrace* out) const;

  uint64_t budget_;
  uint64_t held_bytes_ = 0;
  uint64_t spans_added_ = 0;

  std::vector<std::string> sources_;  // inputs that gave spans
  std::string pending_source_;        // the current input, until it gives a span
  bool source_pending_ = false;

  std::vector<HeldTrace> traces_;                          // in order of first appearance
  absl::flat_hash_map<std::string_view, uint32_t> index_;  // id -> traces_ index
  analyzer::StringArena ids_;
  std::vector<Block> blocks_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in it
  std::string record_;

  // Spilling.
  SpillDir dir_;
  std::array<std::unique_ptr<SpillFile>, kPartitions> raw_;
  std::array<std::unique_ptr<SpillFile>, kPartitions> sorted_;
  std::string write_buffer_;
  uint64_t spilled_bytes_ = 0;
  bool spilled_ = false;

  // Giving the traces out.
  size_t next_ = 0;  // in memory: the next trace of traces_
  std::vector<MergeHead> heads_;
  std::string payload_;
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_HELD_SPANS_H_
