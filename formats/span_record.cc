#include "formats/span_record.h"

#include "formats/decode_util.h"
#include "formats/zipkin_shared_spans.h"

namespace trace_analyze::formats {
namespace {

// Bits of a record's flags word; the span kind sits in the low three bits,
// so that the flags of a non-Zipkin span fit in one byte.
constexpr uint64_t kKindMask = 0x7;
constexpr uint64_t kHasStart = 1 << 3;
constexpr uint64_t kHasDuration = 1 << 4;
constexpr uint64_t kError = 1 << 5;
constexpr uint64_t kNonHex = 1 << 6;
constexpr uint64_t kZipkin = 1 << 7;
constexpr uint64_t kZipkinShared = 1 << 8;
constexpr uint64_t kKnownFlags = (kZipkinShared << 1) - 1;
constexpr uint64_t kMaxKind = static_cast<uint64_t>(analyzer::SpanKind::kConsumer);

// Times may be negative before Normalize(): zigzag keeps small magnitudes short.
uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool ReadCount(std::string_view* in, uint32_t* count) {
  uint64_t v = 0;
  // Every element takes at least one byte: a larger count is malformed.
  if (!ReadVarint(in, &v) || v > in->size()) return false;
  *count = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool ReadVarint(std::string_view* in, uint64_t* value) {
  uint64_t v = 0;
  for (size_t i = 0; i < in->size() && i < 10; ++i) {
    const auto byte = static_cast<uint8_t>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // beyond 64 bits
    v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = v;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

void AppendBytes(std::string_view bytes, std::string* out) {
  AppendVarint(bytes.size(), out);
  out->append(bytes);
}

bool ReadBytes(std::string_view* in, std::string_view* bytes) {
  uint64_t n = 0;
  if (!ReadVarint(in, &n) || n > in->size()) return false;
  *bytes = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

void AppendSpanRecord(const analyzer::Trace& staging, uint32_t index, const StagedSpan& info,
                      bool zipkin, std::string* out) {
  const analyzer::Span& s = staging.spans[index];
  uint64_t flags = static_cast<uint64_t>(s.kind);
  if (s.has_start) flags |= kHasStart;
  if (s.has_duration) flags |= kHasDuration;
  if (s.error) flags |= kError;
  if (info.non_hex) flags |= kNonHex;
  if (zipkin) flags |= kZipkin;
  if (zipkin && info.zipkin_shared) flags |= kZipkinShared;
  AppendVarint(flags, out);
  AppendVarint(ZigZag(s.start_us), out);
  AppendVarint(ZigZag(s.duration_us), out);
  AppendBytes(s.span_id, out);
  AppendBytes(s.service, out);
  AppendBytes(s.operation, out);
  AppendBytes(s.host, out);
  AppendVarint(s.refs_count, out);
  for (const analyzer::Reference& ref : staging.RefsOf(s)) {
    AppendVarint(static_cast<uint64_t>(ref.type), out);
    // "" stands for the span's own trace, as it does in TraceGroups.
    AppendBytes(ref.trace_id == info.trace_id ? std::string_view() : ref.trace_id, out);
    AppendBytes(ref.span_id, out);
  }
  AppendVarint(s.attrs_count, out);
  for (const analyzer::Attribute& attr : staging.AttrsOf(s)) {
    AppendBytes(attr.key, out);
    AppendBytes(attr.value, out);
  }
}

void RecordedTrace::Begin(std::string_view trace_id) {
  trace_.Reset();
  trace_.trace_id = trace_.arena.Store(trace_id);
  zipkin_ = false;
  shared_.clear();
  last_service_ = {};
  last_host_ = {};
}

bool RecordedTrace::Add(std::string_view record) {
  analyzer::StringArena& arena = trace_.arena;
  uint64_t flags = 0;
  uint64_t start = 0;
  uint64_t duration = 0;
  std::string_view span_id;
  std::string_view service;
  std::string_view operation;
  std::string_view host;
  if (!ReadVarint(&record, &flags) || (flags & ~kKnownFlags) != 0 ||
      (flags & kKindMask) > kMaxKind || !ReadVarint(&record, &start) ||
      !ReadVarint(&record, &duration) || !ReadBytes(&record, &span_id) ||
      !ReadBytes(&record, &service) || !ReadBytes(&record, &operation) ||
      !ReadBytes(&record, &host)) {
    return false;
  }
  analyzer::Span out;
  out.kind = static_cast<analyzer::SpanKind>(flags & kKindMask);
  out.has_start = (flags & kHasStart) != 0;
  out.has_duration = (flags & kHasDuration) != 0;
  out.error = (flags & kError) != 0;
  out.start_us = UnZigZag(start);
  out.duration_us = UnZigZag(duration);
  out.span_id = arena.Store(span_id);
  out.operation = arena.Store(operation);
  if (service == kUnknownService) {
    out.service = kUnknownService;
  } else {
    if (service != last_service_) last_service_ = arena.Store(service);
    out.service = last_service_;
  }
  if (host != last_host_) last_host_ = arena.Store(host);
  out.host = last_host_;

  uint32_t refs = 0;
  if (!ReadCount(&record, &refs)) return false;
  out.refs_begin = static_cast<uint32_t>(trace_.references.size());
  out.refs_count = refs;
  for (uint32_t i = 0; i < refs; ++i) {
    uint64_t type = 0;
    std::string_view ref_trace;
    std::string_view ref_span;
    if (!ReadVarint(&record, &type) ||
        type > static_cast<uint64_t>(analyzer::RefType::kFollowsFrom) ||
        !ReadBytes(&record, &ref_trace) || !ReadBytes(&record, &ref_span)) {
      return false;
    }
    trace_.references.push_back({static_cast<analyzer::RefType>(type),
                                 ref_trace.empty() ? trace_.trace_id : arena.Store(ref_trace),
                                 arena.Store(ref_span)});
  }
  uint32_t attrs = 0;
  if (!ReadCount(&record, &attrs)) return false;
  out.attrs_begin = static_cast<uint32_t>(trace_.attributes.size());
  out.attrs_count = attrs;
  for (uint32_t i = 0; i < attrs; ++i) {
    std::string_view key;
    std::string_view value;
    if (!ReadBytes(&record, &key) || !ReadBytes(&record, &value)) return false;
    trace_.attributes.push_back({arena.Store(key), arena.Store(value)});
  }
  if (!record.empty()) return false;

  trace_.spans.push_back(out);
  if ((flags & kNonHex) != 0) ++trace_.quality.non_hex_ids;
  if ((flags & kZipkin) != 0) {
    zipkin_ = true;
    shared_.resize(trace_.spans.size() - 1, 0);
    shared_.push_back((flags & kZipkinShared) != 0 ? 1 : 0);
  }
  return true;
}

void RecordedTrace::Finish() {
  if (zipkin_) SplitZipkinSharedSpans(&trace_, shared_);
}

}  // namespace trace_analyze::formats
