// Reading traces from files, folders and stdin: format sniffing, streaming,
// decompression, and per-trace error isolation.
#ifndef TRACE_ANALYZE_INPUT_INPUT_H_
#define TRACE_ANALYZE_INPUT_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/critical_path.h"
#include "analyzer/data_quality.h"
#include "analyzer/model.h"
#include "analyzer/status.h"
#include "formats/trace_callback.h"
#include "input/byte_source.h"

namespace trace_analyze::input {

struct ReadOptions {
  // When true the first undecodable trace or document is a fatal error;
  // otherwise it is skipped, counted and reported, and reading goes on.
  bool strict = false;
  // One JSON value that must be held whole (a trace, an OTLP document, a
  // whole object of unknown shape) larger than this is an error for its
  // input: memory is bounded by it (simdjson needs a few times the value's
  // size on top). 1 GiB is about two million Jaeger spans in one trace.
  uint64_t max_unit_bytes = uint64_t{1} << 30;
  // A Jaeger trace longer than this (bytes of JSON) is not held as text: its
  // spans are decoded in runs, on every decoding lane, as they are read, so
  // memory holds the decoded trace but not its text. Results do not depend
  // on it (except the byte offsets some syntax errors name); tests lower it.
  uint64_t stream_trace_bytes = uint64_t{8} << 20;
  // Decompression bomb guard for .gz/.zst input (byte_source.h).
  DecompressLimits decompress = {};
  // Threads that decode (and, reading into a TraceAnalyzer, analyse) big
  // inputs at once; 0: one per core available to the process
  // (AvailableCores in threads.h). Results do not depend on it.
  size_t threads = 0;
  // Memory for the spans of span formats (OTLP, Zipkin, bare Jaeger spans),
  // which are held until the last input so that each trace is assembled
  // whole wherever its spans sit. Beyond it they are spilled to a private
  // folder under $TMPDIR (else /tmp), removed at the end, and the traces are
  // assembled from there: the same traces, in the same order, slower. The
  // held spans and one entry per trace count against it; 0 spills every span.
  // The reader's buffers and the traces being analysed come on top.
  uint64_t assembly_memory = uint64_t{256} << 20;
};

// Problems kept in ReadStats::problems; the rest are only counted, so a file
// of a million broken traces cannot exhaust memory with messages.
inline constexpr size_t kMaxKeptProblems = 100;

// One skipped piece of input, e.g. "traces.json: byte 1834: trace 4bf9...:
// span 3: 'duration' is a string, expected a number".
struct InputProblem {
  std::string source;    // file name, or "<stdin>"
  uint64_t offset = 0;   // byte offset of the problem (or of the document holding it)
  std::string trace_id;  // "" when unknown
  std::string message;

  std::string ToString() const;
};

struct ReadStats {
  uint64_t files = 0;
  uint64_t bytes = 0;                  // uncompressed bytes read
  std::vector<InputProblem> problems;  // the first kMaxKeptProblems, in input order
  uint64_t problems_total = 0;         // all of them
  // Decode-level counters (skipped_traces, empty_traces). Per-trace counters
  // (non_hex_ids, ...) travel in Trace::quality instead.
  analyzer::DataQuality quality;
  // Bytes of span records written to the spill folder
  // (ReadOptions::assembly_memory); 0 when the spans fitted in memory.
  uint64_t spilled_bytes = 0;
};

// Reads every input in order. An input is a file, a folder (recursively: files
// ending in .json, .jsonl, .ndjson, optionally followed by .gz or .zst; sorted
// by path) or "-" for stdin. The format (Jaeger UI JSON, OTLP JSON, Zipkin v2
// JSON, JSON Lines of any of them, gzip/zstd compression) is sniffed from the
// content, never taken from the file name. A file that cannot be opened is
// an Error (kInput). Unless options.strict, a bad trace is a problem in
// `stats`, and so is an input that stops being readable part-way (truncated,
// not JSON, not traces): the traces before that point are kept and reading
// goes on with the next input. Under options.strict both are Errors.
//
// Whole traces (Jaeger UI JSON) are delivered as they are read. Spans of
// span formats (OTLP, Zipkin, bare Jaeger spans) are assembled by trace id
// over all the inputs: each such trace is delivered once, whole, after the
// last input, in order of first appearance over the inputs in order; its
// `source` is the input of its first span. Held spans beyond
// options.assembly_memory are spilled to disk (ReadOptions).
Status ReadInputs(std::span<const std::string> inputs, const ReadOptions& options,
                  const formats::TraceCallback& on_trace, ReadStats* stats);

// Called after each trace was added to the analyzer, in input order, one call
// at a time, with the trace and its critical path (both valid during the
// call only).
using AnalyzedTraceCallback =
    std::function<void(const analyzer::Trace&, const analyzer::CriticalPath&)>;

// ReadInputs, each trace analysed by `analyzer` as it is read: the per-trace
// work (TraceAnalyzer::Prepare) runs on whichever thread decoded the trace,
// while it is in that core's cache; traces are then added in input order, so
// the result is that of TraceAnalyzer::Analyze on every trace in turn.
// `on_trace` may be empty.
Status ReadInputs(std::span<const std::string> inputs, const ReadOptions& options,
                  analyzer::TraceAnalyzer& analyzer, const AnalyzedTraceCallback& on_trace,
                  ReadStats* stats);

// Decodes one in-memory document of any supported format (gzip/zstd bytes are
// decompressed first). A document that stops being readable part-way is an
// Error (the whole traces before that point are still delivered). Used by the
// network clients, tests and fuzzers; it shares its pipeline with ReadInputs,
// with the document as the only input.
Status DecodeBuffer(std::string_view bytes, std::string_view source_name,
                    const ReadOptions& options, const formats::TraceCallback& on_trace,
                    ReadStats* stats);

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_INPUT_H_
