// Helpers for the decoder tests: decode a string or files and keep every
// delivered trace (moved out of the reader, as the contract allows).
#ifndef TRACE_ANALYZE_TESTS_JAEGER_CLIENT_DECODE_TEST_UTIL_H_
#define TRACE_ANALYZE_TESTS_JAEGER_CLIENT_DECODE_TEST_UTIL_H_

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/model.h"
#include "analyzer/status.h"
#include "input/input.h"

namespace trace_analyze::formats::testing {

struct Decoded {
  Status status = OkStatus();
  std::vector<analyzer::Trace> traces;
  input::ReadStats stats;

  std::string error() const { return status.ok() ? std::string() : status.error().message; }
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const input::InputProblem& p : stats.problems) out.push_back(p.ToString());
    return out;
  }
};

inline TraceCallback Collect(Decoded* d) {
  return [d](analyzer::Trace& t) {
    d->traces.push_back(std::move(t));
    return OkStatus();
  };
}

inline Decoded DecodeString(std::string_view bytes, input::ReadOptions options = {},
                            std::string_view name = "test.json") {
  Decoded d;
  d.status = input::DecodeBuffer(bytes, name, options, Collect(&d), &d.stats);
  return d;
}

inline Decoded ReadPaths(const std::vector<std::string>& inputs, input::ReadOptions options = {}) {
  Decoded d;
  d.status = input::ReadInputs(inputs, options, Collect(&d), &d.stats);
  return d;
}

// The span with id `id`, or nullptr.
inline const analyzer::Span* FindSpan(const analyzer::Trace& t, std::string_view id) {
  for (const analyzer::Span& s : t.spans) {
    if (s.span_id == id) return &s;
  }
  return nullptr;
}

// The span ids of a span's references, in order.
inline std::vector<std::string> RefIds(const analyzer::Trace& t, const analyzer::Span& s) {
  std::vector<std::string> out;
  for (const analyzer::Reference& r : t.RefsOf(s)) out.emplace_back(r.span_id);
  return out;
}

inline std::set<std::string> Services(const analyzer::Trace& t) {
  std::set<std::string> out;
  for (const analyzer::Span& s : t.spans) out.emplace(s.service);
  return out;
}

inline std::vector<std::pair<std::string, std::string>> Attrs(const analyzer::Trace& t,
                                                              const analyzer::Span& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const analyzer::Attribute& a : t.AttrsOf(s)) out.emplace_back(a.key, a.value);
  return out;
}

// Byte offset of the first occurrence of `needle` in `haystack` (test inputs
// are written so that it is unique).
inline uint64_t OffsetOf(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle);
}

// Every field of a trace the model holds (source, quality counters of the
// decoder, spans with references and attributes), one line per span: for
// comparing traces built in different ways.
inline std::string DumpTrace(const analyzer::Trace& t) {
  std::string out = "trace " + std::string(t.trace_id) + " source " + std::string(t.source) +
                    " non_hex " + std::to_string(t.quality.non_hex_ids) + " zipkin_shared " +
                    std::to_string(t.quality.zipkin_shared_spans) + "\n";
  for (const analyzer::Span& s : t.spans) {
    out += std::string(s.span_id) + " [" + std::string(s.service) + "] [" +
           std::string(s.operation) + "] [" + std::string(s.host) + "] " +
           std::to_string(s.start_us) + "+" + std::to_string(s.duration_us) + " kind " +
           std::to_string(static_cast<int>(s.kind)) + " flags " + std::to_string(s.error) +
           std::to_string(s.has_start) + std::to_string(s.has_duration) + " refs";
    for (const analyzer::Reference& r : t.RefsOf(s)) {
      out += " " + std::to_string(static_cast<int>(r.type)) + ":" + std::string(r.trace_id) + "/" +
             std::string(r.span_id);
    }
    out += " attrs";
    for (const analyzer::Attribute& a : t.AttrsOf(s)) {
      out += " " + std::string(a.key) + "=" + std::string(a.value);
    }
    out += "\n";
  }
  return out;
}

}  // namespace trace_analyze::formats::testing

#endif  // TRACE_ANALYZE_TESTS_JAEGER_CLIENT_DECODE_TEST_UTIL_H_
