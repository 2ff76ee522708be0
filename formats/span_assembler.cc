#include "formats/span_assembler.h"

namespace trace_analyze::formats {

void SpanAssembler::Commit() {
  for (uint32_t i = 0; i < staging_.spans.size(); ++i) {
    groups_.Add(staging_, i, staged_[i], /*zipkin=*/false);
  }
  staging_.Reset();
  staged_.clear();
}

Status SpanAssembler::Deliver(std::string_view source, const TraceCallback& on_trace) {
  Status status = OkStatus();
  for (size_t i = 0; i < groups_.size() && status.ok(); ++i) {
    analyzer::Trace& trace = groups_.group(i).trace;
    if (trace.spans.empty()) continue;
    trace.source = trace.arena.Store(source);
    status = on_trace(trace);
  }
  groups_.Clear();
  return status;
}

std::string BytesToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace trace_analyze::formats
