// UnitDecoder: the consumer side of reading. Parses each unit the splitter
// found with one reused simdjson On-Demand parser, dispatches it to the
// format decoder, delivers traces to the callback (on the calling thread),
// and turns undecodable units into InputProblems (or, when strict, errors).
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_UNIT_DECODER_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_UNIT_DECODER_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/status.h"
#include "jaeger_client/batch.h"
#include "jaeger_client/input.h"
#include "jaeger_client/jaeger_json_decoder.h"
#include "jaeger_client/otlp_json_decoder.h"
#include "jaeger_client/trace_groups.h"
#include "jaeger_client/zipkin_json_decoder.h"

namespace trace_analyze::jaeger {

class UnitDecoder {
 public:
  // All three must outlive the decoder; `stats` is never null.
  UnitDecoder(const ReadOptions& options, const TraceCallback& on_trace, ReadStats* stats);

  // Starts a new input (file, stdin, buffer) named `source` in messages.
  void BeginSource(std::string_view source);

  // Decodes the batch's units in order. Returns the callback's error, or in
  // strict mode the first undecodable unit as an error.
  Status DecodeBatch(const Batch& batch);

  // Delivers the traces assembled from span-oriented formats (OTLP, Zipkin,
  // bare Jaeger span arrays), in order of first appearance.
  Status EndSource();

 private:
  Status DecodeUnit(const Batch& batch, const Unit& unit);
  Status DecodeJaegerTrace(ondemand::value value, const Unit& unit, const char* unit_begin);
  Status DecodeEnvelope(ondemand::value value, const Unit& unit, const char* unit_begin);
  Status ReportApiErrors(ondemand::value errors, const Unit& unit, const char* unit_begin);
  Status DecodeZipkinList(ondemand::value list, const Unit& unit, const char* unit_begin);
  // Calls the callback unless the trace is empty (then counts it).
  Status Deliver(analyzer::Trace& trace);
  // Moves staged spans into their trace groups.
  void CommitStaged(bool zipkin);
  // Counts a problem and keeps it unless kMaxKeptProblems are kept already.
  void AddProblem(InputProblem problem);
  // Records a skipped unit, or returns it as an error when strict.
  Status Skip(const Unit& unit, const char* unit_begin, const char* location,
              std::string_view trace_id, std::string message);

  const ReadOptions& options_;
  const TraceCallback& on_trace_;
  ReadStats* stats_;
  std::string source_;

  simdjson::ondemand::parser parser_;
  JaegerJsonDecoder jaeger_;
  OtlpJsonDecoder otlp_;
  ZipkinJsonDecoder zipkin_;
  analyzer::Trace trace_;    // reused for every streamed Jaeger trace
  analyzer::Trace staging_;  // spans of one unit before grouping
  std::vector<StagedSpan> staged_;
  TraceGroups groups_;
  size_t span_elements_ = 0;  // top-level span elements seen in this source (messages)
  std::string read_failure_;  // set by the Read* helpers on failure
};

}  // namespace trace_analyze::jaeger

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_UNIT_DECODER_H_
