// TraceBuilder: tiny traces inline in tests, e.g.
//   Trace t = TraceBuilder()
//       .Span("a", "", "gw", "GET /", 0, 100)
//       .Span("b", "a", "db", "query", 10, 30).Attr("db.statement", "SELECT 1")
//       .Build();
// Ids are used verbatim (no normalisation); parent "" means no reference.
// Start times are relative to `epoch_us` (Jaeger mode drops spans starting at
// 0, so tests that are not about that use a non-zero epoch).
#ifndef TRACE_ANALYZE_TESTS_TESTING_TRACE_BUILDER_H_
#define TRACE_ANALYZE_TESTS_TESTING_TRACE_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/model.h"

namespace trace_analyze::testing {

class TraceBuilder {
 public:
  explicit TraceBuilder(std::string trace_id = "t1", int64_t epoch_us = 0)
      : trace_id_(std::move(trace_id)), epoch_us_(epoch_us) {}

  // Adds a span with one reference of type `ref` to `parent` (none if "").
  TraceBuilder& Span(std::string id, std::string parent, std::string service, std::string operation,
                     int64_t start_us, int64_t duration_us,
                     analyzer::SpanKind kind = analyzer::SpanKind::kUnspecified,
                     analyzer::RefType ref = analyzer::RefType::kChildOf) {
    SpanSpec s;
    s.id = std::move(id);
    s.service = std::move(service);
    s.operation = std::move(operation);
    s.start_us = epoch_us_ + start_us;
    s.duration_us = duration_us;
    s.kind = kind;
    if (!parent.empty()) s.refs.push_back({ref, trace_id_, std::move(parent)});
    spans_.push_back(std::move(s));
    return *this;
  }
  // Adds a further reference to the last span (trace "" = this trace).
  TraceBuilder& Ref(analyzer::RefType type, std::string span_id, std::string trace_id = "") {
    spans_.back().refs.push_back(
        {type, trace_id.empty() ? trace_id_ : std::move(trace_id), std::move(span_id)});
    return *this;
  }
  TraceBuilder& Attr(std::string key, std::string value) {
    spans_.back().attrs.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  TraceBuilder& Error() {
    spans_.back().error = true;
    return *this;
  }
  TraceBuilder& Host(std::string host) {
    spans_.back().host = std::move(host);
    return *this;
  }
  TraceBuilder& NoStart() {
    spans_.back().has_start = false;
    return *this;
  }

  analyzer::Trace Build() const {
    analyzer::Trace t;
    t.trace_id = t.arena.Store(trace_id_);
    t.source = t.arena.Store("<builder>");
    for (const SpanSpec& s : spans_) {
      analyzer::Span span;
      span.span_id = t.arena.Store(s.id);
      span.service = t.arena.Store(s.service);
      span.operation = t.arena.Store(s.operation);
      span.host = t.arena.Store(s.host);
      span.start_us = s.start_us;
      span.duration_us = s.duration_us;
      span.kind = s.kind;
      span.error = s.error;
      span.has_start = s.has_start;
      span.refs_begin = static_cast<uint32_t>(t.references.size());
      for (const RefSpec& r : s.refs) {
        t.references.push_back({r.type, t.arena.Store(r.trace_id), t.arena.Store(r.span_id)});
      }
      span.refs_count = static_cast<uint32_t>(s.refs.size());
      span.attrs_begin = static_cast<uint32_t>(t.attributes.size());
      for (const auto& [k, v] : s.attrs) {
        t.attributes.push_back({t.arena.Store(k), t.arena.Store(v)});
      }
      span.attrs_count = static_cast<uint32_t>(s.attrs.size());
      t.spans.push_back(span);
    }
    return t;
  }

 private:
  struct RefSpec {
    analyzer::RefType type;
    std::string trace_id;
    std::string span_id;
  };
  struct SpanSpec {
    std::string id, service, operation, host;
    int64_t start_us = 0, duration_us = 0;
    analyzer::SpanKind kind = analyzer::SpanKind::kUnspecified;
    bool error = false;
    bool has_start = true;
    std::vector<RefSpec> refs;
    std::vector<std::pair<std::string, std::string>> attrs;
  };
  std::string trace_id_;
  int64_t epoch_us_;
  std::vector<SpanSpec> spans_;
};

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_TRACE_BUILDER_H_
