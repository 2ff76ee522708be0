// UnitDecoder: the consumer side of reading. Parses each unit the splitter
// found with one reused simdjson On-Demand parser, dispatches it to the
// format decoder, delivers traces to the callback (on the calling thread;
// see DecodeAhead for the second decoding thread of big inputs),
// and turns undecodable units into InputProblems (or, when strict, errors).
// One decoder serves every input of a run: the spans of span formats are
// held across inputs (HeldSpans) and their traces delivered by Finish.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_UNIT_DECODER_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_UNIT_DECODER_H_

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/status.h"
#include "analyzer/trace_analysis.h"
#include "formats/jaeger_json_decoder.h"
#include "formats/span_record.h"
#include "formats/trace_format.h"
#include "formats/trace_groups.h"
#include "input/input.h"
#include "input/internal/batch.h"
#include "input/internal/delivery.h"
#include "input/internal/held_spans.h"

namespace trace_analyze::input::internal {

class UnitDecoder {
 public:
  // All three must outlive the decoder; `stats` is never null.
  // `lanes` >= 1 decoding lanes (ReadOptions::threads, resolved).
  UnitDecoder(const ReadOptions& options, size_t lanes, Delivery* delivery, ReadStats* stats);

  // Starts a new input (file, stdin, buffer) named `source` in messages.
  void BeginSource(std::string_view source);

  // Decodes the batch's units in order. Returns the callback's error, or in
  // strict mode the first undecodable unit as an error.
  Status DecodeBatch(const Batch& batch);

  // After the last input: delivers the traces assembled from span-oriented
  // formats (OTLP, Zipkin, bare Jaeger span arrays) over all inputs, in order
  // of first appearance.
  Status Finish();

  // Decoding ahead, for a second decoding thread. A whole-trace unit (Jaeger
  // traces: the bulk of big files) depends on nothing before it, so it can be decoded on
  // any thread with a Lane (its own parser) into a Decoded (its own trace),
  // which share nothing with the decoder; CommitAhead then delivers it (or
  // reports why it could not be decoded) in input order, as DecodeBatch would.
  struct Decoded {
    analyzer::Trace trace;
    bool ok = false;
    // Decoded without spans; kept apart because preparing can drop spans
    // (and a trace that had some is still delivered).
    bool empty = false;
    const char* location = nullptr;  // of the failure, in the unit's bytes; may be null
    std::string message;             // the failure
    // What Delivery::Prepare computed for `trace`, when `prepared`.
    analyzer::TraceAnalysis analysis;
    bool prepared = false;
    // A kTraceSpans unit: `trace` holds the run's spans, for
    // JaegerStreamedTrace::AppendRun with these two.
    bool span_run = false;
    std::vector<formats::JaegerPendingSpan> pending;
    std::string_view first_trace_id;
  };
  struct Lane {
    simdjson::ondemand::parser parser;
    PaddedBuffer scratch;  // a piece of a streamed trace made a JSON document
    // For the lane's user: two claims in flight (one decoding, one waiting
    // for its turn to commit); kept warm across inputs.
    std::array<std::vector<Decoded>, 2> slot_sets;

    // The lane's decoder of `format`, made on first use.
    formats::FormatDecoder& decoder(formats::FormatId format);

   private:
    std::vector<std::unique_ptr<formats::FormatDecoder>> decoders_;  // by FormatId
  };
  static bool CanDecodeAhead(const Unit& unit) {
    return unit.type.kind == UnitKind::kTraceSpans ||
           (unit.type.kind == UnitKind::kFormat &&
            formats::TraceFormats()[unit.type.format].assembly == formats::Assembly::kWholeTrace);
  }
  // Decodes `unit` (CanDecodeAhead) of `batch` into `out`. Safe to run
  // concurrently with any decoder call that uses neither `lane` nor `out`.
  static void DecodeAhead(const Batch& batch, const Unit& unit, Lane* lane, Decoded* out);
  // Finishes what DecodeAhead decoded into `decoded` with lane `lane` (on
  // that lane's thread; safe to run as DecodeAhead is): names its source and
  // prepares it (Delivery::Prepare) when the delivery wants that.
  void PrepareAhead(size_t lane, Decoded* decoded) const;
  // Delivers what DecodeAhead left in `decoded`; the same contract as
  // DecodeBatch for that unit. Units must be committed in input order.
  Status CommitAhead(const Batch& batch, const Unit& unit, Decoded* decoded);
  // Decoding lanes (options.threads, resolved): lane 0 is the calling
  // thread's. Lane i < lanes(), kept across inputs so that their buffers stay
  // warm.
  size_t lanes() const { return lanes_.size(); }
  Lane* lane(size_t i) { return &lanes_[i]; }
  // Decodes one unit on the calling thread, in input order.
  Status DecodeUnit(const Batch& batch, const Unit& unit);

 private:
  Status DecodeJaegerTrace(simdjson::ondemand::value value, const Unit& unit,
                           const char* unit_begin);
  Status DecodeEnvelope(simdjson::ondemand::value value, const Unit& unit, const char* unit_begin);
  Status ReportApiErrors(simdjson::ondemand::value errors, const Unit& unit,
                         const char* unit_begin);
  // Delivers the trace (with what was prepared for it, or null) unless it
  // is `empty` (then counts it).
  Status Deliver(analyzer::Trace& trace, bool empty, analyzer::TraceAnalysis* prepared);
  // The pieces of a streamed trace other than its span runs.
  Status DecodeTracePiece(const Batch& batch, const Unit& unit);
  // A run of a streamed trace's spans (kTraceSpans), for DecodeAhead.
  static void DecodeSpanRun(const Batch& batch, const Unit& unit, Lane* lane, Decoded* out);
  // Appends a decoded run to the streamed trace (or records why it failed).
  void CommitSpanRun(const Batch& batch, const Unit& unit, Decoded* decoded);
  // Records the streamed trace's first failure; it is skipped when it closes.
  void FailStreamed(const Unit& unit, const char* unit_begin, const char* location,
                    std::string message);
  // Decodes a unit of a kSpans format into the held spans.
  Status DecodeSpans(simdjson::ondemand::value value, const Unit& unit, const char* unit_begin);
  // Moves staged spans to the held spans.
  Status CommitStaged(bool shared_span_ids);
  // Prepares assembled_[0, count) that are not `empty` into
  // assembled_analyses_, on this thread (lane 0) and lanes() - 1 helpers, each
  // taking every lanes()-th trace.
  void PrepareAssembled(size_t count, const std::vector<uint8_t>& empty);
  // Traces assembled from spans are prepared this many per lane at a time
  // before being delivered in order: bounded memory for what is prepared,
  // and each thread started gets as much work whatever the number of lanes.
  static constexpr size_t kPrepareChunkPerLane = 32;
  // Counts a problem and keeps it unless kMaxKeptProblems are kept already.
  void AddProblem(InputProblem problem);
  // Records a skipped unit, or returns it as an error when strict.
  Status Skip(const Unit& unit, const char* unit_begin, const char* location,
              std::string_view trace_id, std::string_view message);
  // The same for a problem at input offset `offset`.
  Status SkipAt(uint64_t offset, std::string_view trace_id, std::string_view message);

  const ReadOptions& options_;
  Delivery* delivery_;
  ReadStats* stats_;
  std::string source_;

  // lanes_[0] is the calling thread's: its parser serves every unit DecodeUnit
  // parses (a lane's decoded traces never point into its parser).
  std::vector<Lane> lanes_;
  Decoded decoded_;          // for DecodeUnit
  analyzer::Trace trace_;    // reused for Jaeger traces nested in envelopes
  analyzer::Trace staging_;  // spans of one unit before grouping
  std::vector<formats::StagedSpan> staged_;
  HeldSpans held_;
  // One chunk of assembled traces and what was prepared for them
  // (kPrepareChunkPerLane × lanes), reused.
  std::vector<formats::RecordedTrace> assembled_;
  std::vector<analyzer::TraceAnalysis> assembled_analyses_;
  // Units of each kSpans format seen in this source, by FormatId (messages).
  std::vector<size_t> span_units_;
  std::string read_failure_;  // set by the Read* helpers on failure

  // The trace being streamed (between kTraceOpen and kTraceClose).
  formats::JaegerStreamedTrace streamed_;
  bool streamed_open_ = false;
  uint64_t streamed_offset_ = 0;  // of its opening brace
  // Its first failure: the trace is skipped when it closes, as a whole trace
  // that failed to decode would be.
  bool streamed_failed_ = false;
  uint64_t streamed_failure_offset_ = 0;
  std::string streamed_failure_trace_id_;
  std::string streamed_failure_;
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_UNIT_DECODER_H_
