// HtmlWriter::WriteDiff: the page of `diff` and `verify` for performance
// reviews. The verdict and the targets come first, then the latency
// distributions (a CDF of both sides), the verified patterns and the evidence;
// `verify` leaves out the critical-path shift and the findings.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "reports/diff_format.h"
#include "reports/escape.h"
#include "reports/format.h"
#include "reports/html_util.h"
#include "reports/html_writer.h"

namespace trace_analyze::reports {
namespace {

constexpr const char* kBaselineColour = "#8a94a6";
constexpr const char* kCandidateColour = "#4e79a7";

std::string Cell(const std::string& text, bool left = false) {
  return fmt::format("<td{}>{}</td>", left ? " class=\"l\"" : "", EscapeHtml(text));
}

std::string Side(const analyzer::DiffSideSummary& s) {
  return fmt::format("{} traces ({})", s.traces, DiffSideSource(s));
}

void Verdict(const analyzer::DiffResult& r, std::ostream& out) {
  out << fmt::format("<h1>trace-analyze {}</h1>\n", EscapeHtml(r.command));
  HtmlPartial(r.baseline.input, out, "baseline");
  HtmlPartial(r.candidate.input, out, "candidate");
  // A partial side turns a pass into a warning (a failure stays a failure).
  const std::string partial = PartialSidesLabel(r);
  out << fmt::format("<p class=\"verdict{}\">{} <b>{}</b> — {}{}</p>\n",
                     !r.pass           ? " fail"
                     : partial.empty() ? ""
                                       : " partial",
                     !r.pass           ? "&#10007;"
                     : partial.empty() ? "&#10003;"
                                       : "&#9888;",
                     r.pass ? "PASS" : "FAIL", EscapeHtml(r.verdict_reason),
                     partial.empty() ? "" : " — " + EscapeHtml(partial));
  out << fmt::format("<p class=\"muted\">Baseline {}; candidate {}; critical-path mode {}.</p>\n",
                     EscapeHtml(Side(r.baseline)), EscapeHtml(Side(r.candidate)),
                     EscapeHtml(r.cp_mode));
}

void Targets(const analyzer::DiffResult& r, std::ostream& out) {
  if (r.targets.empty()) return;
  out << "<h2>Targets</h2>\n<table><tr><th class=\"l\">status</th><th class=\"l\">target</th>"
         "<th>value</th><th>goal</th><th>acceptable</th><th>from goal</th>"
         "<th class=\"l\">why</th></tr>\n";
  for (const analyzer::TargetRow& t : r.targets) {
    const std::string status = analyzer::TargetStatusName(t.status);
    out << fmt::format("<tr><td class=\"l st-{}\">{}</td>", status, status) << Cell(t.name, true)
        << Cell(t.value ? TargetLevel(*t.value, t.unit) : kNa)
        << Cell(t.op + " " + TargetLevel(t.target, t.unit))
        << Cell(t.acceptable ? t.op + " " + TargetLevel(*t.acceptable, t.unit) : "-")
        << Cell(t.distance ? SignedTargetLevel(*t.distance, t.unit) : kNa)
        << fmt::format("<td class=\"l muted\">{} ({})</td></tr>\n", EscapeHtml(TargetReason(r, t)),
                       EscapeHtml(t.origin));
  }
  out << "</table>\n";
}

// The CDF of all traces' latency on both sides, as step lines over the
// percentiles 0..100. The x axis ends at the larger p99 so that one outlier
// does not squash the chart.
void Cdf(const analyzer::LatencyDistribution& d, std::ostream& out) {
  if (d.baseline_us.size() != 101 && d.candidate_us.size() != 101) return;
  constexpr int kLeft = 48, kTop = 10, kW = 700, kH = 240;
  int64_t x_max = 1;
  for (const auto* side : {&d.baseline_us, &d.candidate_us}) {
    if (side->size() == 101) x_max = std::max(x_max, (*side)[99]);
  }
  const auto x = [&](int64_t us) {
    return kLeft + static_cast<double>(std::min(us, x_max)) / static_cast<double>(x_max) * kW;
  };
  const auto y = [&](int pct) { return kTop + kH - pct * kH / 100.0; };
  out << fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"latency distribution, baseline and "
      "candidate\" style=\"max-width:780px\">\n",
      kLeft + kW + 20, kTop + kH + 34);
  for (int pct : {0, 50, 95, 100}) {
    out << fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#e3e6ee\"/>",
                       kLeft, y(pct), kLeft + kW, y(pct));
    if (pct != 100) {  // p100 would overwrite p95's label
      out << fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">p{}</text>", kLeft - 6,
                         y(pct) + 4, pct);
    }
    out << '\n';
  }
  for (int i = 0; i <= 4; ++i) {
    const int64_t us = x_max * i / 4;
    out << fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e3e6ee\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"{5}\">{4} ms</text>\n",
        x(us), kTop, kTop + kH, kTop + kH + 16, FormatMs(us), i == 4 ? "end" : "middle");
  }
  for (const auto& [side, colour, name] :
       {std::tuple{&d.baseline_us, kBaselineColour, "baseline"},
        std::tuple{&d.candidate_us, kCandidateColour, "candidate"}}) {
    if (side->size() != 101) continue;
    std::string points = fmt::format("{:.1f},{:.1f}", x((*side)[0]), y(0));
    for (int pct = 1; pct <= 100; ++pct) {
      // A step: the share reaches pct% at the pct-th percentile.
      points += fmt::format(" {:.1f},{:.1f} {:.1f},{:.1f}", x((*side)[pct]), y(pct - 1),
                            x((*side)[pct]), y(pct));
    }
    out << fmt::format(
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"><title>{}: p50 "
        "{} ms, p95 {} ms, p99 {} ms</title></polyline>\n",
        colour, side == &d.baseline_us ? " stroke-dasharray=\"5 3\"" : "", points, name,
        FormatMs((*side)[50]), FormatMs((*side)[95]), FormatMs((*side)[99]));
  }
  out << "</svg>\n";
  out << fmt::format(
      "<p class=\"muted\"><span class=\"legend\" style=\"background:{}\"></span>baseline "
      "(dashed) <span class=\"legend\" style=\"background:{}\"></span>candidate: the share of "
      "traces at or below each latency; the x axis ends at the larger p99.</p>\n",
      kBaselineColour, kCandidateColour);
}

void Latency(const analyzer::DiffResult& r, bool all_only, std::ostream& out) {
  out << "<h2>Latency</h2>\n";
  Cdf(r.distribution, out);
  out << "<table><tr><th class=\"l\">root operation</th><th>traces</th><th class=\"l\">pct</th>"
         "<th>baseline ms</th><th>candidate ms</th><th>change</th><th>95% CI</th><th>p</th>"
         "<th class=\"l\">significant</th></tr>\n";
  std::string last;
  for (size_t i = 0; i < r.latency.size(); ++i) {
    const analyzer::LatencyChange& c = r.latency[i];
    if (all_only && !(c.root.service.empty() && c.root.operation == "all")) continue;
    const std::string name = OpLabel(c.root);
    const bool first = name != last;
    last = name;
    out << "<tr>" << Cell(first ? name : "", true)
        << Cell(first ? fmt::format("{}/{}", c.baseline_traces, c.candidate_traces) : "")
        << Cell(c.percentile, true) << Cell(MsOrNa(c.baseline_us)) << Cell(MsOrNa(c.candidate_us))
        << Cell(SignedPercent(c.change_pct)) << Cell(ChangeInterval(c))
        << Cell(FormatPValue(c.p_value)) << Cell(SignificanceLabel(c.significant, c.p_value), true)
        << "</tr>\n";
    if (const analyzer::LatencyDistributionTest* t = DistributionTestAfter(r, i)) {
      out << "<tr>" << Cell("", true) << Cell("") << Cell(kDistributionLabel, true) << Cell("")
          << Cell("") << Cell("") << Cell("") << Cell(FormatPValue(t->p_value))
          << Cell(SignificanceLabel(t->significant, t->p_value), true) << "</tr>\n";
    }
  }
  out << "</table>\n";
  out << fmt::format(
      "<p class=\"muted\">Significant: p &lt; {} in the row's own test: for a percentile, the "
      "bootstrap test of its change (exactly when the 95% CI excludes 0); for dist, the whole "
      "distribution's Mann–Whitney U test. Untested: fewer than {} traces on a side.</p>\n",
      r.statistics.alpha, r.statistics.min_samples);
}

void Rates(const analyzer::DiffResult& r, std::ostream& out) {
  const analyzer::ThroughputChange& t = r.throughput;
  const analyzer::ErrorRateChange& e = r.error_rate;
  out << "<h2>Throughput and errors</h2>\n<table><tr><th class=\"l\"></th><th>baseline</th>"
         "<th>candidate</th><th>change</th><th>p</th><th class=\"l\">significant</th></tr>\n";
  out << "<tr>" << Cell("throughput", true) << Cell(PerSecondOrNa(t.baseline_per_s))
      << Cell(PerSecondOrNa(t.candidate_per_s)) << Cell(SignedPercent(t.change_pct))
      << Cell(FormatPValue(t.p_value)) << Cell(SignificanceLabel(t.significant, t.p_value), true)
      << "</tr>\n";
  out << "<tr>" << Cell("error rate", true)
      << Cell(ErrorRateOrNa(e.baseline, e.baseline_errors, e.baseline_traces))
      << Cell(ErrorRateOrNa(e.candidate, e.candidate_errors, e.candidate_traces))
      << Cell(PointsOrNa(e.change_points)) << Cell(FormatPValue(e.p_value))
      << Cell(SignificanceLabel(e.significant, e.p_value) +
                  (e.test.empty() ? "" : " (" + e.test + ")"),
              true)
      << "</tr>\n</table>\n";
}

void Verify(const analyzer::DiffResult& r, std::ostream& out) {
  out << "<h2>Verify: do the baseline's sequential patterns overlap now?</h2>\n";
  if (r.verify.empty()) {
    out << "<p>None: the baseline has no sequential finding and no expectation.</p>\n";
    return;
  }
  out << "<table><tr><th>#</th><th class=\"l\">status</th><th class=\"l\">pattern</th>"
         "<th>instances</th><th>overlap</th><th>concurrency</th><th>saving predicted ms</th>"
         "<th>saved by concurrency ms</th></tr>\n";
  size_t rank = 0;
  for (const analyzer::VerifyRow& v : r.verify) {
    std::string tags = "fingerprint " + v.fingerprint;
    if (v.expected) tags += ", expected" + (v.name != v.fingerprint ? " as " + v.name : "");
    if (!v.flagged_in_baseline) tags += ", not flagged in the baseline";
    out << fmt::format("<tr><td>{}</td>", ++rank)
        << Cell(analyzer::VerifyStatusName(v.status), true)
        << fmt::format(
               "<td class=\"l\">{}<ul class=\"reasons\"><li>{}</li><li class=\"muted\">{}</li>"
               "</ul></td>",
               FoldSteps(EscapeHtml(PatternLabel(v.parent, v.sequence, v.run)), " → "),
               EscapeHtml(VerifyReason(v)), EscapeHtml(tags))
        << Cell(fmt::format("{} → {}", v.instances_baseline, v.instances_candidate))
        << Cell(v.overlap_share ? FormatPercent(*v.overlap_share) : kNa)
        << Cell(ConcurrencyOrNa(v.concurrency)) << Cell(FormatMs(v.predicted_saving_us))
        << Cell(MsOrNa(v.concurrency_saving_us)) << "</tr>\n";
    if (v.baseline_example || v.candidate_example) {
      // One instance per side, one above the other on one scale: whether
      // the members now overlap shows at a glance.
      const int64_t scale =
          std::max(v.baseline_example ? v.baseline_example->parent_duration_us : 0,
                   v.candidate_example ? v.candidate_example->parent_duration_us : 0);
      out << "<tr><td></td><td colspan=\"7\" class=\"l\"><div class=\"verify-pair\">";
      for (const auto& [side, example] : {std::pair{"baseline", &v.baseline_example},
                                          std::pair{"candidate", &v.candidate_example}}) {
        if (!*example) {
          out << fmt::format("<p class=\"muted\">No {} instance to draw.</p>\n", side);
          continue;
        }
        out << fmt::format("<p class=\"muted\">{}: trace {}, the parent {} ms</p>\n", side,
                           HtmlTraceRef(side == std::string_view("baseline") ? r.baseline.input
                                                                             : r.candidate.input,
                                        (*example)->trace_id),
                           FormatMs((*example)->parent_duration_us));
        ExampleWaterfall(**example, false, scale, out);
      }
      out << "</div></td></tr>\n";
    }
  }
  out << "</table>\n";
}

void ShiftTable(const char* title, const std::vector<analyzer::CpShiftRow>& rows, int kind,
                std::ostream& out) {
  out << "<h3>" << title << "</h3>\n<table><tr>";
  if (kind == 2) {
    out << "<th class=\"l\">path</th>";
  } else {
    out << "<th class=\"l\">service</th>" << (kind == 1 ? "<th class=\"l\">operation</th>" : "");
  }
  out << "<th>baseline ms</th><th>candidate ms</th><th>change ms</th><th>%</th><th>share</th>"
      << (kind == 2 ? "" : "<th>p</th>") << "<th class=\"l\"></th></tr>\n";
  for (const analyzer::CpShiftRow& row : rows) {
    out << "<tr>";
    if (kind == 2) {
      out << Cell(row.path, true);
    } else {
      out << Cell(row.name.service, true) << (kind == 1 ? Cell(row.name.operation, true) : "");
    }
    out << Cell(FormatMs(row.baseline_us)) << Cell(FormatMs(row.candidate_us))
        << Cell(fmt::format("{}{}", row.change_us > 0 ? "+" : "", FormatMs(row.change_us)))
        << Cell(SignedPercent(row.change_pct))
        << Cell(FormatPercent(row.baseline_share) + " → " + FormatPercent(row.candidate_share));
    if (kind != 2) out << Cell(FormatPValue(row.p_value) + (row.significant ? " *" : ""));
    out << Cell(row.presence == analyzer::Presence::kBoth ? ""
                                                          : analyzer::PresenceName(row.presence),
                true)
        << "</tr>\n";
  }
  out << "</table>\n";
}

// Per service, its mean critical-path time per trace on each side as two bars
// (baseline dashed outline, candidate filled in the service's colour), on one
// scale: where the critical path moved, at a glance.
void ShiftBars(const std::vector<analyzer::CpShiftRow>& rows, std::ostream& out) {
  if (rows.empty()) return;
  const int label_w = 300, bar_w = 560, pair_h = 30, width = label_w + bar_w + 110;
  int64_t most = 1;
  for (const analyzer::CpShiftRow& r : rows) most = std::max({most, r.baseline_us, r.candidate_us});
  const double scale = static_cast<double>(bar_w) / static_cast<double>(most);
  out << fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"critical-path time by service, "
      "baseline and candidate\">\n",
      width, rows.size() * pair_h + 8);
  for (size_t i = 0; i < rows.size(); ++i) {
    const analyzer::CpShiftRow& r = rows[i];
    const double y = static_cast<double>(i * pair_h) + 4;
    const std::string colour = ServiceColour(r.name.service);
    out << fmt::format(
        "<g><title>{}</title><text x=\"0\" y=\"{:.0f}\">{}</text>"
        "<rect x=\"{}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"10\" fill=\"none\" "
        "stroke=\"{}\" stroke-dasharray=\"3 2\"/>"
        "<rect x=\"{}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.0f}\">{}{} ms</text></g>\n",
        EscapeHtml(fmt::format("{}: baseline {} ms, candidate {} ms per trace", r.name.service,
                               FormatMs(r.baseline_us), FormatMs(r.candidate_us))),
        y + 16, EscapeHtml(EllipsizeUtf8(r.name.service, 40)), label_w, y + 2,
        std::max(1.0, static_cast<double>(r.baseline_us) * scale), colour, label_w, y + 14,
        std::max(1.0, static_cast<double>(r.candidate_us) * scale), colour,
        label_w +
            std::max(static_cast<double>(r.baseline_us), static_cast<double>(r.candidate_us)) *
                scale +
            6,
        y + 16, r.change_us > 0 ? "+" : "", FormatMs(r.change_us));
  }
  out << "</svg>\n<p class=\"muted\"><span class=\"legend\" style=\"border-top:1px dashed "
         "#667\"></span>baseline <span class=\"legend\" style=\"background:#667\"></span>candidate "
         "(in the service's colour): mean critical-path time per trace; the label is the "
         "change.</p>\n";
}

void Shift(const analyzer::CpShift& cp, std::ostream& out) {
  out << "<h2>Critical-path shift</h2>\n<p class=\"muted\">Mean critical-path time per trace on "
         "each side; * = significant (Welch's t-test).</p>\n";
  ShiftBars(cp.services, out);
  ShiftTable("By service", cp.services, 0, out);
  ShiftTable("By operation", cp.operations, 1, out);
  ShiftTable("By path: the segments that moved", cp.paths, 2, out);
  for (const auto& [what, ops] : {std::pair{"Operations that appeared", &cp.appeared},
                                  std::pair{"Operations that disappeared", &cp.disappeared}}) {
    if (ops->empty()) continue;
    out << fmt::format("<p>{} ({}):", what, ops->size());
    for (size_t i = 0; i < ops->size(); ++i) {
      out << (i ? ", " : " ") << HtmlOp((*ops)[i]);
    }
    out << "</p>\n";
  }
}

void Findings(const analyzer::FindingsDiff& f, std::ostream& out) {
  out << fmt::format("<h2>Findings: {} resolved, {} new, {} persisting</h2>\n", f.resolved, f.added,
                     f.persisting);
  if (f.changes.empty()) return;
  out << "<table><tr><th class=\"l\">status</th><th class=\"l\">kind</th>"
         "<th class=\"l\">pattern</th><th>saving p50 ms/trace: baseline</th><th>candidate</th>"
         "<th class=\"l\">fingerprint</th></tr>\n";
  for (const analyzer::FindingChange& c : f.changes) {
    out << "<tr>" << Cell(analyzer::FindingChangeStatusName(c.status), true)
        << Cell(analyzer::FindingKindName(c.kind), true)
        << Cell(PatternLabel(c.parent, c.sequence, c.run), true)
        << Cell(MsOrNa(c.baseline_saving_us)) << Cell(MsOrNa(c.candidate_saving_us))
        << fmt::format("<td class=\"l\"><code>{}</code></td></tr>\n", EscapeHtml(c.fingerprint));
  }
  out << "</table>\n";
}

void Quality(const analyzer::DiffResult& r, std::ostream& out) {
  out << "<h2>Data quality</h2>\n<table><tr><th class=\"l\">counter</th><th>baseline</th>"
         "<th>candidate</th></tr>\n";
  for (const QualityPair& q : QualityPairs(r)) {
    out << fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>\n", q.name,
                       q.baseline, q.candidate);
  }
  out << "</table>\n";
  for (const auto& [side, in] :
       {std::pair{"baseline", &r.baseline.input}, std::pair{"candidate", &r.candidate.input}}) {
    if (in->problems_total == 0) continue;
    out << fmt::format("<p>{} piece(s) of {} input skipped:</p><ul>\n", in->problems_total, side);
    for (const std::string& p : in->problems) {
      out << "<li><code>" << EscapeHtml(p) << "</code></li>\n";
    }
    out << "</ul>\n";
  }
}

}  // namespace

void HtmlWriter::WriteDiff(const analyzer::DiffResult& r, const WriteOptions&,
                           std::ostream& out) const {
  HtmlHead("trace-analyze " + r.command, out);
  Verdict(r, out);
  Targets(r, out);
  if (r.command == "verify") {
    Verify(r, out);
    Latency(r, /*all_only=*/true, out);
  } else {
    Latency(r, /*all_only=*/false, out);
    Rates(r, out);
    Verify(r, out);
    Shift(r.critical_path, out);
    Findings(r.findings, out);
  }
  Quality(r, out);
  out << "</body></html>\n";
}

}  // namespace trace_analyze::reports
