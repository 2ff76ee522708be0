#include "reports/openmetrics_writer.h"

#include <fmt/format.h>

#include <array>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/escape.h"
#include "reports/spill_buffer.h"

namespace trace_analyze::reports {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// A label value: valid UTF-8 without control characters (line breaks and
// tabs become spaces, others U+FFFD, as on a terminal), with backslash and
// double quote escaped as the exposition formats require.
std::string LabelValue(std::string_view text) {
  std::string out;
  for (char c : EscapeTerminal(text)) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

// Computed ratios and p-values: 6 significant digits, so that the last bits
// of a floating-point computation never reach a golden file.
std::string Number(double v) { return fmt::format("{:.6g}", v); }
// Counts exactly.
std::string Count(uint64_t n) { return fmt::format("{}", n); }
// µs as seconds, exactly (the shortest text that reads back as us / 1e6).
std::string Seconds(int64_t us) { return fmt::format("{}", static_cast<double>(us) / 1e6); }

// One metric family, written as a whole (OpenMetrics requires a family's
// samples to be contiguous): HELP, TYPE gauge, an optional UNIT, then every
// sample in the order added.
class Family {
 public:
  Family(std::string name, std::string help, std::string unit = "")
      : name_(std::move(name)), help_(std::move(help)), unit_(std::move(unit)) {}
  void Add(const Labels& labels, double value) { Add(labels, Number(value)); }
  void Add(const Labels& labels, const std::string& value) {
    samples_.push_back(Sample(labels, value));
  }
  // One sample's line, without its line break.
  std::string Sample(const Labels& labels, const std::string& value) const {
    std::string line = name_;
    if (!labels.empty()) {
      line += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        line += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                            LabelValue(labels[i].second));
      }
      line += '}';
    }
    return line + ' ' + value;
  }
  // HELP, TYPE and UNIT: what precedes the samples.
  void WriteHead(std::ostream& out) const {
    out << "# HELP " << name_ << ' ' << help_ << '\n' << "# TYPE " << name_ << " gauge\n";
    if (!unit_.empty()) out << "# UNIT " << name_ << ' ' << unit_ << '\n';
  }
  // Nothing when the family has no samples (a family without samples says
  // nothing a dashboard can use).
  void Write(std::ostream& out) const {
    if (samples_.empty()) return;
    WriteHead(out);
    for (const std::string& s : samples_) out << s << '\n';
  }

 private:
  std::string name_, help_, unit_;
  std::vector<std::string> samples_;
};

// Percentiles are a label, "p50" … "p99", as in the other reports ("quantile"
// is the summary type's label in the exposition formats).
constexpr std::array<std::pair<const char*, int64_t analyzer::RootLatencyRow::*>, 4>
    kRootPercentiles = {{{"p50", &analyzer::RootLatencyRow::p50_us},
                         {"p90", &analyzer::RootLatencyRow::p90_us},
                         {"p95", &analyzer::RootLatencyRow::p95_us},
                         {"p99", &analyzer::RootLatencyRow::p99_us}}};

void Quality(const analyzer::DataQuality& q, const Labels& side, Family& family) {
  q.ForEach([&](std::string_view name, uint64_t value) {
    Labels labels = side;
    labels.emplace_back("counter", std::string(name));
    family.Add(labels, Count(value));
  });
}

void WriteAll(std::initializer_list<const Family*> families, std::ostream& out) {
  for (const Family* f : families) f->Write(out);
  out << "# EOF\n";
}

// Two families with a sample per trace: each family's samples must be
// contiguous, so each has its own spill buffer, written after its head.
class OpenMetricsCriticalPathSink : public CriticalPathSink {
 public:
  explicit OpenMetricsCriticalPathSink(const WriteOptions& o)
      : durations_(o.spill_bytes), critical_paths_(o.spill_bytes) {}

  void Add(const analyzer::TracePath& t) override {
    ++traces_;
    const Labels labels = {{"trace_id", t.trace_id}};
    durations_.Append(duration_.Sample(labels, Seconds(t.duration_us)) + '\n');
    critical_paths_.Append(critical_.Sample(labels, Seconds(t.critical_path_us)) + '\n');
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) override {
    for (const SpillBuffer* samples : {&durations_, &critical_paths_}) {
      if (Status spilled = samples->status(); !spilled.ok()) return spilled;
    }
    Family info("trace_analyze_critical_path_info", "The critical-path mode.");
    info.Add({{"critical_path_mode", summary.cp_mode},
              {"partial", summary.input.partial ? "true" : "false"}},
             1);
    info.Write(out);
    if (traces_ > 0) {
      for (const auto& [family, samples] :
           {std::pair{&duration_, &durations_}, std::pair{&critical_, &critical_paths_}}) {
        family->WriteHead(out);
        if (Status copied = samples->CopyTo(out); !copied.ok()) return copied;
      }
    }
    out << "# EOF\n";
    return OkStatus();
  }

 private:
  const Family duration_{"trace_analyze_trace_duration_seconds", "Each trace's extent.", "seconds"};
  const Family critical_{"trace_analyze_trace_critical_path_seconds",
                         "Each trace's critical-path length.", "seconds"};
  SpillBuffer durations_;
  SpillBuffer critical_paths_;
  uint64_t traces_ = 0;
};

}  // namespace

void OpenMetricsWriter::WriteAnalyze(const analyzer::AnalyzeResult& r, const WriteOptions&,
                                     std::ostream& out) const {
  Family info("trace_analyze_analyze_info",
              "The analysis: critical-path mode and whether the input was partial.");
  info.Add({{"critical_path_mode", r.cp_mode}, {"partial", r.input.partial ? "true" : "false"}}, 1);
  Family traces("trace_analyze_traces", "Traces analysed.");
  traces.Add({}, Count(r.profile.traces));
  Family quality("trace_analyze_data_quality", "Data-quality counters (docs/json-schema.md).");
  Quality(r.quality, {}, quality);

  Family latency("trace_analyze_latency_seconds",
                 "End-to-end trace latency by root operation (\"all\": every trace), "
                 "nearest-rank percentile.",
                 "seconds");
  Family root_traces("trace_analyze_root_traces", "Traces by root operation.");
  Family errors("trace_analyze_error_ratio",
                "Share of traces with an error span, by root operation.", "ratio");
  for (const analyzer::RootLatencyRow& row : r.profile.root_latency) {
    const Labels op = {{"service", row.root.service}, {"root_operation", row.root.operation}};
    for (const auto& [percentile, field] : kRootPercentiles) {
      Labels labels = op;
      labels.emplace_back("percentile", percentile);
      latency.Add(labels, Seconds(row.*field));
    }
    root_traces.Add(op, Count(row.traces));
    errors.Add(
        op, row.traces ? static_cast<double>(row.errors) / static_cast<double>(row.traces) : 0.0);
  }

  Family service_share("trace_analyze_service_critical_path_share",
                       "Share of all critical-path time owned by the service (0..1).");
  for (const analyzer::ProfileRow& row : r.profile.by_service) {
    service_share.Add({{"service", row.name.service}}, row.share);
  }
  Family operation_share("trace_analyze_operation_critical_path_share",
                         "Share of all critical-path time owned by the operation (0..1).");
  for (const analyzer::ProfileRow& row : r.profile.by_operation) {
    operation_share.Add({{"service", row.name.service}, {"operation", row.name.operation}},
                        row.share);
  }

  // Findings in the report (the first --top, and every suppressed one), by
  // kind and confidence; every kind and confidence appears, 0 when none.
  Family findings("trace_analyze_findings",
                  "Findings in the report (the first --top), by kind and confidence.");
  Family high("trace_analyze_high_confidence_findings",
              "Unsuppressed high-confidence findings, shown or not (what --fail-on-findings "
              "judges).");
  Family saving("trace_analyze_finding_saving_seconds",
                "Realistic critical-path saving per trace of each finding in the report, "
                "p50 and p95.",
                "seconds");
  if (r.findings_enabled) {
    std::map<std::pair<std::string, std::string>, uint64_t> counts;
    for (const char* kind : {"sequential", "n_plus_one", "repeated_call"}) {
      for (const char* confidence : {"high", "medium", "low"}) counts[{kind, confidence}] = 0;
    }
    for (const analyzer::Finding& f : r.findings) {
      if (f.suppressed) continue;
      ++counts[{analyzer::FindingKindName(f.kind), analyzer::ConfidenceName(f.confidence)}];
      const Labels labels = {{"kind", analyzer::FindingKindName(f.kind)},
                             {"fingerprint", f.fingerprint},
                             {"confidence", analyzer::ConfidenceName(f.confidence)},
                             {"parent_service", f.parent.service},
                             {"parent_operation", f.parent.operation}};
      for (const auto& [percentile, us] :
           {std::pair{"p50", f.realistic.p50_us}, std::pair{"p95", f.realistic.p95_us}}) {
        Labels with_percentile = labels;
        with_percentile.emplace_back("percentile", percentile);
        saving.Add(with_percentile, Seconds(us));
      }
    }
    for (const auto& [key, n] : counts) {
      findings.Add({{"kind", key.first}, {"confidence", key.second}}, Count(n));
    }
    high.Add({}, Count(r.high_confidence));
  }
  WriteAll({&info, &traces, &quality, &latency, &root_traces, &errors, &service_share,
            &operation_share, &findings, &high, &saving},
           out);
}

std::unique_ptr<CriticalPathSink> OpenMetricsWriter::NewCriticalPathSink(
    const WriteOptions& options, std::string_view) const {
  return std::make_unique<OpenMetricsCriticalPathSink>(options);
}

void OpenMetricsWriter::WriteDiff(const analyzer::DiffResult& r, const WriteOptions&,
                                  std::ostream& out) const {
  Family info("trace_analyze_diff_info", "The comparison: diff or verify, critical-path mode.");
  info.Add({{"command", r.command}, {"critical_path_mode", r.cp_mode}}, 1);
  Family pass("trace_analyze_diff_pass",
              "1 when no target failed (exit code 0), 0 when one did (exit code 1).");
  pass.Add({}, r.pass ? 1 : 0);
  Family traces("trace_analyze_diff_traces", "Traces on each side.");
  traces.Add({{"side", "baseline"}}, Count(r.baseline.traces));
  traces.Add({{"side", "candidate"}}, Count(r.candidate.traces));

  Family latency("trace_analyze_diff_latency_seconds",
                 "End-to-end latency by side and root operation (\"all\": every trace), "
                 "nearest-rank percentile.",
                 "seconds");
  Family change("trace_analyze_diff_latency_change_ratio",
                "(candidate - baseline) / baseline of the latency percentile.", "ratio");
  Family ci_low("trace_analyze_diff_latency_change_ci_low_ratio",
                "Low end of the bootstrap 95% confidence interval of the change.", "ratio");
  Family ci_high("trace_analyze_diff_latency_change_ci_high_ratio",
                 "High end of the bootstrap 95% confidence interval of the change.", "ratio");
  Family p_value("trace_analyze_diff_latency_p_value",
                 "p-value of the percentile's bootstrap test (docs/diff.md).");
  Family significant("trace_analyze_diff_latency_significant",
                     "1 when the percentile's change is significant (p < alpha), else 0.");
  for (const analyzer::LatencyChange& c : r.latency) {
    const Labels op = {{"service", c.root.service},
                       {"root_operation", c.root.operation},
                       {"percentile", c.percentile}};
    for (const auto& [side, us] :
         {std::pair{"baseline", c.baseline_us}, std::pair{"candidate", c.candidate_us}}) {
      if (!us) continue;
      Labels labels = {{"side", side}};
      labels.insert(labels.end(), op.begin(), op.end());
      latency.Add(labels, Seconds(*us));
    }
    if (c.change_pct) change.Add(op, *c.change_pct / 100);
    if (c.ci_low_pct) ci_low.Add(op, *c.ci_low_pct / 100);
    if (c.ci_high_pct) ci_high.Add(op, *c.ci_high_pct / 100);
    if (c.p_value) {
      p_value.Add(op, *c.p_value);
      significant.Add(op, c.significant ? 1 : 0);
    }
  }
  Family dist_p("trace_analyze_diff_latency_distribution_p_value",
                "p-value of the Mann-Whitney U test of the root operation's whole latency "
                "distribution.");
  for (const analyzer::LatencyDistributionTest& t : r.latency_tests) {
    if (t.p_value)
      dist_p.Add({{"service", t.root.service}, {"root_operation", t.root.operation}}, *t.p_value);
  }

  Family throughput("trace_analyze_diff_throughput_per_second",
                    "Traces per second over each side's window of root start times.");
  if (r.throughput.baseline_per_s)
    throughput.Add({{"side", "baseline"}}, *r.throughput.baseline_per_s);
  if (r.throughput.candidate_per_s) {
    throughput.Add({{"side", "candidate"}}, *r.throughput.candidate_per_s);
  }
  Family errors("trace_analyze_diff_error_ratio", "Share of traces with an error span.", "ratio");
  if (r.error_rate.baseline) errors.Add({{"side", "baseline"}}, *r.error_rate.baseline);
  if (r.error_rate.candidate) errors.Add({{"side", "candidate"}}, *r.error_rate.candidate);

  Family share("trace_analyze_diff_service_critical_path_share",
               "Share of each side's critical-path time owned by the service (0..1).");
  Family per_trace("trace_analyze_diff_service_critical_path_seconds",
                   "Critical-path time of the service, mean per trace of the side.", "seconds");
  for (const analyzer::CpShiftRow& row : r.critical_path.services) {
    share.Add({{"side", "baseline"}, {"service", row.name.service}}, row.baseline_share);
    share.Add({{"side", "candidate"}, {"service", row.name.service}}, row.candidate_share);
    per_trace.Add({{"side", "baseline"}, {"service", row.name.service}}, Seconds(row.baseline_us));
    per_trace.Add({{"side", "candidate"}, {"service", row.name.service}},
                  Seconds(row.candidate_us));
  }

  Family target_value("trace_analyze_diff_target_value",
                      "A target's measured value, in its unit (label unit).");
  Family target_threshold("trace_analyze_diff_target_threshold",
                          "A target's threshold, in its unit (label unit).");
  Family target_status("trace_analyze_diff_target_status",
                       "1 for the target's status (OK, ACCEPTABLE or FAIL), 0 for the others.");
  for (const analyzer::TargetRow& t : r.targets) {
    const Labels labels = {{"target", t.name}, {"origin", t.origin}, {"unit", t.unit}};
    if (t.value) target_value.Add(labels, *t.value);
    target_threshold.Add(labels, t.target);
    for (analyzer::TargetStatus s :
         {analyzer::TargetStatus::kOk, analyzer::TargetStatus::kAcceptable,
          analyzer::TargetStatus::kFail}) {
      Labels with_status = labels;
      with_status.emplace_back("status", analyzer::TargetStatusName(s));
      target_status.Add(with_status, t.status == s ? 1 : 0);
    }
  }

  Family findings("trace_analyze_diff_findings",
                  "Findings resolved, new or persisting between the sides.");
  findings.Add({{"status", "resolved"}}, Count(r.findings.resolved));
  findings.Add({{"status", "new"}}, Count(r.findings.added));
  findings.Add({{"status", "persisting"}}, Count(r.findings.persisting));

  Family overlap("trace_analyze_verify_overlap_ratio",
                 "Share of the candidate's instances of a verified pattern whose members all "
                 "overlap.",
                 "ratio");
  Family realised("trace_analyze_verify_concurrency_saving_seconds",
                  "What concurrency saved per trace on a verified pattern (p50).", "seconds");
  for (const analyzer::VerifyRow& v : r.verify) {
    const Labels labels = {{"fingerprint", v.fingerprint},
                           {"name", v.name},
                           {"parent_service", v.parent.service},
                           {"parent_operation", v.parent.operation}};
    if (v.overlap_share) overlap.Add(labels, *v.overlap_share);
    if (v.concurrency_saving_us) realised.Add(labels, Seconds(*v.concurrency_saving_us));
  }
  WriteAll({&info,    &pass,      &traces,       &latency,          &change,        &ci_low,
            &ci_high, &p_value,   &significant,  &dist_p,           &throughput,    &errors,
            &share,   &per_trace, &target_value, &target_threshold, &target_status, &findings,
            &overlap, &realised},
           out);
}

}  // namespace trace_analyze::reports
