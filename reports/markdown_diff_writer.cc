// MarkdownWriter::WriteDiff: the pull-request comment of `diff` and `verify`.
// A one-line verdict first, then the targets and the key latency table
// (all traces: p50/p95/p99 before → after); the verified patterns; the rest
// (critical-path shift, findings, every root operation, data quality) folded
// in <details>. `verify` leaves out the shift and the findings.
#include <fmt/format.h>

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reports/diff_format.h"
#include "reports/escape.h"
#include "reports/format.h"
#include "reports/markdown_util.h"
#include "reports/markdown_writer.h"

namespace trace_analyze::reports {
namespace {

std::string Md(const std::string& text) { return EscapeMarkdown(text); }

const char* StatusIcon(analyzer::TargetStatus s) {
  switch (s) {
    case analyzer::TargetStatus::kOk:
      return "✅";
    case analyzer::TargetStatus::kAcceptable:
      return "⚠️";
    case analyzer::TargetStatus::kFail:
      return "❌";
  }
  return "";
}

void Verdict(const analyzer::DiffResult& r, std::ostream& out) {
  std::string targets;
  for (const analyzer::TargetRow& t : r.targets) {
    targets +=
        fmt::format("{}{} {}", targets.empty() ? ": " : ", ", StatusIcon(t.status),
                    MarkdownCode(t.name) + " " + Md(t.op + " " + TargetLevel(t.target, t.unit)));
  }
  // A partial side turns a pass into a warning: the verdict rests on
  // incomplete data (a failure stays a failure).
  const std::string partial = PartialSidesLabel(r);
  out << fmt::format("{} **trace-analyze {}: {}** — {}{}{}\n\n",
                     !r.pass           ? "❌"
                     : partial.empty() ? "✅"
                                       : "⚠️",
                     r.command, r.pass ? "PASS" : "FAIL", Md(r.verdict_reason), targets,
                     partial.empty() ? "" : " — **" + partial + "**");
  for (const auto& [side, in] :
       {std::pair{"baseline", &r.baseline.input}, std::pair{"candidate", &r.candidate.input}}) {
    if (!in->partial) continue;
    WriteMarkdownPartial(*in, out, side);
    out << '\n';
  }
  out << fmt::format(
      "Baseline {} traces ({}), candidate {} traces ({}); critical-path mode {}.\n\n",
      r.baseline.traces, Md(DiffSideSource(r.baseline)), r.candidate.traces,
      Md(DiffSideSource(r.candidate)), Md(r.cp_mode));
}

void Targets(const analyzer::DiffResult& r, std::ostream& out) {
  if (r.targets.empty()) return;
  out << "| | target | value | goal | acceptable | from goal |\n"
         "|---|---|---:|---:|---:|---:|\n";
  for (const analyzer::TargetRow& t : r.targets) {
    out << fmt::format("| {} {} | {} | {} | {} {} | {} | {} |\n", StatusIcon(t.status),
                       analyzer::TargetStatusName(t.status), Md(t.name),
                       t.value ? TargetLevel(*t.value, t.unit) : kNa, Md(t.op),
                       TargetLevel(t.target, t.unit),
                       t.acceptable ? Md(t.op) + " " + TargetLevel(*t.acceptable, t.unit) : "-",
                       t.distance ? SignedTargetLevel(*t.distance, t.unit) : kNa);
  }
  out << "\n<details><summary>Why</summary>\n\n";
  for (const analyzer::TargetRow& t : r.targets) {
    out << fmt::format("- **{}** ({}): {}\n", Md(t.name), Md(t.origin), Md(TargetReason(r, t)));
  }
  out << "\n</details>\n\n";
}

// The key table: all traces at p50/p95/p99.
void KeyLatency(const analyzer::DiffResult& r, std::ostream& out) {
  out << "| all traces | baseline ms | candidate ms | change | 95% CI | significant (p) |\n"
         "|---|---:|---:|---:|---:|---|\n";
  for (size_t i = 0; i < r.latency.size(); ++i) {
    const analyzer::LatencyChange& c = r.latency[i];
    if (!(c.root.service.empty() && c.root.operation == "all")) continue;
    if (c.percentile != "p90") {
      out << fmt::format("| {} | {} | {} | {} | {} | {} ({}) |\n", c.percentile,
                         MsOrNa(c.baseline_us), MsOrNa(c.candidate_us), SignedPercent(c.change_pct),
                         ChangeInterval(c), SignificanceLabel(c.significant, c.p_value),
                         FormatPValue(c.p_value));
    }
    if (const analyzer::LatencyDistributionTest* t = DistributionTestAfter(r, i)) {
      out << fmt::format("| whole distribution (Mann–Whitney U) | | | | | {} ({}) |\n",
                         SignificanceLabel(t->significant, t->p_value), FormatPValue(t->p_value));
    }
  }
  const analyzer::ThroughputChange& t = r.throughput;
  const analyzer::ErrorRateChange& e = r.error_rate;
  const auto rate = [](const std::optional<double>& v) {
    return v ? FormatPercent(*v) : std::string(kNa);
  };
  out << fmt::format(
      "\nThroughput {} → {} ({}, significant: {}); error rate {} → {} ({}, significant: {}).\n\n",
      PerSecondOrNa(t.baseline_per_s), PerSecondOrNa(t.candidate_per_s),
      SignedPercent(t.change_pct), SignificanceLabel(t.significant, t.p_value), rate(e.baseline),
      rate(e.candidate), PointsOrNa(e.change_points), SignificanceLabel(e.significant, e.p_value));
}

void Verify(const analyzer::DiffResult& r, std::ostream& out) {
  out << fmt::format("### Verify: sequential patterns ({})\n\n", r.verify.size());
  if (r.verify.empty()) {
    out << "None: the baseline has no sequential finding and no expectation.\n\n";
    return;
  }
  out << "| status | pattern | instances | overlap | saving predicted → by concurrency ms |\n"
         "|---|---|---:|---:|---:|\n";
  for (const analyzer::VerifyRow& v : r.verify) {
    out << fmt::format("| {} | {} {} | {} → {} | {} | {} → {} |\n",
                       analyzer::VerifyStatusName(v.status),
                       Md(PatternLabel(v.parent, v.sequence, v.run)), MarkdownCode(v.fingerprint),
                       v.instances_baseline, v.instances_candidate,
                       v.overlap_share ? FormatPercent(*v.overlap_share) : kNa,
                       FormatMs(v.predicted_saving_us), MsOrNa(v.concurrency_saving_us));
  }
  out << '\n';
}

void ShiftTable(const char* title, const std::vector<analyzer::CpShiftRow>& rows, bool path,
                std::ostream& out) {
  if (rows.empty()) return;
  out << fmt::format(
      "**{}**\n\n| {} | baseline ms | candidate ms | change ms | % | |\n"
      "|---|---:|---:|---:|---:|---|\n",
      title, path ? "path" : "name");
  for (const analyzer::CpShiftRow& row : rows) {
    const std::string name = path ? row.path : OpLabel(row.name);
    out << fmt::format(
        "| {} | {} | {} | {}{} | {} | {}{} |\n", Md(name), FormatMs(row.baseline_us),
        FormatMs(row.candidate_us), row.change_us > 0 ? "+" : "", FormatMs(row.change_us),
        SignedPercent(row.change_pct), row.significant ? "significant" : "",
        row.presence == analyzer::Presence::kBoth
            ? ""
            : std::string(row.significant ? ", " : "") + analyzer::PresenceName(row.presence));
  }
  out << '\n';
}

void Shift(const analyzer::CpShift& cp, std::ostream& out) {
  out << "<details><summary>Critical-path shift (mean ms per trace)</summary>\n\n";
  ShiftTable("By service", cp.services, false, out);
  ShiftTable("By operation", cp.operations, false, out);
  ShiftTable("By path", cp.paths, true, out);
  for (const auto& [what, ops] :
       {std::pair{"Appeared", &cp.appeared}, std::pair{"Disappeared", &cp.disappeared}}) {
    if (ops->empty()) continue;
    out << what << ":";
    for (size_t i = 0; i < ops->size(); ++i) {
      out << (i ? ", " : " ") << Md(OpLabel((*ops)[i]));
    }
    out << "\n\n";
  }
  out << "</details>\n\n";
}

void Findings(const analyzer::FindingsDiff& f, std::ostream& out) {
  out << fmt::format("<details><summary>Findings: {} resolved, {} new, {} persisting</summary>\n\n",
                     f.resolved, f.added, f.persisting);
  for (const analyzer::FindingChange& c : f.changes) {
    out << fmt::format("- **{}** {}: {} — saving p50 {} → {} ms/trace {}\n",
                       analyzer::FindingChangeStatusName(c.status),
                       analyzer::FindingKindName(c.kind),
                       Md(PatternLabel(c.parent, c.sequence, c.run)), MsOrNa(c.baseline_saving_us),
                       MsOrNa(c.candidate_saving_us), MarkdownCode(c.fingerprint));
  }
  out << "\n</details>\n\n";
}

void AllLatency(const analyzer::DiffResult& r, std::ostream& out) {
  out << "<details><summary>Latency by root operation</summary>\n\n"
         "| root operation | traces | pct | baseline ms | candidate ms | change | 95% CI | p |\n"
         "|---|---:|---|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < r.latency.size(); ++i) {
    const analyzer::LatencyChange& c = r.latency[i];
    out << fmt::format("| {} | {}/{} | {} | {} | {} | {} | {} | {} |\n", Md(OpLabel(c.root)),
                       c.baseline_traces, c.candidate_traces, c.percentile, MsOrNa(c.baseline_us),
                       MsOrNa(c.candidate_us), SignedPercent(c.change_pct), ChangeInterval(c),
                       FormatPValue(c.p_value));
    if (const analyzer::LatencyDistributionTest* t = DistributionTestAfter(r, i)) {
      out << fmt::format("| {} | {}/{} | {} | | | | | {} |\n", Md(OpLabel(c.root)),
                         c.baseline_traces, c.candidate_traces, kDistributionLabel,
                         FormatPValue(t->p_value));
    }
  }
  out << "\n</details>\n\n";
}

void Quality(const analyzer::DiffResult& r, std::ostream& out) {
  out << "<details><summary>Data quality</summary>\n\n| counter | baseline | candidate |\n"
         "|---|---:|---:|\n";
  for (const QualityPair& q : QualityPairs(r)) {
    out << fmt::format("| {} | {} | {} |\n", q.name, q.baseline, q.candidate);
  }
  for (const auto& [side, in] :
       {std::pair{"baseline", &r.baseline.input}, std::pair{"candidate", &r.candidate.input}}) {
    if (in->problems_total == 0) continue;
    out << fmt::format("\n{} piece(s) of {} input skipped:\n\n", in->problems_total, side);
    for (const std::string& p : in->problems) out << "- " << Md(p) << '\n';
  }
  out << "\n</details>\n";
}

}  // namespace

void MarkdownWriter::WriteDiff(const analyzer::DiffResult& r, const WriteOptions&,
                               std::ostream& os) const {
  std::ostringstream out;
  Verdict(r, out);
  Targets(r, out);
  KeyLatency(r, out);
  Verify(r, out);
  if (r.command != "verify") {
    Shift(r.critical_path, out);
    Findings(r.findings, out);
    AllLatency(r, out);
  }
  Quality(r, out);
  os << TruncateMarkdown(out.str(), kMaxMarkdownChars);
}

}  // namespace trace_analyze::reports
