// JsonSplitter: cuts an input stream into independently decodable units
// (one Jaeger trace, one OTLP document, one Zipkin span, ...) without parsing
// it, reading chunk by chunk into reused batch buffers. Memory stays bounded
// by the chunk size and the largest single unit, whatever the file size.
//
// Top-level shapes (any number of them in a row, so JSON Lines and
// concatenated JSON work; a UTF-8 BOM is skipped at the start):
//  * `{"data":[...], "errors":..., ...}` (keys in any order): each `data`
//    element becomes a kJaegerTrace unit (streamed), `errors` a
//    kEnvelopeErrors unit, a `data` object one kJaegerTrace unit.
//  * any other object: one unit for the whole object, its kind taken from its
//    first deciding key (see sniff.h).
//  * `[...]`: one unit per element, each classified with ClassifyValue.
// A Jaeger trace longer than `stream_trace_bytes` is not held whole: it
// becomes kTraceOpen, kTraceMember, kTraceSpans and kTraceClose units
// (sniff.h), each spans array cut into runs of whole spans, so memory stays
// bounded by the chunk size for traces of any size.
// A value that does not close, or bytes that cannot start or continue this
// structure, are an error; what is inside a unit is the decoders' business.
// Except in JSON Lines: when a document that starts a line (after an earlier
// document and a newline) is broken and its bytes are still buffered, it
// becomes a kBrokenLine unit up to the next line starting with '{', and
// splitting goes on from there.
#ifndef TRACE_ANALYZE_INPUT_INTERNAL_JSON_SPLITTER_H_
#define TRACE_ANALYZE_INPUT_INTERNAL_JSON_SPLITTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "analyzer/status.h"
#include "input/byte_source.h"
#include "input/internal/batch.h"
#include "input/internal/value_scanner.h"
#include "input/sniff.h"

namespace trace_analyze::input::internal {

class JsonSplitter {
 public:
  // Receives each filled batch, in input order. Returns false to stop reading
  // (the consumer has failed or finished); the batch is consumed either way.
  using EmitFn = std::function<bool(std::unique_ptr<Batch>)>;

  // Reads `chunk_size` bytes at a time (buffers grow only for units that do
  // not fit, up to about `max_unit_bytes`: a longer unit is an error). `source`
  // and `pool` must outlive the splitter.
  JsonSplitter(ByteSource* source, BatchPool* pool, size_t chunk_size,
               uint64_t max_unit_bytes = uint64_t{1} << 30,
               uint64_t stream_trace_bytes = uint64_t{8} << 20);

  // Splits the whole input. Errors carry no source name: "empty input" or
  // "byte N: <what>". Returns OkStatus when `emit` or the type hook asked to
  // stop.
  Status Run(const EmitFn& emit);

  // Called with the type of each unit of a trace format (UnitKind::kFormat)
  // as soon as the splitter knows it: for an object at its first deciding
  // key, before the rest of it is read; for an array element once it is
  // scanned. Returning false stops the split as `emit` returning false does.
  // Set before Run; may be empty.
  using TypeHook = std::function<bool(UnitType)>;
  void set_type_hook(TypeHook hook) { type_hook_ = std::move(hook); }

  uint64_t bytes_read() const { return bytes_read_; }
  // After Run() failed: the input offset the error names ("byte N").
  uint64_t error_offset() const { return error_offset_; }

 private:
  enum class ArrayContext : uint8_t { kTopLevel, kEnvelopeData };
  static constexpr int kEof = -1;

  Status SplitTopArray();
  Status SplitTopObject();
  Status SplitArrayElements(ArrayContext context, uint64_t array_start);
  // The elements of the array opened at `array_start` (pos_ just past its
  // '['): `element(c)` scans each one, pos_ at its first character c; the
  // separators and the closing ']' are read here, pos_ ends past the ']'.
  template <class Fn>
  Status WalkArray(uint64_t array_start, Fn&& element);
  Status SplitWholeObject(uint64_t start, UnitType type);
  // The Jaeger trace object at pos_: one unit, or streamed when too long.
  Status SplitJaegerTrace();
  Status StreamTrace(uint64_t start);
  Status StreamSpans();
  // Scans the value at pos_ and sets [*begin, *end); pos_ moves past it.
  // With `over`: once more than `limit` bytes of the value were read without
  // its end, stops with *over set (pos_ is then unspecified).
  Status ScanValue(uint64_t* begin, uint64_t* end, uint64_t limit = UINT64_MAX,
                   bool* over = nullptr);
  Status ReadKey();
  // At an object member, pos_ at its first character `c` (peeked): reads
  // the key into key_ and the ':' after it, and peeks the value's first
  // character into *value. The end of input is named as inside the object
  // starting at `start`.
  Status ReadMemberHead(uint64_t start, int c, int* value);
  // Reads the members of the object whose '{' is at `start` (pos_ just past
  // it): `member(c)` reads one, pos_ at its first character `c` (peeked), and
  // returns whether to go on. Returns true at the object's '}' (pos_ on it),
  // false when `member` said to stop or the split was stopped; the end of input
  // before the '}' is named as inside the object.
  template <class Member>
  Result<bool> ReadMembers(uint64_t start, Member&& member);
  // After the document at `doc_start` failed: records it as a kBrokenLine
  // unit and moves to the next "\n{" if both are in the buffer.
  bool SkipBrokenLine(uint64_t doc_start);

  // Next non-whitespace byte at or after pos_ (pos_ moves to it), or kEof.
  Result<int> PeekNonSpace();
  // Reads more input; false at end of input.
  Result<bool> More();
  Status Rotate();
  void Record(UnitType type, uint64_t begin, uint64_t end, uint32_t first_span = 0);
  // Tells the type hook about a unit of `type`; false (and stopped_) when it
  // asked to stop.
  bool Announce(UnitType type);

  const char* At(uint64_t offset) const { return batch_->buffer.data() + (offset - base_); }
  // Both record the offset they name in error_offset_.
  Error Truncated(uint64_t value_start);
  Error Unexpected(uint64_t offset, std::string_view expected);

  ByteSource* source_;
  BatchPool* pool_;
  size_t chunk_size_;
  uint64_t max_unit_bytes_;
  uint64_t stream_trace_bytes_;
  const EmitFn* emit_ = nullptr;
  TypeHook type_hook_;
  bool stopped_ = false;  // emit_ or type_hook_ returned false

  std::unique_ptr<Batch> batch_;
  // All positions are offsets in the input stream; batch_ holds [base_, end_).
  uint64_t base_ = 0;
  uint64_t end_ = 0;
  uint64_t pos_ = 0;   // next byte to look at
  uint64_t keep_ = 0;  // first byte still needed (carried over on refill)
  bool eof_ = false;
  uint64_t bytes_read_ = 0;
  uint64_t error_offset_ = 0;
  bool saw_newline_ = false;  // PeekNonSpace skipped a '\n' since the last reset

  ValueScanner scanner_;
  std::string key_;  // the object key just read (raw, escapes undecoded)
};

}  // namespace trace_analyze::input::internal

#endif  // TRACE_ANALYZE_INPUT_INTERNAL_JSON_SPLITTER_H_
