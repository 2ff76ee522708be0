#include "input/internal/unit_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "formats/ids.h"

namespace trace_analyze::input::internal {
namespace {

// What an unrecognised array element looks like, from its first byte.
std::string DescribeUnknown(std::string_view bytes) {
  const char c = bytes.empty() ? '\0' : bytes.front();
  std::string_view what = "a number";
  if (c == '{') {
    return "unrecognised element: an object without any key of a Jaeger trace ('spans'), "
           "Jaeger span ('spanID'), OTLP document ('resourceSpans') or Zipkin span ('traceId')";
  }
  if (c == '"') what = "a string";
  if (c == 't' || c == 'f') what = "a boolean";
  if (c == 'n') what = "null";
  return fmt::format("unrecognised element: expected a trace object, got {}", what);
}

// Input text quoted in problem messages (ids, strings) is cut to this many
// bytes, so one huge value cannot make a huge message.
constexpr size_t kMaxQuotedBytes = 200;

// `s` cut to at most `max` bytes at a UTF-8 sequence boundary, marked "…".
std::string Shorten(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "…";
}

// Parses `size` bytes at `data` (`allocated` readable, padding included)
// with `parser`, growing it geometrically (simdjson would otherwise
// reallocate for every new largest unit).
simdjson::error_code Parse(const char* data, size_t size, size_t allocated,
                           simdjson::ondemand::parser* parser, simdjson::ondemand::document* doc,
                           simdjson::ondemand::value* root) {
  if (size > parser->capacity()) {
    const size_t capacity = std::max(size, 2 * parser->capacity());
    if (auto ec = parser->allocate(capacity); ec) return ec;
  }
  if (auto ec = parser->iterate(data, size, allocated).get(*doc); ec) return ec;
  return doc->get_value().get(*root);
}

simdjson::error_code ParseUnit(const Batch& batch, const Unit& unit,
                               simdjson::ondemand::parser* parser,
                               simdjson::ondemand::document* doc, simdjson::ondemand::value* root) {
  const std::string_view bytes = batch.Bytes(unit);
  return Parse(bytes.data(), bytes.size(), batch.CapacityFrom(unit), parser, doc, root);
}

// Parses `bytes` wrapped in `open` and `close` (a piece of a streamed trace
// made a JSON document) in `lane`'s scratch buffer.
simdjson::error_code ParseWrapped(std::string_view bytes, char open, char close,
                                  UnitDecoder::Lane* lane, simdjson::ondemand::document* doc,
                                  simdjson::ondemand::value* root) {
  const size_t size = bytes.size() + 2;
  lane->scratch.Reserve(size);
  char* data = lane->scratch.data();
  data[0] = open;
  std::memcpy(data + 1, bytes.data(), bytes.size());
  data[size - 1] = close;
  return Parse(data, size, lane->scratch.capacity() + PaddedBuffer::kPadding, &lane->parser, doc,
               root);
}

// The input offset of `location` when it lies in `unit` (whose bytes start
// at `unit_begin`), else nullopt.
std::optional<uint64_t> InputOffset(const Unit& unit, const char* unit_begin,
                                    const char* location) {
  const size_t size = unit.end - unit.begin;
  if (location == nullptr || location < unit_begin || location > unit_begin + size) {
    return std::nullopt;
  }
  return unit.offset + static_cast<uint64_t>(location - unit_begin);
}

// `location` in a wrapped copy of `bytes` (ParseWrapped) as a pointer into
// `bytes`; null when it is not inside them.
const char* Unwrapped(const char* location, const UnitDecoder::Lane& lane, std::string_view bytes) {
  const char* copy = lane.scratch.data() + 1;
  if (location == nullptr || location < copy || location > copy + bytes.size()) return nullptr;
  return bytes.data() + (location - copy);
}

// The Jaeger decoder of a lane: streamed traces are Jaeger traces.
formats::JaegerJsonDecoder& JaegerDecoder(UnitDecoder::Lane* lane) {
  return static_cast<formats::JaegerJsonDecoder&>(lane->decoder(formats::kJaegerTraceFormat));
}

}  // namespace

UnitDecoder::UnitDecoder(const ReadOptions& options, size_t lanes, Delivery* delivery,
                         ReadStats* stats)
    : options_(options),
      delivery_(delivery),
      stats_(stats),
      lanes_(lanes),
      held_(options.assembly_memory) {}

void UnitDecoder::BeginSource(std::string_view source) {
  source_.assign(source);
  // A trace the previous input ended inside is dropped: the splitter
  // reported where.
  streamed_open_ = false;
  held_.BeginSource(source);
  span_units_.assign(formats::TraceFormats().size(), 0);
}

Status UnitDecoder::DecodeBatch(const Batch& batch) {
  for (const Unit& unit : batch.units) {
    if (Status s = DecodeUnit(batch, unit); !s.ok()) return s;
  }
  return OkStatus();
}

Status UnitDecoder::Skip(const Unit& unit, const char* unit_begin, const char* location,
                         std::string_view trace_id, std::string_view message) {
  return SkipAt(InputOffset(unit, unit_begin, location).value_or(unit.offset), trace_id, message);
}

Status UnitDecoder::SkipAt(uint64_t offset, std::string_view trace_id, std::string_view message) {
  InputProblem problem{source_, offset, Shorten(trace_id, kMaxQuotedBytes),
                       Shorten(message, 4 * kMaxQuotedBytes)};
  if (options_.strict) return Error{ErrorCode::kInput, problem.ToString()};
  AddProblem(std::move(problem));
  ++stats_->quality.skipped_traces;
  return OkStatus();
}

void UnitDecoder::AddProblem(InputProblem problem) {
  ++stats_->problems_total;
  if (stats_->problems.size() < kMaxKeptProblems) stats_->problems.push_back(std::move(problem));
}

Status UnitDecoder::Deliver(analyzer::Trace& trace, bool empty, analyzer::TraceAnalysis* prepared) {
  if (empty) {
    ++stats_->quality.empty_traces;
    return OkStatus();
  }
  return delivery_->Deliver(trace, prepared);
}

Status UnitDecoder::CommitStaged(bool shared_span_ids) {
  for (uint32_t i = 0; i < staging_.spans.size(); ++i) {
    if (Status s = held_.Add(staging_, i, staged_[i], shared_span_ids); !s.ok()) return s;
  }
  return OkStatus();
}

Status UnitDecoder::DecodeUnit(const Batch& batch, const Unit& unit) {
  const std::string_view bytes = batch.Bytes(unit);
  if (unit.type.kind == UnitKind::kUnknown) {
    return Skip(unit, bytes.data(), nullptr, {}, DescribeUnknown(bytes));
  }
  if (unit.type.kind == UnitKind::kBrokenLine) {
    return Skip(unit, bytes.data(), nullptr, {},
                "this line is not a complete JSON document (truncated or corrupt line?); "
                "skipped to the next line");
  }
  if (unit.type.kind == UnitKind::kEnvelopeErrors && bytes == "null") return OkStatus();
  if (unit.type.kind == UnitKind::kTraceOpen || unit.type.kind == UnitKind::kTraceMember ||
      unit.type.kind == UnitKind::kTraceClose) {
    return DecodeTracePiece(batch, unit);
  }
  if (CanDecodeAhead(unit)) {
    DecodeAhead(batch, unit, lane(0), &decoded_);
    PrepareAhead(0, &decoded_);
    return CommitAhead(batch, unit, &decoded_);
  }

  simdjson::ondemand::document doc;
  simdjson::ondemand::value root;
  if (auto ec = ParseUnit(batch, unit, &lanes_[0].parser, &doc, &root); ec) {
    return Skip(unit, bytes.data(), nullptr, {}, formats::JsonErrorText(ec));
  }
  switch (unit.type.kind) {
    case UnitKind::kJaegerEnvelope:
      return DecodeEnvelope(root, unit, bytes.data());
    case UnitKind::kEnvelopeErrors:
      return ReportApiErrors(root, unit, bytes.data());
    case UnitKind::kFormat:
      return DecodeSpans(root, unit, bytes.data());
    case UnitKind::kUnknown:  // handled above
    case UnitKind::kBrokenLine:
    case UnitKind::kTraceOpen:
    case UnitKind::kTraceMember:
    case UnitKind::kTraceSpans:
    case UnitKind::kTraceClose:
      break;
  }
  return OkStatus();
}

Status UnitDecoder::DecodeSpans(simdjson::ondemand::value value, const Unit& unit,
                                const char* unit_begin) {
  const formats::FormatId format = unit.type.format;
  staging_.Reset();
  staged_.clear();
  formats::DecodeError error;
  if (!lanes_[0].decoder(format).DecodeSpans(value, span_units_[format]++, &staging_, &staged_,
                                             &error)) {
    return Skip(unit, unit_begin, error.location, error.trace_id, std::move(error.message));
  }
  return CommitStaged(formats::TraceFormats()[format].shared_span_ids);
}

void UnitDecoder::DecodeAhead(const Batch& batch, const Unit& unit, Lane* lane, Decoded* out) {
  out->trace.Reset();
  out->ok = false;
  out->location = nullptr;
  out->span_run = unit.type.kind == UnitKind::kTraceSpans;
  if (out->span_run) {
    DecodeSpanRun(batch, unit, lane, out);
    return;
  }
  simdjson::ondemand::document doc;
  simdjson::ondemand::value root;
  if (auto ec = ParseUnit(batch, unit, &lane->parser, &doc, &root); ec) {
    out->message = formats::JsonErrorText(ec);
    return;
  }
  formats::DecodeError error;
  out->ok = lane->decoder(unit.type.format).DecodeTrace(root, &out->trace, &error);
  out->empty = out->trace.spans.empty();
  if (!out->ok) {
    out->location = error.location;
    out->message = std::move(error.message);
  }
}

void UnitDecoder::PrepareAhead(size_t lane, Decoded* decoded) const {
  if (!decoded->ok || decoded->span_run) return;
  // source_ changes only between inputs, never while lanes run.
  decoded->trace.source = decoded->trace.arena.Store(source_);
  decoded->prepared = delivery_->prepares() && !decoded->empty;
  if (decoded->prepared) delivery_->Prepare(decoded->trace, lane, &decoded->analysis);
}

Status UnitDecoder::CommitAhead(const Batch& batch, const Unit& unit, Decoded* decoded) {
  if (decoded->span_run) {
    CommitSpanRun(batch, unit, decoded);
    return OkStatus();
  }
  const char* unit_begin = batch.Bytes(unit).data();
  if (!decoded->ok) {
    return Skip(unit, unit_begin, decoded->location, decoded->trace.trace_id,
                std::move(decoded->message));
  }
  return Deliver(decoded->trace, decoded->empty, decoded->prepared ? &decoded->analysis : nullptr);
}

void UnitDecoder::DecodeSpanRun(const Batch& batch, const Unit& unit, Lane* lane, Decoded* out) {
  out->pending.clear();
  out->first_trace_id = {};
  const std::string_view bytes = batch.Bytes(unit);
  simdjson::ondemand::document doc;
  simdjson::ondemand::value root;
  if (auto ec = ParseWrapped(bytes, '[', ']', lane, &doc, &root); ec) {
    out->message = formats::JsonErrorText(ec);
    return;
  }
  formats::DecodeError error;
  out->ok = JaegerDecoder(lane).DecodeSpanRun(root, unit.first_span, &out->trace, &out->pending,
                                              &out->first_trace_id, &error);
  if (!out->ok) {
    out->location = Unwrapped(error.location, *lane, bytes);
    out->message = std::move(error.message);
  }
}

void UnitDecoder::CommitSpanRun(const Batch& batch, const Unit& unit, Decoded* decoded) {
  if (!streamed_open_ || streamed_failed_) return;
  if (!decoded->ok) {
    FailStreamed(unit, batch.Bytes(unit).data(), decoded->location, std::move(decoded->message));
    return;
  }
  streamed_.AppendRun(&decoded->trace, decoded->pending, decoded->first_trace_id);
}

void UnitDecoder::FailStreamed(const Unit& unit, const char* unit_begin, const char* location,
                               std::string message) {
  streamed_failed_ = true;
  // Without a location the trace is named, as when it is decoded whole.
  streamed_failure_offset_ = InputOffset(unit, unit_begin, location).value_or(streamed_offset_);
  streamed_failure_trace_id_.assign(streamed_.trace().trace_id);
  streamed_failure_ = std::move(message);
}

Status UnitDecoder::DecodeTracePiece(const Batch& batch, const Unit& unit) {
  switch (unit.type.kind) {
    case UnitKind::kTraceOpen:
      streamed_.Begin();
      streamed_open_ = true;
      streamed_failed_ = false;
      streamed_offset_ = unit.offset;
      return OkStatus();
    case UnitKind::kTraceMember: {
      if (!streamed_open_ || streamed_failed_) return OkStatus();
      const std::string_view bytes = batch.Bytes(unit);
      simdjson::ondemand::document doc;
      simdjson::ondemand::value root;
      if (auto ec = ParseWrapped(bytes, '{', '}', lane(0), &doc, &root); ec) {
        FailStreamed(unit, bytes.data(), nullptr, formats::JsonErrorText(ec));
        return OkStatus();
      }
      formats::DecodeError error;
      if (!JaegerDecoder(lane(0)).DecodeTraceMembers(root, &streamed_, &error)) {
        FailStreamed(unit, bytes.data(), Unwrapped(error.location, *lane(0), bytes),
                     std::move(error.message));
      }
      return OkStatus();
    }
    case UnitKind::kTraceClose: {
      if (!streamed_open_) return OkStatus();
      streamed_open_ = false;
      if (streamed_failed_) {
        return SkipAt(streamed_failure_offset_, streamed_failure_trace_id_, streamed_failure_);
      }
      streamed_.Finish();
      analyzer::Trace& trace = streamed_.trace();
      trace.source = trace.arena.Store(source_);
      return Deliver(trace, trace.spans.empty(), nullptr);
    }
    default:
      return OkStatus();
  }
}

Status UnitDecoder::DecodeJaegerTrace(simdjson::ondemand::value value, const Unit& unit,
                                      const char* unit_begin) {
  trace_.Reset();
  formats::DecodeError error;
  if (!lanes_[0].decoder(formats::kJaegerTraceFormat).DecodeTrace(value, &trace_, &error)) {
    return Skip(unit, unit_begin, error.location, trace_.trace_id, std::move(error.message));
  }
  trace_.source = trace_.arena.Store(source_);
  return Deliver(trace_, trace_.spans.empty(), nullptr);
}

Status UnitDecoder::DecodeEnvelope(simdjson::ondemand::value value, const Unit& unit,
                                   const char* unit_begin) {
  simdjson::ondemand::object envelope;
  if (value.get_object().get(envelope)) {
    return Skip(unit, unit_begin, nullptr, {}, formats::Mismatch(value, "an object"));
  }
  for (auto field_result : envelope) {
    simdjson::ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      return Skip(unit, unit_begin, nullptr, {}, formats::JsonErrorText(ec));
    }
    const std::string_view key = formats::RawKey(field);
    simdjson::ondemand::value& v = field.value();
    if (formats::KeyIs(key, "errors")) {
      if (Status s = ReportApiErrors(v, unit, unit_begin); !s.ok()) return s;
      continue;
    }
    if (!formats::KeyIs(key, "data")) continue;
    simdjson::ondemand::json_type type{};
    if (auto ec = v.type().get(type); ec)
      return Skip(unit, unit_begin, formats::Where(v), {}, formats::JsonErrorText(ec));
    if (type == simdjson::ondemand::json_type::object) {
      if (Status s = DecodeJaegerTrace(v, unit, unit_begin); !s.ok()) return s;
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array traces;
      if (auto ec = v.get_array().get(traces); ec) {
        return Skip(unit, unit_begin, formats::Where(v), {}, formats::JsonErrorText(ec));
      }
      for (auto trace_result : traces) {
        simdjson::ondemand::value& trace_value = trace_result.value_unsafe();
        if (auto ec = trace_result.error(); ec) {
          return Skip(unit, unit_begin, nullptr, {}, formats::JsonErrorText(ec));
        }
        if (Status s = DecodeJaegerTrace(trace_value, unit, unit_begin); !s.ok()) return s;
      }
    }
  }
  return OkStatus();
}

Status UnitDecoder::ReportApiErrors(simdjson::ondemand::value errors, const Unit& unit,
                                    const char* unit_begin) {
  // errors: null or [{"code": 404, "msg": "trace not found", "traceID": "..."}].
  // They describe traces the server could not return: problems, not skips.
  simdjson::ondemand::array list;
  if (errors.get_array().get(list)) return OkStatus();
  for (auto item_result : list) {
    simdjson::ondemand::value item_value;
    simdjson::ondemand::object item;
    if (item_result.get(item_value) || item_value.get_object().get(item)) continue;
    const char* where = formats::Where(item_value);
    int64_t code = 0;
    bool has_code = false;
    std::string_view msg;
    std::string trace_id;
    for (auto field_result : item) {
      simdjson::ondemand::field field;
      if (std::move(field_result).get(field)) break;
      const std::string_view key = formats::RawKey(field);
      simdjson::ondemand::value& v = field.value();
      if (formats::KeyIs(key, "code")) {
        has_code = formats::ReadInt64(v, true, &code, &read_failure_);
      } else if (formats::KeyIs(key, "msg")) {
        if (!formats::ReadValueText(v, &msg, &read_failure_)) msg = {};
      } else if (formats::KeyIs(key, "traceID")) {
        std::string_view raw;
        if (formats::ReadString(v, &raw, &read_failure_))
          formats::NormalizeTraceIdInto(raw, &trace_id);
      }
    }
    uint64_t offset = unit.offset;
    if (where >= unit_begin) offset += static_cast<uint64_t>(where - unit_begin);
    const std::string quoted = Shorten(msg, 4 * kMaxQuotedBytes);
    AddProblem({source_, offset, Shorten(trace_id, kMaxQuotedBytes),
                has_code ? fmt::format("API error {}: {}", code, quoted)
                         : fmt::format("API error: {}", quoted)});
  }
  return OkStatus();
}

formats::FormatDecoder& UnitDecoder::Lane::decoder(formats::FormatId format) {
  if (decoders_.size() <= format) decoders_.resize(format + 1);
  if (decoders_[format] == nullptr)
    decoders_[format] = formats::TraceFormats()[format].make_decoder();
  return *decoders_[format];
}

Status UnitDecoder::Finish() {
  streamed_open_ = false;  // as in BeginSource
  Status status = held_.Finish();
  std::vector<uint8_t> empty;
  const bool prepared = delivery_->prepares();
  const size_t chunk = kPrepareChunkPerLane * lanes_.size();
  if (assembled_.size() < chunk) assembled_.resize(chunk);
  bool more = true;
  while (status.ok() && more) {
    size_t count = 0;
    empty.clear();
    while (count < chunk) {
      Result<bool> next = held_.Next(&assembled_[count]);
      if (!next.ok()) return next.error();
      more = next.value();
      if (!more) break;
      empty.push_back(assembled_[count].trace().spans.empty() ? 1 : 0);
      ++count;
    }
    if (prepared) PrepareAssembled(count, empty);
    for (size_t i = 0; i < count && status.ok(); ++i) {
      status = Deliver(assembled_[i].trace(), empty[i] != 0,
                       prepared ? &assembled_analyses_[i] : nullptr);
    }
  }
  stats_->spilled_bytes += held_.spilled_bytes();
  return status;
}

void UnitDecoder::PrepareAssembled(size_t count, const std::vector<uint8_t>& empty) {
  if (assembled_analyses_.size() < count) assembled_analyses_.resize(count);
  auto prepare = [&](size_t lane, size_t lanes) {
    for (size_t i = lane; i < count; i += lanes) {
      if (empty[i] == 0) delivery_->Prepare(assembled_[i].trace(), lane, &assembled_analyses_[i]);
    }
  };
  // A few traces are not worth starting threads for.
  const size_t lanes = lanes_.size();
  if (lanes == 1 || count < lanes * 4) {
    prepare(0, 1);
    return;
  }
  std::vector<std::thread> helpers;
  for (size_t lane = 1; lane < lanes; ++lane) helpers.emplace_back(prepare, lane, lanes);
  prepare(0, lanes);
  for (std::thread& t : helpers) t.join();
}

}  // namespace trace_analyze::input::internal
