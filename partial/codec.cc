#include "partial/codec.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace trace_analyze::partial {

void ByteWriter::U64(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ByteWriter::I64(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  U64((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));
}

void ByteWriter::F64(double v) {
  const auto bits = std::bit_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void ByteWriter::Str(std::string_view s) {
  U64(s.size());
  out_.append(s);
}

uint64_t ByteReader::U64() {
  if (!ok()) return 0;
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) {
      Fail("ends inside a number");
      return 0;
    }
    const auto byte = static_cast<uint8_t>(in_[pos_++]);
    if (shift == 63 && byte > 1) break;  // more than 64 bits
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  Fail("a number longer than 64 bits");
  return 0;
}

int64_t ByteReader::I64() {
  const uint64_t u = U64();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

double ByteReader::F64() {
  if (!ok()) return 0;
  if (in_.size() - pos_ < 8) {
    Fail("ends inside a number");
    return 0;
  }
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_++])) << (8 * i);
  }
  return std::bit_cast<double>(bits);
}

std::string ByteReader::Str() {
  const uint64_t size = U64();
  if (!ok()) return {};
  if (size > in_.size() - pos_) {
    Fail(fmt::format("a string of {} bytes where {} are left", size, in_.size() - pos_));
    return {};
  }
  std::string s(in_.substr(pos_, size));
  pos_ += size;
  return s;
}

size_t ByteReader::Count() {
  const uint64_t n = U64();
  if (!ok()) return 0;
  if (n > in_.size() - pos_) {
    Fail(fmt::format("a count of {} where {} bytes are left", n, in_.size() - pos_));
    return 0;
  }
  return static_cast<size_t>(n);
}

void ByteReader::Fail(std::string_view what) {
  if (ok()) error_ = fmt::format("{} (payload byte {})", what, pos_);
}

}  // namespace trace_analyze::partial
