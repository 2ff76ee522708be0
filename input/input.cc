// ReadInputs / DecodeBuffer: wiring of sources, the splitting pipeline and
// the decoders (see input.h for the contract).
#include "input/input.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "input/byte_source.h"
#include "input/input_files.h"
#include "input/internal/batch.h"
#include "input/internal/delivery.h"
#include "input/internal/pipeline.h"
#include "input/internal/unit_decoder.h"
#include "input/threads.h"

namespace trace_analyze::input {
namespace {

// Read/batch buffer size. First-touch page faults are expensive
// (docs/performance.md), so a few small reused buffers beat big ones: 2 MiB
// with padding is exactly one transparent huge page.
constexpr size_t kMaxChunk = (size_t{2} << 20) - internal::PaddedBuffer::kPadding;
constexpr size_t kMinChunk = size_t{64} << 10;
// Inputs at least this big (or of unknown size: pipes, stdin) are split on a
// reader thread; for smaller ones a thread costs more than it saves.
constexpr uint64_t kThreadedFrom = uint64_t{4} << 20;

// A buffer that holds a small input whole, so it is read in one go.
size_t ChunkSizeFor(uint64_t size_hint) {
  if (size_hint == 0) return kMaxChunk;
  return static_cast<size_t>(std::clamp<uint64_t>(size_hint + 1, kMinChunk, kMaxChunk));
}

// Decoding lanes for `options`.
size_t Lanes(const ReadOptions& options) {
  return options.threads > 0 ? options.threads : AvailableCores();
}

Error Named(std::string_view name, const Error& error) {
  return Error{error.code, fmt::format("{}: {}", name, error.message)};
}

class Reader {
 public:
  // `delivery` must outlive the reader; `lanes` >= 1 decoding lanes.
  Reader(const ReadOptions& options, size_t lanes, internal::Delivery* delivery, ReadStats* stats)
      : options_(options), stats_(stats), decoder_(options, lanes, delivery, stats) {}

  Status ReadPath(const std::string& path) {
    std::error_code ec;
    if (path != "-" && std::filesystem::is_directory(path, ec)) {
      Result<std::vector<std::string>> files = ListTraceFiles(path);
      if (!files.ok()) return files.error();
      for (const std::string& file : files.value()) {
        if (Status s = ReadFile(file); !s.ok()) return s;
      }
      return OkStatus();
    }
    return ReadFile(path);
  }

  Status ReadBuffer(std::string_view bytes, std::string_view name) {
    Result<std::unique_ptr<ByteSource>> source =
        MakeDecodingSource(std::make_unique<MemorySource>(bytes), options_.decompress);
    if (!source.ok()) return Named(name, source.error());
    internal::PipelineOptions options;
    options.chunk_size = ChunkSizeFor(bytes.size());
    options.max_unit_bytes = options_.max_unit_bytes;
    options.stream_trace_bytes = options_.stream_trace_bytes;
    return Decode(source.value().get(), name, options, /*carry_on=*/false);
  }

  // After the last input: the traces assembled from spans.
  Status Finish() { return decoder_.Finish(); }

 private:
  Status ReadFile(const std::string& path) {
    const std::string name = path == "-" ? "<stdin>" : path;
    Result<std::unique_ptr<ByteSource>> raw = OpenFileSource(path);
    if (!raw.ok()) return Named(name, raw.error());
    const uint64_t raw_size = raw.value()->SizeHint();
    Result<std::unique_ptr<ByteSource>> source =
        MakeDecodingSource(std::move(raw).value(), options_.decompress);
    if (!source.ok()) return Named(name, source.error());
    ++stats_->files;
    internal::PipelineOptions options;
    options.chunk_size = ChunkSizeFor(source.value()->SizeHint());
    options.max_unit_bytes = options_.max_unit_bytes;
    options.stream_trace_bytes = options_.stream_trace_bytes;
    options.threaded = raw_size == 0 || raw_size >= kThreadedFrom;
    return Decode(source.value().get(), name, options, /*carry_on=*/!options_.strict);
  }

  // With `carry_on`, an input that stops being readable part-way (truncated,
  // garbage, not a trace document) keeps the traces before that point; the
  // rest of it is a reported problem, and the other inputs are still read.
  // Files carry on unless --strict; a buffer (a server's response) does not:
  // its caller decides what a broken body means.
  Status Decode(ByteSource* source, std::string_view name, const internal::PipelineOptions& options,
                bool carry_on) {
    decoder_.BeginSource(name);
    internal::SplitFailure failure;
    if (Status s = internal::RunPipeline(source, name, options, &pool_, &decoder_, &stats_->bytes,
                                         carry_on ? &failure : nullptr);
        !s.ok()) {
      return s;
    }
    if (failure.failed) {
      stats_->problems.push_back({std::string(name), failure.offset, "",
                                  failure.what + "; the rest of this input was skipped"});
    }
    return OkStatus();
  }

  const ReadOptions& options_;
  ReadStats* stats_;
  internal::BatchPool pool_;
  internal::UnitDecoder decoder_;
};

Status ReadAll(std::span<const std::string> inputs, const ReadOptions& options, size_t lanes,
               internal::Delivery* delivery, ReadStats* stats) {
  ReadStats unused;
  Reader reader(options, lanes, delivery, stats != nullptr ? stats : &unused);
  for (const std::string& input : inputs) {
    if (Status s = reader.ReadPath(input); !s.ok()) return s;
  }
  return reader.Finish();
}

}  // namespace

std::string InputProblem::ToString() const {
  if (trace_id.empty()) return fmt::format("{}: byte {}: {}", source, offset, message);
  return fmt::format("{}: byte {}: trace {}: {}", source, offset, trace_id, message);
}

Status ReadInputs(std::span<const std::string> inputs, const ReadOptions& options,
                  const formats::TraceCallback& on_trace, ReadStats* stats) {
  internal::Delivery delivery(on_trace);
  return ReadAll(inputs, options, Lanes(options), &delivery, stats);
}

Status ReadInputs(std::span<const std::string> inputs, const ReadOptions& options,
                  analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace,
                  ReadStats* stats) {
  const size_t lanes = Lanes(options);
  internal::Delivery delivery(analyzer, on_trace, lanes);
  return ReadAll(inputs, options, lanes, &delivery, stats);
}

Status DecodeBuffer(std::string_view bytes, std::string_view source_name,
                    const ReadOptions& options, const formats::TraceCallback& on_trace,
                    ReadStats* stats) {
  ReadStats unused;
  internal::Delivery delivery(on_trace);
  // A buffer is decoded inline (ReadBuffer): one lane, and no look at the
  // machine's cores for each server response.
  Reader reader(options, /*lanes=*/1, &delivery, stats != nullptr ? stats : &unused);
  if (Status s = reader.ReadBuffer(bytes, source_name); !s.ok()) return s;
  return reader.Finish();
}

}  // namespace trace_analyze::input
