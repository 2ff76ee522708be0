#include "reports/json_writer.h"

#include "reports/json_util.h"

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

void JsonWriter::WriteCriticalPath(const analyzer::CriticalPathResult& result, const WriteOptions&,
                                   std::ostream& out) const {
  Json traces = Json::array();
  for (const analyzer::TracePath& t : result.traces) {
    Json sections = Json::array();
    for (const analyzer::PathSection& s : t.sections) {
      sections.push_back(Json{{"spanID", s.span_id},
                              {"service", s.name.service},
                              {"operation", s.name.operation},
                              {"startUs", s.start_us},
                              {"endUs", s.end_us}});
    }
    Json spans = Json::array();
    for (const analyzer::PathSpan& s : t.spans) {
      spans.push_back(Json{{"spanID", s.span_id},
                           {"service", s.name.service},
                           {"operation", s.name.operation},
                           {"startUs", s.start_us},
                           {"durationUs", s.duration_us},
                           {"selfUs", s.self_us},
                           {"criticalPathUs", s.critical_us}});
    }
    traces.push_back(Json{{"traceID", t.trace_id},
                          {"startUs", t.start_us},
                          {"durationUs", t.duration_us},
                          {"criticalPathUs", t.critical_path_us},
                          {"criticalPath", std::move(sections)},
                          {"spans", std::move(spans)}});
  }
  Json doc{{"schema", "trace-analyze/critical-path/v1"},
           {"criticalPathMode", result.cp_mode},
           {"input", InputJson(result.input)},
           {"dataQuality", QualityJson(result.quality)},
           {"traces", std::move(traces)}};
  Dump(doc, out);
}

}  // namespace trace_analyze::reports
