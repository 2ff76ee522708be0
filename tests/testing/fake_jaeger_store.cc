#include "tests/testing/fake_jaeger_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace trace_analyze::testing {
namespace {

using Json = nlohmann::ordered_json;
namespace v2 = ::jaeger::api_v2;
namespace otlp = ::opentelemetry::proto::trace::v1;
namespace common = ::opentelemetry::proto::common::v1;

int KindNumber(const std::string& kind) {
  if (kind == "internal") return 1;
  if (kind == "server") return 2;
  if (kind == "client") return 3;
  if (kind == "producer") return 4;
  if (kind == "consumer") return 5;
  return 0;
}

}  // namespace

std::string Pad32(const std::string& id) { return std::string(32 - id.size(), '0') + id; }

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

int64_t FakeTrace::StartUs() const {
  int64_t start = spans.empty() ? 0 : spans[0].start_us;
  for (const FakeSpan& s : spans) start = std::min(start, s.start_us);
  return start;
}

int64_t FakeTrace::DurationUs() const {
  int64_t end = 0;
  for (const FakeSpan& s : spans) end = std::max(end, s.start_us + s.duration_us);
  return end - StartUs();
}

FakeTrace MakeFakeTrace(const std::string& trace_id, int64_t start_us, int n_children,
                        bool with_error) {
  FakeTrace t;
  t.trace_id = trace_id;
  FakeSpan root;
  root.span_id = "00000000000000a0";
  root.service = "frontend";
  root.operation = "GET /dispatch";
  root.start_us = start_us;
  root.duration_us = 1000 + 100 * n_children;
  root.kind = "server";
  root.status_code = 200;
  root.tags = {{"customer", "123"}};
  t.spans.push_back(root);
  for (int i = 0; i < n_children; ++i) {
    FakeSpan c;
    c.span_id = fmt::format("{:016x}", 0xb0 + i);
    c.parent = root.span_id;
    c.service = "driver";
    c.operation = "FindDriver";
    c.start_us = start_us + 10 + int64_t{100} * i;
    c.duration_us = 90;
    c.kind = "client";
    c.error = with_error && i + 1 == n_children;
    t.spans.push_back(c);
  }
  return t;
}

FakeTrace MakeBigFakeTrace(const std::string& trace_id, int64_t start_us) {
  FakeTrace t = MakeFakeTrace(trace_id, start_us, 6000);
  const std::string payload(800, 'x');
  for (FakeSpan& s : t.spans) s.tags.push_back({"payload", payload});
  return t;
}

const FakeTrace* FakeJaegerStore::Get(const std::string& trace_id) const {
  for (const FakeTrace& t : traces_) {
    if (Pad32(t.trace_id) == Pad32(trace_id)) return &t;
  }
  return nullptr;
}

std::vector<const FakeTrace*> FakeJaegerStore::Find(const FakeSearch& search) const {
  std::vector<const FakeTrace*> out;
  for (const FakeTrace& t : traces_) {
    bool match = false;
    for (const FakeSpan& s : t.spans) {
      if (s.service != search.service) continue;
      if (!search.operation.empty() && s.operation != search.operation) continue;
      bool tags_ok = true;
      for (const auto& [k, v] : search.tags) {
        bool found = false;
        for (const auto& [sk, sv] : s.tags) found |= sk == k && sv == v;
        if (k == "error" && v == "true" && s.error) found = true;
        tags_ok &= found;
      }
      if (span_level_search_) {
        tags_ok &= s.start_us >= search.start_us && s.start_us <= search.end_us;
        tags_ok &= search.min_duration_us == 0 || s.duration_us >= search.min_duration_us;
        tags_ok &= search.max_duration_us == 0 || s.duration_us <= search.max_duration_us;
      }
      match |= tags_ok;
    }
    if (span_level_search_) {
      if (match) out.push_back(&t);
      continue;
    }
    const int64_t start = t.StartUs();
    if (!match || start < search.start_us || start > search.end_us) continue;
    if (search.min_duration_us > 0 && t.DurationUs() < search.min_duration_us) continue;
    if (search.max_duration_us > 0 && t.DurationUs() > search.max_duration_us) continue;
    out.push_back(&t);
  }
  std::stable_sort(out.begin(), out.end(), [](const FakeTrace* a, const FakeTrace* b) {
    return a->StartUs() > b->StartUs();
  });
  if (search.limit > 0 && out.size() > static_cast<size_t>(search.limit)) out.resize(search.limit);
  return out;
}

std::vector<std::string> FakeJaegerStore::Services() const {
  std::set<std::string> names;
  for (const FakeTrace& t : traces_) {
    for (const FakeSpan& s : t.spans) names.insert(s.service);
  }
  return {names.begin(), names.end()};
}

std::vector<std::pair<std::string, std::string>> FakeJaegerStore::Operations(
    const std::string& service) const {
  std::set<std::pair<std::string, std::string>> ops;
  for (const FakeTrace& t : traces_) {
    for (const FakeSpan& s : t.spans) {
      if (s.service == service) ops.insert({s.operation, s.kind});
    }
  }
  return {ops.begin(), ops.end()};
}

std::string ToUiJsonTrace(const FakeTrace& t) {
  Json spans = Json::array();
  std::vector<std::string> services;
  for (const FakeSpan& s : t.spans) {
    if (std::find(services.begin(), services.end(), s.service) == services.end()) {
      services.push_back(s.service);
    }
    const size_t p = std::find(services.begin(), services.end(), s.service) - services.begin() + 1;
    Json refs = Json::array();
    if (!s.parent.empty()) {
      refs.push_back({{"refType", "CHILD_OF"}, {"traceID", t.trace_id}, {"spanID", s.parent}});
    }
    Json tags = Json::array();
    for (const auto& [k, v] : s.tags)
      tags.push_back({{"key", k}, {"type", "string"}, {"value", v}});
    if (s.status_code > 0) {
      tags.push_back({{"key", "http.status_code"}, {"type", "int64"}, {"value", s.status_code}});
    }
    if (!s.kind.empty())
      tags.push_back({{"key", "span.kind"}, {"type", "string"}, {"value", s.kind}});
    if (s.error) tags.push_back({{"key", "error"}, {"type", "bool"}, {"value", true}});
    spans.push_back({{"traceID", t.trace_id},
                     {"spanID", s.span_id},
                     {"flags", 1},
                     {"operationName", s.operation},
                     {"references", refs},
                     {"startTime", s.start_us},
                     {"duration", s.duration_us},
                     {"tags", tags},
                     {"logs", Json::array()},
                     {"processID", fmt::format("p{}", p)},
                     {"warnings", nullptr}});
  }
  Json processes = Json::object();
  for (size_t i = 0; i < services.size(); ++i) {
    processes[fmt::format("p{}", i + 1)] = {
        {"serviceName", services[i]},
        {"tags",
         Json::array(
             {{{"key", "hostname"}, {"type", "string"}, {"value", "host-" + services[i]}}})}};
  }
  return Json{
      {"traceID", t.trace_id}, {"spans", spans}, {"processes", processes}, {"warnings", nullptr}}
      .dump();
}

std::string ToUiJsonEnvelope(const std::vector<const FakeTrace*>& traces) {
  std::string out = "{\"data\":[";
  for (size_t i = 0; i < traces.size(); ++i) out += (i ? "," : "") + ToUiJsonTrace(*traces[i]);
  return out + "],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}";
}

std::string ToOtlpJsonResult(const std::vector<const FakeTrace*>& traces) {
  Json resource_spans = Json::array();
  for (const FakeTrace* t : traces) {
    for (const FakeSpan& s : t->spans) {
      Json attrs = Json::array();
      for (const auto& [k, v] : s.tags)
        attrs.push_back({{"key", k}, {"value", {{"stringValue", v}}}});
      if (s.status_code > 0) {
        attrs.push_back({{"key", "http.status_code"},
                         {"value", {{"intValue", std::to_string(s.status_code)}}}});
      }
      Json span{{"traceId", Pad32(t->trace_id)},
                {"spanId", s.span_id},
                {"name", s.operation},
                {"kind", KindNumber(s.kind)},
                {"startTimeUnixNano", std::to_string(s.start_us * 1000)},
                {"endTimeUnixNano", std::to_string((s.start_us + s.duration_us) * 1000)},
                {"attributes", attrs}};
      if (!s.parent.empty()) span["parentSpanId"] = s.parent;
      span["status"] = s.error ? Json{{"code", 2}} : Json::object();
      resource_spans.push_back(
          {{"resource",
            {{"attributes",
              Json::array(
                  {{{"key", "service.name"}, {"value", {{"stringValue", s.service}}}},
                   {{"key", "host.name"}, {"value", {{"stringValue", "host-" + s.service}}}}})}}},
           {"scopeSpans",
            Json::array({{{"scope", Json::object()}, {"spans", Json::array({span})}}})}});
    }
  }
  return Json{{"result", {{"resourceSpans", resource_spans}}}}.dump();
}

std::vector<v2::Span> ToApiV2Spans(const FakeTrace& t) {
  std::vector<v2::Span> out;
  for (const FakeSpan& s : t.spans) {
    v2::Span span;
    span.set_trace_id(HexToBytes(Pad32(t.trace_id)));
    span.set_span_id(HexToBytes(s.span_id));
    span.set_operation_name(s.operation);
    if (!s.parent.empty()) {
      v2::SpanRef* ref = span.add_references();
      ref->set_trace_id(HexToBytes(Pad32(t.trace_id)));
      ref->set_span_id(HexToBytes(s.parent));
      ref->set_ref_type(v2::CHILD_OF);
    }
    span.mutable_start_time()->set_seconds(s.start_us / 1000000);
    span.mutable_start_time()->set_nanos(static_cast<int32_t>(s.start_us % 1000000 * 1000));
    span.mutable_duration()->set_seconds(s.duration_us / 1000000);
    span.mutable_duration()->set_nanos(static_cast<int32_t>(s.duration_us % 1000000 * 1000));
    for (const auto& [k, v] : s.tags) {
      v2::KeyValue* kv = span.add_tags();
      kv->set_key(k);
      kv->set_v_str(v);
    }
    if (s.status_code > 0) {
      v2::KeyValue* kv = span.add_tags();
      kv->set_key("http.status_code");
      kv->set_v_type(v2::INT64);
      kv->set_v_int64(s.status_code);
    }
    if (!s.kind.empty()) {
      v2::KeyValue* kv = span.add_tags();
      kv->set_key("span.kind");
      kv->set_v_str(s.kind);
    }
    if (s.error) {
      v2::KeyValue* kv = span.add_tags();
      kv->set_key("error");
      kv->set_v_type(v2::BOOL);
      kv->set_v_bool(true);
    }
    span.mutable_process()->set_service_name(s.service);
    v2::KeyValue* host = span.mutable_process()->add_tags();
    host->set_key("hostname");
    host->set_v_str("host-" + s.service);
    out.push_back(std::move(span));
  }
  return out;
}

otlp::TracesData ToOtlpProto(const FakeTrace& t) {
  otlp::TracesData data;
  for (const FakeSpan& s : t.spans) {
    otlp::ResourceSpans* rs = data.add_resource_spans();
    common::KeyValue* name = rs->mutable_resource()->add_attributes();
    name->set_key("service.name");
    name->mutable_value()->set_string_value(s.service);
    common::KeyValue* host = rs->mutable_resource()->add_attributes();
    host->set_key("host.name");
    host->mutable_value()->set_string_value("host-" + s.service);
    otlp::Span* span = rs->add_scope_spans()->add_spans();
    span->set_trace_id(HexToBytes(Pad32(t.trace_id)));
    span->set_span_id(HexToBytes(s.span_id));
    if (!s.parent.empty()) span->set_parent_span_id(HexToBytes(s.parent));
    span->set_name(s.operation);
    span->set_kind(static_cast<otlp::Span::SpanKind>(KindNumber(s.kind)));
    span->set_start_time_unix_nano(static_cast<uint64_t>(s.start_us) * 1000);
    span->set_end_time_unix_nano(static_cast<uint64_t>(s.start_us + s.duration_us) * 1000);
    for (const auto& [k, v] : s.tags) {
      common::KeyValue* kv = span->add_attributes();
      kv->set_key(k);
      kv->mutable_value()->set_string_value(v);
    }
    if (s.status_code > 0) {
      common::KeyValue* kv = span->add_attributes();
      kv->set_key("http.status_code");
      kv->mutable_value()->set_int_value(s.status_code);
    }
    if (s.error) span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  }
  return data;
}

}  // namespace trace_analyze::testing
