#include "formats/jaeger_json_writer.h"

#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "formats/decode_util.h"

namespace trace_analyze::formats {
namespace {

void AppendTag(std::string_view key, std::string_view value, std::string* out) {
  *out += "{\"key\":";
  AppendJsonString(key, out);
  if (value == "true" || value == "false") {
    *out += ",\"type\":\"bool\",\"value\":";
    *out += value;
  } else {
    *out += ",\"type\":\"string\",\"value\":";
    AppendJsonString(value, out);
  }
  *out += '}';
}

}  // namespace

void AppendJaegerUiTrace(const analyzer::Trace& trace, std::string* out) {
  // Processes: one per (service, host), numbered in order of first use.
  std::vector<std::pair<std::string_view, std::string_view>> processes;
  auto process_of = [&](const analyzer::Span& s) {
    for (size_t i = 0; i < processes.size(); ++i) {
      if (processes[i].first == s.service && processes[i].second == s.host) return i + 1;
    }
    processes.emplace_back(s.service, s.host);
    return processes.size();
  };

  *out += "{\"traceID\":";
  AppendJsonString(trace.trace_id, out);
  *out += ",\"spans\":[";
  bool first_span = true;
  for (const analyzer::Span& s : trace.spans) {
    if (!first_span) *out += ',';
    first_span = false;
    *out += "{\"traceID\":";
    AppendJsonString(trace.trace_id, out);
    *out += ",\"spanID\":";
    AppendJsonString(s.span_id, out);
    *out += ",\"operationName\":";
    AppendJsonString(s.operation, out);
    *out += ",\"references\":[";
    bool first = true;
    for (const analyzer::Reference& r : trace.RefsOf(s)) {
      if (!first) *out += ',';
      first = false;
      *out += r.type == analyzer::RefType::kFollowsFrom ? "{\"refType\":\"FOLLOWS_FROM\""
                                                        : "{\"refType\":\"CHILD_OF\"";
      *out += ",\"traceID\":";
      AppendJsonString(r.trace_id.empty() ? trace.trace_id : r.trace_id, out);
      *out += ",\"spanID\":";
      AppendJsonString(r.span_id, out);
      *out += '}';
    }
    *out += fmt::format("],\"startTime\":{}", s.has_start ? s.start_us : 0);
    if (s.has_duration) *out += fmt::format(",\"duration\":{}", s.duration_us);
    *out += ",\"tags\":[";
    first = true;
    bool has_kind = false;
    // What the tags alone make of the span when read back: a Zipkin `error`
    // tag marks an error whatever its value, a Jaeger one only when "true".
    analyzer::Span read_back;
    for (const analyzer::Attribute& a : trace.AttrsOf(s)) {
      if (!first) *out += ',';
      first = false;
      has_kind |= a.key == "span.kind";
      ApplySpanAttribute(a.key, a.value, &read_back);
      AppendTag(a.key, a.value, out);
    }
    const bool has_error = read_back.error;
    if (!has_kind && s.kind != analyzer::SpanKind::kUnspecified) {
      if (!first) *out += ',';
      first = false;
      AppendTag("span.kind", analyzer::SpanKindName(s.kind), out);
    }
    if (!has_error && s.error) {
      if (!first) *out += ',';
      AppendTag("error", "true", out);
    }
    *out += fmt::format("],\"logs\":[],\"processID\":\"p{}\",\"warnings\":null}}", process_of(s));
  }
  *out += "],\"processes\":{";
  for (size_t i = 0; i < processes.size(); ++i) {
    if (i > 0) *out += ',';
    *out += fmt::format("\"p{}\":{{\"serviceName\":", i + 1);
    AppendJsonString(processes[i].first, out);
    *out += ",\"tags\":[";
    if (!processes[i].second.empty()) AppendTag("hostname", processes[i].second, out);
    *out += "]}";
  }
  *out += "},\"warnings\":null}";
}

}  // namespace trace_analyze::formats
