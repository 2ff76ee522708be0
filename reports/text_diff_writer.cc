// TextWriter::WriteDiff: the terminal report of `diff` and `verify`. The
// verdict and the targets come first (what CI and the reader need), then the
// evidence. `verify` shows the verdict, targets, the verify section and the
// latency of all traces; `diff` shows everything.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/diff_format.h"
#include "reports/format.h"
#include "reports/text_table.h"
#include "reports/text_util.h"
#include "reports/text_writer.h"

namespace trace_analyze::reports {
namespace {

using Align = TextTable::Align;

void WriteVerdict(const analyzer::DiffResult& r, const WriteOptions& o, std::ostream& out) {
  out << '\n'
      << Heading(o, fmt::format("Verdict: {}", r.pass ? "PASS" : "FAIL")) << " — "
      << Safe(r.verdict_reason) << '\n';
}

void WriteTargets(const analyzer::DiffResult& r, const WriteOptions& o, std::ostream& out) {
  if (r.targets.empty()) return;
  out << '\n' << Heading(o, fmt::format("Targets ({})", r.targets.size())) << '\n';
  TextTable table({{"status", Align::kLeft},
                   {"target", Align::kLeft, 60},
                   {"value"},
                   {"goal"},
                   {"acceptable"},
                   {"from goal"}});
  for (const analyzer::TargetRow& t : r.targets) {
    table.AddRow({analyzer::TargetStatusName(t.status), Safe(t.name),
                  t.value ? TargetLevel(*t.value, t.unit) : kNa,
                  t.op + " " + TargetLevel(t.target, t.unit),
                  t.acceptable ? t.op + " " + TargetLevel(*t.acceptable, t.unit) : "-",
                  t.distance ? SignedTargetLevel(*t.distance, t.unit) : kNa});
  }
  table.Write(out);
  for (const analyzer::TargetRow& t : r.targets) {
    out << fmt::format("  - {} ({}): {}\n", Safe(t.name), t.origin, Safe(TargetReason(r, t)));
  }
}

void WriteLatency(const analyzer::DiffResult& r, bool all_only, const WriteOptions& o,
                  std::ostream& out) {
  out << '\n'
      << Heading(o,
                 "Latency by root operation (ms; 95% bootstrap CI of the change and its p; "
                 "dist: the whole distribution, Mann–Whitney p)")
      << '\n';
  TextTable table({{"root operation", Align::kLeft, 50},
                   {"traces"},
                   {"pct", Align::kLeft},
                   {"baseline"},
                   {"candidate"},
                   {"change"},
                   {"95% CI"},
                   {"p"},
                   {"significant", Align::kLeft}});
  std::string last;
  for (size_t i = 0; i < r.latency.size(); ++i) {
    const analyzer::LatencyChange& c = r.latency[i];
    if (all_only && !(c.root.service.empty() && c.root.operation == "all")) continue;
    const std::string name = Safe(OpLabel(c.root));
    const bool first = name != last;
    last = name;
    table.AddRow({first ? name : "",
                  first ? fmt::format("{}/{}", c.baseline_traces, c.candidate_traces) : "",
                  c.percentile, MsOrNa(c.baseline_us), MsOrNa(c.candidate_us),
                  SignedPercent(c.change_pct), ChangeInterval(c), FormatPValue(c.p_value),
                  SignificanceLabel(c.significant, c.p_value)});
    if (const analyzer::LatencyDistributionTest* t = DistributionTestAfter(r, i)) {
      table.AddRow({"", "", kDistributionLabel, "", "", "", "", FormatPValue(t->p_value),
                    SignificanceLabel(t->significant, t->p_value)});
    }
  }
  table.Write(out);
  out << fmt::format(
      "  significant: p < {0} (for a percentile, its bootstrap test: exactly when the CI excludes "
      "0); untested: fewer than {1} traces on a side\n",
      r.statistics.alpha, r.statistics.min_samples);
}

void WriteRates(const analyzer::DiffResult& r, const WriteOptions& o, std::ostream& out) {
  out << '\n' << Heading(o, "Throughput and errors") << '\n';
  const analyzer::ThroughputChange& t = r.throughput;
  const analyzer::ErrorRateChange& e = r.error_rate;
  TextTable table({{"", Align::kLeft},
                   {"baseline"},
                   {"candidate"},
                   {"change"},
                   {"p"},
                   {"significant", Align::kLeft}});
  table.AddRow({"throughput", PerSecondOrNa(t.baseline_per_s), PerSecondOrNa(t.candidate_per_s),
                SignedPercent(t.change_pct), FormatPValue(t.p_value),
                SignificanceLabel(t.significant, t.p_value)});
  table.AddRow(
      {"error rate", ErrorRateOrNa(e.baseline, e.baseline_errors, e.baseline_traces),
       ErrorRateOrNa(e.candidate, e.candidate_errors, e.candidate_traces),
       PointsOrNa(e.change_points), FormatPValue(e.p_value),
       SignificanceLabel(e.significant, e.p_value) + (e.test.empty() ? "" : " (" + e.test + ")")});
  table.Write(out);
  out << "  throughput: (traces − 1) / (last − first root start) on each side; only comparable "
         "when both sides were sampled and collected alike\n";
}

void WriteVerify(const analyzer::DiffResult& r, const WriteOptions& o, std::ostream& out) {
  out << '\n'
      << Heading(o, fmt::format("Verify: do the baseline's sequential patterns overlap now? ({})",
                                r.verify.size()))
      << '\n';
  if (r.verify.empty())
    out << "  none: the baseline has no sequential finding and no expectation\n";
  size_t rank = 0;
  for (const analyzer::VerifyRow& v : r.verify) {
    std::string tags = "fingerprint " + Safe(v.fingerprint);
    if (v.expected) tags += ", expected" + (v.name != v.fingerprint ? " as " + Safe(v.name) : "");
    if (!v.flagged_in_baseline) tags += ", not flagged in the baseline";
    out << fmt::format("  {}. {} — {} ({})\n", ++rank, analyzer::VerifyStatusName(v.status),
                       Safe(PatternLabel(v.parent, v.sequence, v.run)), tags);
    out << fmt::format(
        "     instances {} → {}, overlap {}, concurrency {}, saving predicted {} ms, saved by "
        "concurrency {} ms\n",
        v.instances_baseline, v.instances_candidate,
        v.overlap_share ? FormatPercent(*v.overlap_share) : kNa, ConcurrencyOrNa(v.concurrency),
        FormatMs(v.predicted_saving_us), MsOrNa(v.concurrency_saving_us));
    out << "     " << Safe(VerifyReason(v)) << '\n';
  }
}

void WriteShiftTable(const std::string& title, const std::vector<analyzer::CpShiftRow>& rows,
                     int kind, const WriteOptions& o, std::ostream& out) {
  out << '\n' << Heading(o, title) << '\n';
  std::vector<TextTable::Column> cols;
  if (kind == 2) {
    cols.push_back({"path", Align::kLeft, 80});
  } else {
    cols.push_back({"service", Align::kLeft, 40});
    if (kind == 1) cols.push_back({"operation", Align::kLeft, 50});
  }
  for (const char* h : {"baseline", "candidate", "change", "%", "share"}) cols.push_back({h});
  if (kind != 2) cols.push_back({"p"});
  cols.push_back({"", Align::kLeft});
  TextTable table(std::move(cols));
  for (const analyzer::CpShiftRow& row : rows) {
    std::vector<std::string> cells;
    if (kind == 2) {
      cells.push_back(Safe(row.path));
    } else {
      cells.push_back(Safe(row.name.service));
      if (kind == 1) cells.push_back(Safe(row.name.operation));
    }
    cells.push_back(FormatMs(row.baseline_us));
    cells.push_back(FormatMs(row.candidate_us));
    cells.push_back(fmt::format("{}{}", row.change_us > 0 ? "+" : "", FormatMs(row.change_us)));
    cells.push_back(SignedPercent(row.change_pct));
    cells.push_back(FormatPercent(row.baseline_share) + " → " + FormatPercent(row.candidate_share));
    if (kind != 2) cells.push_back(FormatPValue(row.p_value) + (row.significant ? " *" : ""));
    cells.push_back(
        row.presence == analyzer::Presence::kBoth ? "" : analyzer::PresenceName(row.presence));
    table.AddRow(std::move(cells));
  }
  table.Write(out);
}

void WriteShift(const analyzer::CpShift& cp, const WriteOptions& o, std::ostream& out) {
  WriteShiftTable("Critical-path shift by service (ms per trace; * = significant, Welch t-test)",
                  cp.services, 0, o, out);
  WriteShiftTable("Critical-path shift by operation (ms per trace)", cp.operations, 1, o, out);
  WriteShiftTable("Critical-path shift by path (ms per trace): the segments that moved", cp.paths,
                  2, o, out);
  const auto list = [&](const char* what, const std::vector<analyzer::OpName>& ops) {
    if (ops.empty()) return;
    out << fmt::format("  {} ({}): ", what, ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      out << (i ? ", " : "") << Safe(OpLabel(ops[i]));
    }
    out << '\n';
  };
  out << '\n';
  list("operations that appeared", cp.appeared);
  list("operations that disappeared", cp.disappeared);
  if (cp.appeared.empty() && cp.disappeared.empty()) {
    out << "  no operation appeared or disappeared\n";
  }
}

void WriteFindings(const analyzer::FindingsDiff& f, const WriteOptions& o, std::ostream& out) {
  out << '\n'
      << Heading(o, fmt::format("Findings: {} resolved, {} new, {} persisting", f.resolved, f.added,
                                f.persisting))
      << '\n';
  for (const analyzer::FindingChange& c : f.changes) {
    out << fmt::format(
        "  {:<10} [{}] {} — saving p50 {} → {} ms/trace; fingerprint {}\n",
        analyzer::FindingChangeStatusName(c.status), analyzer::FindingKindName(c.kind),
        Safe(PatternLabel(c.parent, c.sequence, c.run)), MsOrNa(c.baseline_saving_us),
        MsOrNa(c.candidate_saving_us), Safe(c.fingerprint));
  }
}

void WriteInputs(const analyzer::DiffResult& r, const WriteOptions& o, std::ostream& out) {
  out << '\n' << Heading(o, "Data quality (baseline / candidate)") << '\n';
  const std::vector<QualityPair> q = QualityPairs(r);
  for (size_t i = 0; i < q.size(); i += 2) {
    std::string line =
        fmt::format("  {:<24}{:>9} /{:>9}", q[i].name, q[i].baseline, q[i].candidate);
    if (i + 1 < q.size()) {
      line += fmt::format("    {:<24}{:>9} /{:>9}", q[i + 1].name, q[i + 1].baseline,
                          q[i + 1].candidate);
    }
    out << line << '\n';
  }
  for (const auto& [side, in] :
       {std::pair{"baseline", &r.baseline.input}, std::pair{"candidate", &r.candidate.input}}) {
    if (in->problems_total == 0) continue;
    out << '\n'
        << Heading(
               o, fmt::format("Skipped {} input ({})", side, Plural(in->problems_total, "problem")))
        << '\n';
    for (const std::string& p : in->problems) out << "  " << Safe(p) << '\n';
    if (in->problems_total > in->problems.size()) {
      out << fmt::format("  … and {} more\n", in->problems_total - in->problems.size());
    }
  }
}

}  // namespace

void TextWriter::WriteDiff(const analyzer::DiffResult& r, const WriteOptions& o,
                           std::ostream& out) const {
  const auto side = [](const analyzer::DiffSideSummary& s) {
    return fmt::format("{} ({})", Plural(s.traces, "trace"), DiffSideSource(s));
  };
  WritePartial(r.baseline.input, o, out, "baseline");
  WritePartial(r.candidate.input, o, out, "candidate");
  out << fmt::format("trace-analyze {}: baseline {}, candidate {}; critical path: {} mode\n",
                     r.command, Safe(side(r.baseline)), Safe(side(r.candidate)), r.cp_mode);
  WriteVerdict(r, o, out);
  WriteTargets(r, o, out);
  const bool verify = r.command == "verify";
  if (verify) {
    WriteVerify(r, o, out);
    WriteLatency(r, /*all_only=*/true, o, out);
  } else {
    WriteLatency(r, /*all_only=*/false, o, out);
    WriteRates(r, o, out);
    WriteVerify(r, o, out);
    WriteShift(r.critical_path, o, out);
    WriteFindings(r.findings, o, out);
  }
  WriteInputs(r, o, out);
}

}  // namespace trace_analyze::reports
