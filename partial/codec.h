// The byte encoding of the analyzer's value streams (analyzer/state_io.h):
// unsigned integers as LEB128 varints, signed ones zigzag-encoded first,
// doubles as their 8 IEEE-754 bytes (little-endian), strings as a varint
// length and the bytes. ByteReader checks every length against what is left.
#ifndef TRACE_ANALYZE_PARTIAL_CODEC_H_
#define TRACE_ANALYZE_PARTIAL_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/state_io.h"

namespace trace_analyze::partial {

class ByteWriter : public analyzer::StateWriter {
 public:
  void U64(uint64_t v) override;
  void I64(int64_t v) override;
  void F64(double v) override;
  void Str(std::string_view s) override;

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader : public analyzer::StateReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  uint64_t U64() override;
  int64_t I64() override;
  double F64() override;
  std::string Str() override;
  size_t Count() override;
  void Fail(std::string_view what) override;
  bool ok() const override { return error_.empty(); }

  // The first failure ("" while ok), with the byte offset where it happened.
  const std::string& error() const { return error_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace trace_analyze::partial

#endif  // TRACE_ANALYZE_PARTIAL_CODEC_H_
