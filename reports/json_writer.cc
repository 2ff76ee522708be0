#include "reports/json_writer.h"

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "reports/json_util.h"
#include "reports/spill_buffer.h"

namespace trace_analyze::reports {
namespace {

Json RowJson(const analyzer::ProfileRow& r, bool with_operation) {
  Json row{{"service", r.name.service}};
  if (with_operation) row["operation"] = r.name.operation;
  row["criticalPathUs"] = r.critical_us;
  row["share"] = Round4(r.share);
  row["traces"] = r.traces;
  row["spans"] = r.spans;
  row["selfUs"] = r.self_us;
  row["p50Us"] = r.p50_us;
  row["p95Us"] = r.p95_us;
  row["p99Us"] = r.p99_us;
  return row;
}

Json SavingJson(const analyzer::Saving& s) {
  return Json{{"p50Us", s.p50_us},
              {"p95Us", s.p95_us},
              {"p50Share", Round4(s.p50_share)},
              {"p95Share", Round4(s.p95_share)},
              {"totalUs", s.total_us}};
}

Json FindingJson(const analyzer::Finding& f) {
  Json sequence = Json::array();
  for (const analyzer::OpName& o : f.sequence) sequence.push_back(OpJson(o));
  Json out{{"kind", analyzer::FindingKindName(f.kind)},
           {"fingerprint", f.fingerprint},
           {"confidence", analyzer::ConfidenceName(f.confidence)},
           {"reasons", f.reasons},
           {"parent", OpJson(f.parent)},
           {"sequence", std::move(sequence)},
           {"instances", f.instances},
           {"traces", f.traces},
           {"savings",
            Json{{"optimistic", SavingJson(f.optimistic)}, {"realistic", SavingJson(f.realistic)}}},
           {"exampleTraceIds", f.example_trace_ids},
           {"orders", f.orders},
           {"callsP50", f.calls_p50},
           {"callsMax", f.calls_max},
           {"exampleKey", f.example_key}};
  if (f.kind == analyzer::FindingKind::kSequential) {
    Json parents = Json::array();
    for (const analyzer::OpName& o : f.parents) parents.push_back(OpJson(o));
    out["parents"] = std::move(parents);
    out["run"] = RunJson(f.run);
    out["memberP50Us"] = f.member_p50_us;
  }
  if (f.suppressed) out["suppressedReason"] = f.suppressed_reason;
  return out;
}

// Appends `value` as nlohmann writes an integer.
void AppendInt(int64_t value, fmt::memory_buffer& out) {
  const fmt::format_int text(value);
  out.append(text.data(), text.data() + text.size());
}

void Append(std::string_view text, fmt::memory_buffer& out) {
  out.append(text.data(), text.data() + text.size());
}

// The "traces" array is written without a Json tree, one trace at a time,
// byte for byte as Dump writes the whole document. The head (schema, input,
// data quality) is dumped by Finish, once its numbers are known, and the
// traces follow it.
class JsonCriticalPathSink : public CriticalPathSink {
 public:
  explicit JsonCriticalPathSink(const WriteOptions& o) : spill_(o.spill_bytes) {}

  void Add(const analyzer::TracePath& t) override {
    buffer_.clear();
    if (traces_++ > 0) Append(",\n", buffer_);
    Append("    {\n      \"traceID\": ", buffer_);
    AppendJsonString(t.trace_id, buffer_);
    Append(",\n      \"startUs\": ", buffer_);
    AppendInt(t.start_us, buffer_);
    Append(",\n      \"durationUs\": ", buffer_);
    AppendInt(t.duration_us, buffer_);
    Append(",\n      \"criticalPathUs\": ", buffer_);
    AppendInt(t.critical_path_us, buffer_);
    Append(",\n      \"criticalPath\": [", buffer_);
    for (size_t i = 0; i < t.sections.size(); ++i) {
      const analyzer::PathSection& s = t.sections[i];
      Append(i == 0 ? "\n" : ",\n", buffer_);
      AppendSpanHead(s.span_id, s.name, s.start_us);
      Append(",\n          \"endUs\": ", buffer_);
      AppendInt(s.end_us, buffer_);
      Append("\n        }", buffer_);
    }
    Append(t.sections.empty() ? "],\n      \"spans\": [" : "\n      ],\n      \"spans\": [",
           buffer_);
    for (size_t i = 0; i < t.spans.size(); ++i) {
      const analyzer::PathSpan& s = t.spans[i];
      Append(i == 0 ? "\n" : ",\n", buffer_);
      AppendSpanHead(s.span_id, s.name, s.start_us);
      Append(",\n          \"durationUs\": ", buffer_);
      AppendInt(s.duration_us, buffer_);
      Append(",\n          \"selfUs\": ", buffer_);
      AppendInt(s.self_us, buffer_);
      Append(",\n          \"criticalPathUs\": ", buffer_);
      AppendInt(s.critical_us, buffer_);
      Append("\n        }", buffer_);
    }
    Append(t.spans.empty() ? "]\n    }" : "\n      ]\n    }", buffer_);
    spill_.Append(std::string_view(buffer_.data(), buffer_.size()));
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) override {
    assert(summary.traces == traces_);
    if (Status spilled = spill_.status(); !spilled.ok()) return spilled;
    Json doc{{"schema", "trace-analyze/critical-path/v1"},
             {"criticalPathMode", summary.cp_mode},
             {"input", InputJson(summary.input)},
             {"dataQuality", QualityJson(summary.quality)}};
    if (traces_ == 0) {
      doc["traces"] = Json::array();
      Dump(doc, out);
      return OkStatus();
    }
    std::string head = doc.dump(2, ' ', false, Json::error_handler_t::replace);
    head.resize(head.size() - 2);  // the document's closing "\n}"
    out << head << ",\n  \"traces\": [\n";
    if (Status copied = spill_.CopyTo(out); !copied.ok()) return copied;
    out << "\n  ]\n}\n";
    return OkStatus();
  }

 private:
  // "{", then spanID, service, operation and startUs of a section or span.
  void AppendSpanHead(const std::string& span_id, const analyzer::OpName& name, int64_t start_us) {
    Append("        {\n          \"spanID\": ", buffer_);
    AppendJsonString(span_id, buffer_);
    Append(",\n          \"service\": ", buffer_);
    AppendJsonString(name.service, buffer_);
    Append(",\n          \"operation\": ", buffer_);
    AppendJsonString(name.operation, buffer_);
    Append(",\n          \"startUs\": ", buffer_);
    AppendInt(start_us, buffer_);
  }

  fmt::memory_buffer buffer_;  // one trace's text, reused
  SpillBuffer spill_;
  uint64_t traces_ = 0;
};

}  // namespace

void JsonWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                              std::ostream& out) const {
  const analyzer::ProfileReport& p = result.profile;
  Json latency = Json::array();
  for (const analyzer::RootLatencyRow& r : p.root_latency) {
    latency.push_back(Json{{"service", r.root.service},
                           {"operation", r.root.operation},
                           {"traces", r.traces},
                           {"errors", r.errors},
                           {"p50Us", r.p50_us},
                           {"p90Us", r.p90_us},
                           {"p95Us", r.p95_us},
                           {"p99Us", r.p99_us},
                           {"maxUs", r.max_us}});
  }
  Json services = Json::array();
  for (const analyzer::ProfileRow& r : p.by_service) services.push_back(RowJson(r, false));
  Json operations = Json::array();
  for (const analyzer::ProfileRow& r : p.by_operation) operations.push_back(RowJson(r, true));
  Json heaviest = Json::array();
  for (const analyzer::HeavySpan& h : p.heaviest) {
    heaviest.push_back(Json{{"traceID", h.trace_id},
                            {"spanID", h.span_id},
                            {"service", h.name.service},
                            {"operation", h.name.operation},
                            {"criticalPathUs", h.critical_us},
                            {"durationUs", h.duration_us}});
  }
  Json doc{{"schema", "trace-analyze/analyze/v1"},
           {"criticalPathMode", result.cp_mode},
           {"input", InputJson(result.input)},
           {"dataQuality", QualityJson(result.quality)},
           {"traces", p.traces},
           {"criticalPathUs", p.critical_path_us},
           {"latency", std::move(latency)},
           {"services", std::move(services)},
           {"operations", std::move(operations)},
           {"heaviestSpans", std::move(heaviest)}};
  if (result.findings_enabled) {
    Json findings = Json::array();
    Json suppressed = Json::array();
    for (const analyzer::Finding& f : result.findings) {
      (f.suppressed ? suppressed : findings).push_back(FindingJson(f));
    }
    doc["findings"] = std::move(findings);
    doc["suppressedFindings"] = std::move(suppressed);
  }
  Dump(doc, out);
}

std::unique_ptr<CriticalPathSink> JsonWriter::NewCriticalPathSink(const WriteOptions& options,
                                                                  std::string_view) const {
  return std::make_unique<JsonCriticalPathSink>(options);
}

}  // namespace trace_analyze::reports
