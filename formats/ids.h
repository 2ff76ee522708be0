// Trace/span id normalisation shared by every decoder and by the CLI's
// --trace filter, so that one trace has one spelling everywhere.
#ifndef TRACE_ANALYZE_FORMATS_IDS_H_
#define TRACE_ANALYZE_FORMATS_IDS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace trace_analyze::formats {

// Hex ids (any case, 1–32 digits) become lower case and are padded as Jaeger
// prints them (model/v1/ids.go): 16 digits when the value fits in 64 bits, else
// 32. So "ABC", "0000000000000abc" and "00000000000000000000000000000abc" all
// become "0000000000000abc". Anything else (non-hex, longer) is returned
// unchanged and *is_hex is set to false.
std::string NormalizeTraceId(std::string_view id, bool* is_hex = nullptr);

// Span ids: hex (1–16 digits) lower-cased and padded to 16; others unchanged.
std::string NormalizeSpanId(std::string_view id, bool* is_hex = nullptr);

// Same as above but writes into `out` (cleared first); no allocation once
// `out` has capacity. Returns whether the id was hex.
bool NormalizeTraceIdInto(std::string_view id, std::string* out);
bool NormalizeSpanIdInto(std::string_view id, std::string* out);

// The stable hash of a normalised trace id: 64-bit FNV-1a of its bytes
// (analyzer::StableHash64), the same on every machine and release. It decides
// which shard of `trace-analyze partition` holds a trace (hash mod N) and
// which spill partition holds its spans while it is assembled.
uint64_t TraceIdHash(std::string_view normalised_id);

}  // namespace trace_analyze::formats

#endif  // TRACE_ANALYZE_FORMATS_IDS_H_
