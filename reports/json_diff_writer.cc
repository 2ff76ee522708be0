// JsonWriter::WriteDiff: the `trace-analyze/diff/v1` document of `diff` and
// `verify` (docs/json-schema.md). n/a values are null.
#include <cmath>
#include <optional>
#include <string>

#include "reports/diff_format.h"
#include "reports/json_util.h"
#include "reports/json_writer.h"

namespace trace_analyze::reports {
namespace {

// Percentages with 2 decimals; p-values with 4 significant digits (they can
// be tiny, and 0 would claim certainty).
double Round2(double x) { return std::round(x * 1e2) / 1e2; }
double RoundSignificant(double x) {
  if (x == 0 || !std::isfinite(x)) return x;
  const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::fabs(x))));
  return std::round(x * scale) / scale;
}

template <class T, class F>
Json Optional(const std::optional<T>& v, F&& f) {
  return v ? Json(f(*v)) : Json(nullptr);
}
template <class T>
Json Optional(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json SequenceJson(const std::vector<analyzer::OpName>& ops) {
  Json out = Json::array();
  for (const analyzer::OpName& o : ops) out.push_back(OpJson(o));
  return out;
}

Json SideJson(const analyzer::DiffSideSummary& s) {
  Json out{{"traces", s.traces}, {"input", InputJson(s.input)}};
  // The Jaeger search window; null for a side read from files.
  out["window"] = s.window_start.empty() ? Json(nullptr)
                                         : Json{{"start", s.window_start}, {"end", s.window_end}};
  out["dataQuality"] = QualityJson(s.quality);
  return out;
}

Json TargetsJson(const analyzer::DiffResult& r) {
  Json out = Json::array();
  for (const analyzer::TargetRow& t : r.targets) {
    out.push_back(Json{{"name", t.name},
                       {"value", Optional(t.value, RoundSignificant)},
                       {"target", t.target},
                       {"acceptable", Optional(t.acceptable)},
                       {"status", analyzer::TargetStatusName(t.status)},
                       {"operator", t.op},
                       {"unit", t.unit},
                       {"distance", Optional(t.distance, RoundSignificant)},
                       {"origin", t.origin},
                       {"reason", TargetReason(r, t)}});
  }
  return out;
}

Json LatencyJson(const std::vector<analyzer::LatencyChange>& rows) {
  Json out = Json::array();
  for (const analyzer::LatencyChange& r : rows) {
    out.push_back(Json{{"service", r.root.service},
                       {"rootOperation", r.root.operation},
                       {"percentile", r.percentile},
                       {"baselineTraces", r.baseline_traces},
                       {"candidateTraces", r.candidate_traces},
                       {"baselineUs", Optional(r.baseline_us)},
                       {"candidateUs", Optional(r.candidate_us)},
                       {"changePct", Optional(r.change_pct, Round2)},
                       {"ciLowPct", Optional(r.ci_low_pct, Round2)},
                       {"ciHighPct", Optional(r.ci_high_pct, Round2)},
                       {"pValue", Optional(r.p_value, RoundSignificant)},
                       {"significant", r.significant}});
  }
  return out;
}

Json ThroughputJson(const analyzer::ThroughputChange& t) {
  return Json{{"baseline", Optional(t.baseline_per_s, Round4)},
              {"candidate", Optional(t.candidate_per_s, Round4)},
              {"changePct", Optional(t.change_pct, Round2)},
              {"significant", t.significant},
              {"pValue", Optional(t.p_value, RoundSignificant)},
              {"baselineTraces", t.baseline_traces},
              {"candidateTraces", t.candidate_traces},
              {"baselineWindowUs", t.baseline_window_us},
              {"candidateWindowUs", t.candidate_window_us}};
}

Json ErrorRateJson(const analyzer::ErrorRateChange& e) {
  return Json{{"baseline", Optional(e.baseline, Round4)},
              {"candidate", Optional(e.candidate, Round4)},
              {"changePct", Optional(e.change_points, Round2)},
              {"significant", e.significant},
              {"pValue", Optional(e.p_value, RoundSignificant)},
              {"test", e.test},
              {"baselineErrors", e.baseline_errors},
              {"candidateErrors", e.candidate_errors},
              {"baselineTraces", e.baseline_traces},
              {"candidateTraces", e.candidate_traces}};
}

Json MemberOverlapJson(const std::vector<analyzer::VerifyRow::MemberOverlap>& members) {
  Json out = Json::array();
  for (const auto& m : members) {
    Json row = OpJson(m.member);
    row["share"] = Round4(m.share);
    out.push_back(std::move(row));
  }
  return out;
}

Json VerifyJson(const std::vector<analyzer::VerifyRow>& rows) {
  Json out = Json::array();
  for (const analyzer::VerifyRow& v : rows) {
    out.push_back(Json{{"fingerprint", v.fingerprint},
                       {"parent", OpJson(v.parent)},
                       {"sequence", SequenceJson(v.sequence)},
                       {"instancesBaseline", v.instances_baseline},
                       {"instancesCandidate", v.instances_candidate},
                       {"overlapShare", Optional(v.overlap_share, Round4)},
                       {"concurrency", Optional(v.concurrency, Round4)},
                       {"predictedSavingUs", v.predicted_saving_us},
                       {"realisedSavingUs", Optional(v.realised_saving_us)},
                       {"status", analyzer::VerifyStatusName(v.status)},
                       {"name", v.name},
                       {"expected", v.expected},
                       {"flaggedInBaseline", v.flagged_in_baseline},
                       {"tracesBaseline", v.traces_baseline},
                       {"tracesCandidate", v.traces_candidate},
                       {"partialShare", Optional(v.partial_share, Round4)},
                       {"minOverlapShare", Round4(v.min_overlap_share)},
                       {"baselineCriticalUs", Optional(v.baseline_critical_us)},
                       {"candidateCriticalUs", Optional(v.candidate_critical_us)},
                       {"concurrencySavingUs", Optional(v.concurrency_saving_us)},
                       {"baselineDurationUs", Optional(v.baseline_duration_us)},
                       {"candidateDurationUs", Optional(v.candidate_duration_us)},
                       {"memberOverlap", MemberOverlapJson(v.member_overlap)},
                       {"run", RunJson(v.run)},
                       {"reason", VerifyReason(v)}});
  }
  return out;
}

Json ShiftRowsJson(const std::vector<analyzer::CpShiftRow>& rows, bool ops, bool paths) {
  Json out = Json::array();
  for (const analyzer::CpShiftRow& r : rows) {
    Json row = Json::object();
    if (paths) {
      row["path"] = r.path;
    } else {
      row["service"] = r.name.service;
      if (ops) row["operation"] = r.name.operation;
    }
    row["presence"] = analyzer::PresenceName(r.presence);
    row["baselineUs"] = r.baseline_us;
    row["candidateUs"] = r.candidate_us;
    row["changeUs"] = r.change_us;
    row["changePct"] = Optional(r.change_pct, Round2);
    row["baselineShare"] = Round4(r.baseline_share);
    row["candidateShare"] = Round4(r.candidate_share);
    if (!paths) {
      row["pValue"] = Optional(r.p_value, RoundSignificant);
      row["significant"] = r.significant;
    }
    out.push_back(std::move(row));
  }
  return out;
}

Json ShiftJson(const analyzer::CpShift& cp) {
  return Json{{"services", ShiftRowsJson(cp.services, false, false)},
              {"operations", ShiftRowsJson(cp.operations, true, false)},
              {"paths", ShiftRowsJson(cp.paths, false, true)},
              {"appeared", SequenceJson(cp.appeared)},
              {"disappeared", SequenceJson(cp.disappeared)}};
}

Json FindingsJson(const analyzer::FindingsDiff& f) {
  Json changes = Json::array();
  for (const analyzer::FindingChange& c : f.changes) {
    changes.push_back(Json{{"status", analyzer::FindingChangeStatusName(c.status)},
                           {"kind", analyzer::FindingKindName(c.kind)},
                           {"fingerprint", c.fingerprint},
                           {"parent", OpJson(c.parent)},
                           {"sequence", SequenceJson(c.sequence)},
                           {"baselineSavingUs", Optional(c.baseline_saving_us)},
                           {"candidateSavingUs", Optional(c.candidate_saving_us)},
                           {"baselineTraces", c.baseline_traces},
                           {"candidateTraces", c.candidate_traces},
                           {"candidateFingerprint", c.candidate_fingerprint},
                           {"run", RunJson(c.run)}});
  }
  return Json{{"resolved", f.resolved},
              {"new", f.added},
              {"persisting", f.persisting},
              {"changes", std::move(changes)}};
}

}  // namespace

Json LatencyTestsJson(const std::vector<analyzer::LatencyDistributionTest>& tests) {
  Json out = Json::array();
  for (const analyzer::LatencyDistributionTest& t : tests) {
    out.push_back(Json{{"service", t.root.service},
                       {"rootOperation", t.root.operation},
                       {"test", "mann-whitney-u"},
                       {"baselineTraces", t.baseline_traces},
                       {"candidateTraces", t.candidate_traces},
                       {"pValue", Optional(t.p_value, RoundSignificant)},
                       {"probCandidateSlower", Optional(t.prob_candidate_slower, RoundSignificant)},
                       {"significant", t.significant}});
  }
  return out;
}

void JsonWriter::WriteDiff(const analyzer::DiffResult& r, const WriteOptions&,
                           std::ostream& out) const {
  const analyzer::SignificanceOptions& s = r.statistics;
  Json doc{{"schema", "trace-analyze/diff/v1"},
           {"command", r.command},
           {"criticalPathMode", r.cp_mode},
           {"verdict", r.pass ? "pass" : "fail"},
           {"verdictReason", r.verdict_reason},
           {"targets", TargetsJson(r)},
           {"latency", LatencyJson(r.latency)},
           {"latencyTests", LatencyTestsJson(r.latency_tests)},
           {"throughput", ThroughputJson(r.throughput)},
           {"errorRate", ErrorRateJson(r.error_rate)},
           {"verify", VerifyJson(r.verify)},
           {"criticalPathShift", ShiftJson(r.critical_path)},
           {"findings", FindingsJson(r.findings)},
           {"latencyDistribution", Json{{"baselineUs", r.distribution.baseline_us},
                                        {"candidateUs", r.distribution.candidate_us}}},
           {"statistics", Json{{"alpha", s.alpha},
                               {"minSamples", s.min_samples},
                               {"bootstrapResamples", s.bootstrap_resamples},
                               {"bootstrapSeed", s.bootstrap_seed}}},
           {"baseline", SideJson(r.baseline)},
           {"candidate", SideJson(r.candidate)}};
  Dump(doc, out);
}

}  // namespace trace_analyze::reports
