#include "input/internal/held_spans.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <utility>

#include "formats/ids.h"

namespace trace_analyze::input::internal {
namespace {

// Memory of a held trace besides its records: its entry and its slot in the
// index (with the hash table's slack).
constexpr uint64_t kTraceOverhead = 96;
// Spill files are written in pieces of about this size.
constexpr size_t kWriteChunk = size_t{1} << 20;

// FNV-1a's low bits depend on few input bits; a finaliser (MurmurHash3's)
// spreads the whole word over them before taking the partition.
size_t PartitionOf(std::string_view id) {
  uint64_t h = formats::TraceIdHash(id);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<size_t>(h % HeldSpans::kPartitions);
}

Error Corrupt(std::string_view what) {
  return Error{ErrorCode::kInput, std::string("spilled spans: ") + std::string(what)};
}

}  // namespace

void HeldSpans::BeginSource(std::string_view name) {
  pending_source_.assign(name);
  source_pending_ = true;
}

HeldSpans::HeldTrace& HeldSpans::FindOrAdd(std::string_view id) {
  if (auto it = index_.find(id); it != index_.end()) return traces_[it->second];
  const std::string_view stored = ids_.Store(id);
  HeldTrace& trace = traces_.emplace_back();
  trace.id = stored;
  trace.seq = spans_added_;
  trace.source = static_cast<uint32_t>(sources_.size() - 1);
  index_.emplace(stored, static_cast<uint32_t>(traces_.size() - 1));
  held_bytes_ += kTraceOverhead + id.size();
  return trace;
}

uint64_t HeldSpans::Allocate(size_t n) {
  while (block_ < blocks_.size()) {
    if (blocks_[block_].size - used_ >= n) {
      const uint64_t locator = (uint64_t{block_} << 32) | used_;
      used_ += n;
      return locator;
    }
    ++block_;
    used_ = 0;
  }
  const size_t size = std::max(n, kBlockSize);
  blocks_.push_back({std::make_unique_for_overwrite<char[]>(size), size});
  block_ = blocks_.size() - 1;
  used_ = n;
  return uint64_t{block_} << 32;
}

Status HeldSpans::Add(const analyzer::Trace& staging, uint32_t index,
                      const formats::StagedSpan& info, bool zipkin) {
  if (source_pending_) {
    sources_.push_back(std::move(pending_source_));
    source_pending_ = false;
  }
  HeldTrace& trace = FindOrAdd(info.trace_id);
  record_.clear();
  formats::AppendSpanRecord(staging, index, info, zipkin, &record_);
  std::string length;
  formats::AppendVarint(record_.size(), &length);
  const size_t n = sizeof(uint64_t) + length.size() + record_.size();
  const uint64_t locator = Allocate(n);
  char* p = At(locator);
  std::memcpy(p, &kNoRecord, sizeof(uint64_t));
  std::copy(length.begin(), length.end(), p + sizeof(uint64_t));
  std::copy(record_.begin(), record_.end(), p + sizeof(uint64_t) + length.size());
  if (trace.last == kNoRecord) {
    trace.first = locator;
  } else {
    std::memcpy(At(trace.last), &locator, sizeof(uint64_t));
  }
  trace.last = locator;
  ++trace.spans;
  trace.payload += length.size() + record_.size();
  held_bytes_ += n;
  ++spans_added_;
  if (held_bytes_ > budget_) return Spill();
  return OkStatus();
}

template <class Fn>
void HeldSpans::ForEachRecord(const HeldTrace& trace, Fn&& fn) {
  for (uint64_t locator = trace.first; locator != kNoRecord;) {
    const char* p = At(locator);
    const size_t offset = locator & 0xffffffff;
    std::string_view rest(p + sizeof(uint64_t),
                          blocks_[locator >> 32].size - offset - sizeof(uint64_t));
    uint64_t length = 0;
    formats::ReadVarint(&rest, &length);  // written by Add: cannot fail
    fn(rest.substr(0, length));
    std::memcpy(&locator, p, sizeof(uint64_t));
  }
}

Status HeldSpans::Spill() {
  if (traces_.empty()) return OkStatus();
  spilled_ = true;
  // The held traces by partition, each partition in order of first appearance.
  std::vector<uint8_t> partition(traces_.size());
  std::array<size_t, kPartitions + 1> begin{};
  for (size_t t = 0; t < traces_.size(); ++t) {
    partition[t] = static_cast<uint8_t>(PartitionOf(traces_[t].id));
    ++begin[partition[t] + 1];
  }
  std::partial_sum(begin.begin(), begin.end(), begin.begin());
  std::vector<uint32_t> order(traces_.size());
  std::array<size_t, kPartitions> fill{};
  std::copy(begin.begin(), begin.end() - 1, fill.begin());
  for (size_t t = 0; t < traces_.size(); ++t)
    order[fill[partition[t]]++] = static_cast<uint32_t>(t);

  for (size_t p = 0; p < kPartitions; ++p) {
    if (begin[p] == begin[p + 1]) continue;
    if (raw_[p] == nullptr) {
      Result<std::unique_ptr<SpillFile>> file = dir_.NewFile();
      if (!file.ok()) return file.error();
      raw_[p] = std::move(file).value();
    }
    write_buffer_.clear();
    for (size_t k = begin[p]; k < begin[p + 1]; ++k) {
      const HeldTrace& trace = traces_[order[k]];
      formats::AppendVarint(trace.seq, &write_buffer_);
      formats::AppendVarint(trace.source, &write_buffer_);
      formats::AppendBytes(trace.id, &write_buffer_);
      formats::AppendVarint(trace.spans, &write_buffer_);
      formats::AppendVarint(trace.payload, &write_buffer_);
      ForEachRecord(trace,
                    [&](std::string_view record) { formats::AppendBytes(record, &write_buffer_); });
      if (write_buffer_.size() >= kWriteChunk) {
        if (Status s = raw_[p]->Append(write_buffer_); !s.ok()) return s;
        spilled_bytes_ += write_buffer_.size();
        write_buffer_.clear();
      }
    }
    if (Status s = raw_[p]->Append(write_buffer_); !s.ok()) return s;
    spilled_bytes_ += write_buffer_.size();
  }
  traces_.clear();
  index_.clear();
  ids_.Reset();
  block_ = 0;
  used_ = 0;
  held_bytes_ = 0;
  return OkStatus();
}

namespace {

Status ReadHeader(SpillReader* reader, uint64_t* seq, uint64_t* source, std::string* id,
                  uint64_t* spans, uint64_t* payload) {
  uint64_t id_size = 0;
  for (uint64_t* v : {seq, source, &id_size}) {
    if (Status s = reader->ReadVarint(v); !s.ok()) return s;
  }
  if (Status s = reader->Read(id_size, id); !s.ok()) return s;
  if (Status s = reader->ReadVarint(spans); !s.ok()) return s;
  return reader->ReadVarint(payload);
}

}  // namespace

Status HeldSpans::SortPartition(size_t p) {
  const SpillFile& raw = *raw_[p];
  // Per trace: its first appearance, and its blocks in file order (linked
  // through Segment::next).
  struct Entry {
    std::string_view id;
    uint64_t seq = 0;
    uint64_t source = 0;
    uint64_t spans = 0;
    uint64_t payload = 0;
    uint32_t first = 0;
    uint32_t last = 0;
  };
  struct Segment {
    uint64_t offset = 0;
    uint64_t size = 0;
    uint32_t next = UINT32_MAX;
  };
  std::vector<Entry> entries;
  std::vector<Segment> segments;
  absl::flat_hash_map<std::string_view, uint32_t> by_id;
  analyzer::StringArena ids;

  SpillReader reader(&raw);
  BlockHeader h;
  while (!reader.at_end()) {
    if (Status s = ReadHeader(&reader, &h.seq, &h.source, &h.id, &h.spans, &h.payload); !s.ok()) {
      return s;
    }
    const uint64_t offset = reader.tell();
    if (Status s = reader.Skip(h.payload); !s.ok()) return s;
    const auto segment = static_cast<uint32_t>(segments.size());
    segments.push_back({offset, h.payload, UINT32_MAX});
    auto it = by_id.find(h.id);
    if (it == by_id.end()) {
      const std::string_view id = ids.Store(h.id);
      entries.push_back({id, h.seq, h.source, h.spans, h.payload, segment, segment});
      by_id.emplace(id, static_cast<uint32_t>(entries.size() - 1));
      continue;
    }
    Entry& e = entries[it->second];
    // Blocks are written in input order, so the first one holds the
    // earliest span; min() only guards against a corrupt file.
    if (h.seq < e.seq) {
      e.seq = h.seq;
      e.source = h.source;
    }
    e.spans += h.spans;
    e.payload += h.payload;
    segments[e.last].next = segment;
    e.last = segment;
  }

  std::vector<uint32_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return entries[a].seq < entries[b].seq; });

  Result<std::unique_ptr<SpillFile>> file = dir_.NewFile();
  if (!file.ok()) return file.error();
  SpillFile& sorted = *file.value();
  write_buffer_.clear();
  for (uint32_t i : order) {
    const Entry& e = entries[i];
    formats::AppendVarint(e.seq, &write_buffer_);
    formats::AppendVarint(e.source, &write_buffer_);
    formats::AppendBytes(e.id, &write_buffer_);
    formats::AppendVarint(e.spans, &write_buffer_);
    formats::AppendVarint(e.payload, &write_buffer_);
    for (uint32_t s = e.first; s != UINT32_MAX; s = segments[s].next) {
      const size_t at = write_buffer_.size();
      write_buffer_.resize(at + segments[s].size);
      if (Status st = raw.ReadAt(segments[s].offset, segments[s].size, write_buffer_.data() + at);
          !st.ok()) {
        return st;
      }
      if (write_buffer_.size() >= kWriteChunk) {
        if (Status st = sorted.Append(write_buffer_); !st.ok()) return st;
        write_buffer_.clear();
      }
    }
  }
  if (Status s = sorted.Append(write_buffer_); !s.ok()) return s;
  write_buffer_.clear();
  sorted_[p] = std::move(file).value();
  raw_[p].reset();  // its disk space is given back
  return OkStatus();
}

Status HeldSpans::Finish() {
  next_ = 0;
  if (!spilled_) return OkStatus();
  if (Status s = Spill(); !s.ok()) return s;
  blocks_.clear();
  write_buffer_.shrink_to_fit();
  for (size_t p = 0; p < kPartitions; ++p) {
    if (raw_[p] == nullptr) continue;
    if (Status s = SortPartition(p); !s.ok()) return s;
  }
  heads_.clear();
  for (size_t p = 0; p < kPartitions; ++p) {
    if (sorted_[p] == nullptr) continue;
    MergeHead& head = heads_.emplace_back();
    head.reader = std::make_unique<SpillReader>(sorted_[p].get());
    if (Status s = Advance(&head); !s.ok()) return s;
  }
  return OkStatus();
}

Status HeldSpans::Advance(MergeHead* head) {
  head->live = !head->reader->at_end();
  if (!head->live) return OkStatus();
  BlockHeader& h = head->header;
  return ReadHeader(head->reader.get(), &h.seq, &h.source, &h.id, &h.spans, &h.payload);
}

void HeldSpans::SetSource(uint64_t source, formats::RecordedTrace* out) const {
  analyzer::Trace& trace = out->trace();
  trace.source = source < sources_.size() ? trace.arena.Store(sources_[source]) : "";
}

Result<bool> HeldSpans::Next(formats::RecordedTrace* out) {
  return spilled_ ? NextMerged(out) : NextInMemory(out);
}

Result<bool> HeldSpans::NextInMemory(formats::RecordedTrace* out) {
  if (next_ == traces_.size()) return false;
  const HeldTrace& trace = traces_[next_++];
  out->Begin(trace.id);
  bool ok = true;
  ForEachRecord(trace, [&](std::string_view record) { ok = ok && out->Add(record); });
  if (!ok) return Corrupt(fmt::format("trace {}: a malformed record", trace.id));
  out->Finish();
  SetSource(trace.source, out);
  return true;
}

Result<bool> HeldSpans::NextMerged(formats::RecordedTrace* out) {
  MergeHead* best = nullptr;
  for (MergeHead& head : heads_) {
    if (head.live && (best == nullptr || head.header.seq < best->header.seq)) best = &head;
  }
  if (best == nullptr) return false;
  const BlockHeader& h = best->header;
  if (Status s = best->reader->Read(h.payload, &payload_); !s.ok()) return s.error();
  out->Begin(h.id);
  std::string_view in = payload_;
  for (uint64_t i = 0; i < h.spans; ++i) {
    std::string_view record;
    if (!formats::ReadBytes(&in, &record) || !out->Add(record)) {
      return Corrupt(fmt::format("trace {}: a malformed record", h.id));
    }
  }
  if (!in.empty()) return Corrupt(fmt::format("trace {}: more bytes than records", h.id));
  out->Finish();
  SetSource(h.source, out);
  if (Status s = Advance(best); !s.ok()) return s.error();
  return true;
}

}  // namespace trace_analyze::input::internal
