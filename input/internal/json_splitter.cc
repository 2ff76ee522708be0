#include "input/internal/json_splitter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

namespace trace_analyze::input::internal {
namespace {

// "'x'" for printable ASCII, else "byte 0x89"; "end of input" for kEof.
std::string Describe(int c) {
  if (c < 0) return "end of input";
  if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

// ReadMembers' `member` returning on `s`: its error, else stop.
Result<bool> Leave(const Status& s) {
  if (!s.ok()) return s.error();
  return false;
}

}  // namespace

JsonSplitter::JsonSplitter(ByteSource* source, BatchPool* pool, size_t chunk_size,
                           uint64_t max_unit_bytes, uint64_t stream_trace_bytes)
    : source_(source),
      pool_(pool),
      chunk_size_(std::max<size_t>(chunk_size, 4096)),
      max_unit_bytes_(max_unit_bytes),
      stream_trace_bytes_(stream_trace_bytes) {}

Error JsonSplitter::Truncated(uint64_t value_start) {
  error_offset_ = end_;
  return Error{ErrorCode::kInput,
               fmt::format("byte {}: unexpected end of input: the JSON value starting at byte {} "
                           "is not closed (truncated file?)",
                           end_, value_start)};
}

Error JsonSplitter::Unexpected(uint64_t offset, std::string_view expected) {
  error_offset_ = offset;
  const int c = offset < end_ ? static_cast<unsigned char>(*At(offset)) : kEof;
  return Error{ErrorCode::kInput,
               fmt::format("byte {}: expected {}, got {}", offset, expected, Describe(c))};
}

Status JsonSplitter::Run(const EmitFn& emit) {
  emit_ = &emit;
  batch_ = pool_->Acquire();
  batch_->buffer.Fit(chunk_size_);
  // Skip a UTF-8 byte order mark.
  while (end_ < kUtf8Bom.size()) {
    Result<bool> more = More();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
  }
  if (end_ >= kUtf8Bom.size() && std::memcmp(At(0), kUtf8Bom.data(), kUtf8Bom.size()) == 0) {
    pos_ = keep_ = kUtf8Bom.size();
  }

  bool any_value = false;
  Status status = OkStatus();
  while (status.ok() && !stopped_) {
    saw_newline_ = false;
    Result<int> c = PeekNonSpace();
    const uint64_t doc_start = pos_;
    const bool starts_line = any_value && saw_newline_;
    if (!c.ok()) {
      status = c.error();
    } else if (c.value() == kEof) {
      break;
    } else if (c.value() == '[') {
      status = SplitTopArray();
    } else if (c.value() == '{') {
      status = SplitTopObject();
    } else {
      status = Unexpected(pos_, any_value ? "'{' or '[' to start the next JSON document"
                                          : "'{' or '[' (a JSON trace document)");
    }
    any_value = true;
    if (!status.ok() && starts_line && c.ok() && SkipBrokenLine(doc_start)) status = OkStatus();
  }
  if (status.ok() && !any_value) status = Error{ErrorCode::kInput, "empty input"};
  // Units found before an error are still handed over.
  if (!stopped_ && !batch_->units.empty()) {
    (*emit_)(std::move(batch_));
  } else {
    pool_->Release(std::move(batch_));
  }
  if (stopped_) return OkStatus();
  return status;
}

Result<bool> JsonSplitter::More() {
  if (eof_ || stopped_) return false;
  if (batch_->size == batch_->buffer.capacity()) {
    if (Status s = Rotate(); !s.ok()) return s.error();
    if (stopped_) return false;
  }
  Result<size_t> got =
      source_->Read(batch_->buffer.data() + batch_->size, batch_->buffer.capacity() - batch_->size);
  if (!got.ok()) return got.error();
  if (got.value() == 0) {
    eof_ = true;
    return false;
  }
  batch_->size += got.value();
  end_ += got.value();
  bytes_read_ += got.value();
  return true;
}

// Moves the bytes still needed ([keep_, end_)) to a fresh batch and hands the
// full one, with its finished units, to the consumer.
Status JsonSplitter::Rotate() {
  const size_t carry = static_cast<size_t>(end_ - keep_);
  if (carry > max_unit_bytes_) {
    return Error{ErrorCode::kInput,
                 fmt::format("byte {}: the JSON value starting at byte {} is larger than {} "
                             "bytes, the most held in memory at once (one trace or document per "
                             "value; split the input)",
                             end_, keep_, max_unit_bytes_)};
  }
  // Grow only when one unit fills most of a chunk: doubling keeps the total
  // copying linear in the unit's size. Pooled buffers never shrink.
  size_t capacity = chunk_size_;
  if (carry > capacity / 2) capacity = 2 * carry;
  std::unique_ptr<Batch> next = pool_->Acquire();
  next->buffer.Fit(capacity);
  std::memcpy(next->buffer.data(), At(keep_), carry);
  next->size = carry;
  std::unique_ptr<Batch> full = std::move(batch_);
  batch_ = std::move(next);
  base_ = keep_;
  if (full->units.empty()) {
    pool_->Release(std::move(full));
  } else if (!(*emit_)(std::move(full))) {
    stopped_ = true;
  }
  return OkStatus();
}

Result<int> JsonSplitter::PeekNonSpace() {
  // Whitespace is dropped on refill unless earlier bytes are still needed.
  const bool droppable = keep_ == pos_;
  while (true) {
    while (pos_ < end_) {
      const char c = *At(pos_);
      if (!IsJsonSpace(c)) return static_cast<int>(static_cast<unsigned char>(c));
      saw_newline_ = saw_newline_ || c == '\n';
      ++pos_;
    }
    if (droppable) keep_ = pos_;
    Result<bool> more = More();
    if (!more.ok()) return more.error();
    if (!more.value()) return kEof;
  }
}

bool JsonSplitter::SkipBrokenLine(uint64_t doc_start) {
  if (stopped_ || doc_start < keep_ || doc_start < base_ || doc_start >= end_) return false;
  // Units recorded inside the broken document (elements of a streamed
  // envelope) stay: they were complete.
  const std::string_view rest(At(doc_start), static_cast<size_t>(end_ - doc_start));
  const size_t next = rest.find("\n{");
  if (next == std::string_view::npos) return false;
  Record(UnitType::Structure(UnitKind::kBrokenLine), doc_start, doc_start + next);
  pos_ = keep_ = doc_start + next + 1;
  return true;
}

bool JsonSplitter::Announce(UnitType type) {
  if (!type_hook_ || type.kind != UnitKind::kFormat || type_hook_(type)) return true;
  stopped_ = true;
  return false;
}

void JsonSplitter::Record(UnitType type, uint64_t begin, uint64_t end, uint32_t first_span) {
  batch_->units.push_back(Unit{type, static_cast<size_t>(begin - base_),
                               static_cast<size_t>(end - base_), begin, first_span});
}

Status JsonSplitter::ScanValue(uint64_t* begin, uint64_t* end, uint64_t limit, bool* over) {
  *begin = pos_;
  const char first = *At(pos_);
  if (first == ',' || first == ']' || first == '}' || first == ':') {
    return Unexpected(pos_, "a JSON value");
  }
  scanner_.Start(first);
  uint64_t from = pos_;
  while (true) {
    const size_t n = scanner_.Scan(At(from), static_cast<size_t>(end_ - from));
    if (n != ValueScanner::kNotFound) {
      *end = from + n;
      // One refill can read past the limit and the value's end at once.
      if (over != nullptr && *end - *begin > limit) *over = true;
      break;
    }
    from = end_;
    if (over != nullptr && end_ - *begin > limit) {
      *over = true;
      return OkStatus();
    }
    Result<bool> more = More();
    if (!more.ok()) return more.error();
    if (!more.value()) {
      if (stopped_) return OkStatus();
      if (!scanner_.IsScalar()) return Truncated(*begin);
      *end = end_;
      break;
    }
  }
  pos_ = *end;
  return OkStatus();
}

Status JsonSplitter::SplitTopArray() {
  const uint64_t start = pos_;
  ++pos_;  // '['
  keep_ = pos_;
  return SplitArrayElements(ArrayContext::kTopLevel, start);
}

template <class Fn>
Status JsonSplitter::WalkArray(uint64_t array_start, Fn&& element) {
  Result<int> c = PeekNonSpace();
  if (!c.ok()) return c.error();
  if (c.value() == kEof) return stopped_ ? OkStatus() : Status(Truncated(array_start));
  if (c.value() == ']') {
    ++pos_;
    return OkStatus();
  }
  while (true) {
    if (Status s = element(c.value()); !s.ok() || stopped_) return s;
    c = PeekNonSpace();
    if (!c.ok()) return c.error();
    if (c.value() == kEof) return stopped_ ? OkStatus() : Status(Truncated(array_start));
    if (c.value() == ']') {
      ++pos_;
      return OkStatus();
    }
    if (c.value() != ',') return Unexpected(pos_, "',' or ']' after an array element");
    ++pos_;
    c = PeekNonSpace();
    if (!c.ok()) return c.error();
    if (c.value() == kEof) return stopped_ ? OkStatus() : Status(Truncated(array_start));
  }
}

Status JsonSplitter::SplitArrayElements(ArrayContext context, uint64_t array_start) {
  Status s = WalkArray(array_start, [&](int c) -> Status {
    keep_ = pos_;
    if (context == ArrayContext::kEnvelopeData && c == '{') {
      if (Status st = SplitJaegerTrace(); !st.ok() || stopped_) return st;
    } else {
      uint64_t begin = 0;
      uint64_t end = 0;
      if (Status st = ScanValue(&begin, &end); !st.ok() || stopped_) return st;
      const std::string_view element(At(begin), static_cast<size_t>(end - begin));
      const UnitType type =
          context == ArrayContext::kEnvelopeData ? UnitType{} : ClassifyValue(element);
      if (!Announce(type)) return OkStatus();
      Record(type, begin, end);
    }
    keep_ = pos_;
    return OkStatus();
  });
  if (s.ok() && !stopped_) keep_ = pos_;
  return s;
}

Status JsonSplitter::ReadKey() {
  // pos_ is at the opening quote.
  key_.clear();
  uint64_t i = pos_ + 1;
  bool escaped = false;
  while (true) {
    for (; i < end_; ++i) {
      const char ch = *At(i);
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        key_.assign(At(pos_ + 1), static_cast<size_t>(i - pos_ - 1));
        pos_ = i + 1;
        return OkStatus();
      }
    }
    Result<bool> more = More();
    if (!more.ok()) return more.error();
    if (!more.value()) return stopped_ ? OkStatus() : Status(Truncated(pos_));
  }
}

Status JsonSplitter::ReadMemberHead(uint64_t start, int c, int* value) {
  if (c == kEof) return stopped_ ? OkStatus() : Status(Truncated(start));
  if (c != '"') return Unexpected(pos_, "'\"' to start an object key");
  if (Status s = ReadKey(); !s.ok() || stopped_) return s;
  Result<int> next = PeekNonSpace();
  if (!next.ok()) return next.error();
  if (next.value() == kEof) return stopped_ ? OkStatus() : Status(Truncated(start));
  if (next.value() != ':') return Unexpected(pos_, "':' after an object key");
  ++pos_;
  next = PeekNonSpace();
  if (!next.ok()) return next.error();
  if (next.value() == kEof) return stopped_ ? OkStatus() : Status(Truncated(start));
  *value = next.value();
  return OkStatus();
}

template <class Member>
Result<bool> JsonSplitter::ReadMembers(uint64_t start, Member&& member) {
  Result<int> c = PeekNonSpace();
  if (!c.ok()) return c.error();
  if (c.value() == '}') return true;
  while (true) {
    const Result<bool> go_on = member(c.value());
    if (!go_on.ok()) return go_on.error();
    if (!go_on.value() || stopped_) return false;
    c = PeekNonSpace();
    if (!c.ok()) return c.error();
    if (c.value() == kEof) {
      if (stopped_) return false;
      return Truncated(start);
    }
    if (c.value() == '}') return true;
    if (c.value() != ',') return Unexpected(pos_, "',' or '}' after an object member");
    ++pos_;
    c = PeekNonSpace();
    if (!c.ok()) return c.error();
  }
}

Status JsonSplitter::SplitTopObject() {
  const uint64_t start = pos_;
  ++pos_;  // '{'
  keep_ = start;
  // Until a key decides the shape, keep the whole object: it may turn out to
  // be one unit (a single trace, an OTLP document, ...).
  bool envelope = false;       // decided: a Jaeger API envelope, streamed
  bool envelope_keys = false;  // saw total/limit/offset/errors while undecided
  bool data_done = false;
  bool have_errors = false;
  uint64_t errors_begin = 0;
  uint64_t errors_end = 0;
  // Set when a key shows the object is one unit of a known kind: the
  // members loop stops there and the object is split whole.
  std::optional<UnitType> whole;

  const Result<bool> closed = ReadMembers(start, [&](int first) -> Result<bool> {
    if (envelope) keep_ = pos_;
    int value = kEof;
    if (Status s = ReadMemberHead(start, first, &value); !s.ok() || stopped_) return Leave(s);

    const bool is_data = key_ == "data";
    if (!envelope) {
      if (is_data) {
        envelope = true;
        if (have_errors)
          Record(UnitType::Structure(UnitKind::kEnvelopeErrors), errors_begin, errors_end);
        keep_ = pos_;
      } else if (IsEnvelopeKey(key_)) {
        envelope_keys = true;
      } else if (const UnitType kind = KindOfKey(key_); kind.kind != UnitKind::kUnknown) {
        whole = kind;
        return false;
      }
    }

    if (is_data && !data_done) {
      data_done = true;
      if (value == '[') {
        const uint64_t array_start = pos_;
        ++pos_;
        keep_ = pos_;
        if (Status s = SplitArrayElements(ArrayContext::kEnvelopeData, array_start);
            !s.ok() || stopped_) {
          return Leave(s);
        }
      } else if (value == '{') {
        // {"data": {trace}} (Jaeger UI's internal model, some tools).
        if (Status s = SplitJaegerTrace(); !s.ok() || stopped_) return Leave(s);
      } else {
        // null means no traces.
        uint64_t begin = 0;
        uint64_t end = 0;
        if (Status s = ScanValue(&begin, &end); !s.ok() || stopped_) return Leave(s);
      }
    } else {
      uint64_t begin = 0;
      uint64_t end = 0;
      if (Status s = ScanValue(&begin, &end); !s.ok() || stopped_) return Leave(s);
      if (key_ == "errors") {
        if (envelope) {
          Record(UnitType::Structure(UnitKind::kEnvelopeErrors), begin, end);
        } else {
          have_errors = true;
          errors_begin = begin;
          errors_end = end;
        }
      }
    }
    if (envelope) keep_ = pos_;
    return true;
  });
  if (!closed.ok()) return closed.error();
  if (whole) return SplitWholeObject(start, *whole);
  if (!closed.value()) return OkStatus();
  ++pos_;  // '}'
  if (!envelope) {
    if (!envelope_keys) {
      return Error{ErrorCode::kInput,
                   fmt::format("byte {}: unrecognised JSON document: no key of a Jaeger "
                               "('data', 'spans'), OTLP ('resourceSpans', 'result') or Zipkin "
                               "('traceId', 'id') trace",
                               start)};
    }
    // An envelope without `data`, e.g. an error response.
    if (have_errors)
      Record(UnitType::Structure(UnitKind::kEnvelopeErrors), errors_begin, errors_end);
  }
  keep_ = pos_;
  return OkStatus();
}

Status JsonSplitter::SplitWholeObject(uint64_t start, UnitType type) {
  // Re-scan from the opening brace: only a few small members were read.
  pos_ = start;
  if (type != UnitType::Format(formats::kJaegerTraceFormat) && !Announce(type)) return OkStatus();
  if (type == UnitType::Format(formats::kJaegerTraceFormat)) {
    Status s = SplitJaegerTrace();
    keep_ = pos_;
    return s;
  }
  uint64_t begin = 0;
  uint64_t end = 0;
  if (Status s = ScanValue(&begin, &end); !s.ok() || stopped_) return s;
  Record(type, begin, end);
  keep_ = pos_;
  return OkStatus();
}

Status JsonSplitter::SplitJaegerTrace() {
  if (!Announce(UnitType::Format(formats::kJaegerTraceFormat))) return OkStatus();
  uint64_t begin = 0;
  uint64_t end = 0;
  bool over = false;
  if (Status s = ScanValue(&begin, &end, stream_trace_bytes_, &over); !s.ok() || stopped_) {
    return s;
  }
  if (!over) {
    Record(UnitType::Format(formats::kJaegerTraceFormat), begin, end);
    return OkStatus();
  }
  pos_ = begin;  // still buffered: keep_ is at or before it
  Status s = StreamTrace(begin);
  // The end of input inside it: name the trace, as when it is held whole.
  if (!s.ok() && eof_ && error_offset_ == end_) return Truncated(begin);
  return s;
}

Status JsonSplitter::StreamTrace(uint64_t start) {
  Record(UnitType::Structure(UnitKind::kTraceOpen), start, start);
  ++pos_;  // '{'
  keep_ = pos_;
  const Result<bool> closed = ReadMembers(start, [&](int first) -> Result<bool> {
    const uint64_t member = pos_;
    keep_ = member;
    int value = kEof;
    if (Status s = ReadMemberHead(start, first, &value); !s.ok() || stopped_) return Leave(s);
    if (key_ == "spans" && value == '[') {
      if (Status s = StreamSpans(); !s.ok() || stopped_) return Leave(s);
    } else {
      uint64_t begin = 0;
      uint64_t end = 0;
      if (Status s = ScanValue(&begin, &end); !s.ok() || stopped_) return Leave(s);
      Record(UnitType::Structure(UnitKind::kTraceMember), member, end);
    }
    keep_ = pos_;
    return true;
  });
  if (!closed.ok()) return closed.error();
  if (!closed.value()) return OkStatus();
  Record(UnitType::Structure(UnitKind::kTraceClose), pos_, pos_ + 1);
  ++pos_;  // '}'
  keep_ = pos_;
  return OkStatus();
}

Status JsonSplitter::StreamSpans() {
  const uint64_t array_start = pos_;
  ++pos_;  // '['
  keep_ = pos_;
  // A run ends at this many bytes, or earlier when the batch is full, little
  // of it is left to scan and the run is not small: then the next refill
  // carries at most that little (and the span being scanned) to the next
  // batch. Runs are big because each leaves its last, partly filled, block
  // of strings behind (StringArena::Adopt).
  const uint64_t run_bytes = std::max<uint64_t>(chunk_size_ / 2, 1);
  const uint64_t run_tail = std::max<uint64_t>(chunk_size_ / 16, 1);
  uint32_t index = 0;  // of the next span
  bool in_run = false;
  uint64_t run_begin = 0;
  uint64_t run_end = 0;
  uint32_t run_first = 0;
  const auto close_run = [&] {
    if (in_run) Record(UnitType::Structure(UnitKind::kTraceSpans), run_begin, run_end, run_first);
    in_run = false;
    keep_ = pos_;
  };
  Status s = WalkArray(array_start, [&](int) -> Status {
    const bool batch_full = batch_->size == batch_->buffer.capacity();
    const uint64_t run_size = run_end - run_begin;
    if (in_run &&
        (run_size >= run_bytes || (batch_full && end_ - pos_ < run_tail && run_size >= run_tail))) {
      close_run();
    }
    if (!in_run) {
      in_run = true;
      run_begin = pos_;
      run_first = index;
      keep_ = pos_;
    }
    uint64_t begin = 0;
    if (Status st = ScanValue(&begin, &run_end); !st.ok() || stopped_) return st;
    ++index;
    return OkStatus();
  });
  if (s.ok() && !stopped_) close_run();
  return s;
}

}  // namespace trace_analyze::input::internal
