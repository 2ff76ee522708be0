#include "reports/diff_format.h"

#include <fmt/format.h>

#include <cmath>

#include "analyzer/reason_text.h"
#include "reports/format.h"
#include "reports/text_util.h"

namespace trace_analyze::reports {
namespace {

// "p = 0.012", "p < 0.001".
std::string PClause(double p) { return p < 0.001 ? "p < 0.001" : "p = " + FormatPValue(p); }

// What backs a measured target value, "" when nothing does.
std::string EvidenceText(const analyzer::TargetEvidence& e) {
  using Kind = analyzer::TargetEvidence::Kind;
  switch (e.kind) {
    case Kind::kNone:
      return "";
    case Kind::kTested:
      if (!e.ci_low_pct || !e.ci_high_pct) return PClause(e.p_value);
      return fmt::format("{}, 95% CI of the change {}..{}", PClause(e.p_value),
                         TargetLevel(*e.ci_low_pct, "%"), TargetLevel(*e.ci_high_pct, "%"));
    case Kind::kNotTested:
      return fmt::format("not tested: {} baseline / {} candidate traces, need {} per side",
                         e.baseline_count, e.candidate_count, e.min_samples);
    case Kind::kBaselineSpans:
      return fmt::format("baseline {} over {} spans",
                         TargetLevel(static_cast<double>(e.baseline_us), "us"), e.baseline_count);
    case Kind::kNoBaselineSpans:
      return "no baseline spans";
  }
  return "";
}

// "a, b and c", each "service operation".
std::string MemberList(const std::vector<analyzer::OpName>& members) {
  std::string out;
  for (size_t i = 0; i < members.size(); ++i) {
    out += (i == 0                    ? ""
            : i + 1 == members.size() ? " and "
                                      : ", ") +
           analyzer::Describe(members[i]);
  }
  return out;
}

}  // namespace

std::string MsOrNa(const std::optional<int64_t>& us) { return us ? FormatMs(*us) : kNa; }

std::string SignedPercent(const std::optional<double>& pct) {
  return pct ? fmt::format("{:+.1f}%", *pct) : kNa;
}

std::string FormatPValue(const std::optional<double>& p) {
  if (!p) return kNa;
  return *p < 0.001 ? "<0.001" : fmt::format("{:.3f}", *p);
}

std::string SignificanceLabel(bool significant, const std::optional<double>& p) {
  if (!p) return "untested";
  return significant ? "yes" : "no";
}

const analyzer::LatencyDistributionTest* DistributionTestAfter(const analyzer::DiffResult& r,
                                                               size_t i) {
  const analyzer::LatencyChange& row = r.latency[i];
  if (i + 1 < r.latency.size() && r.latency[i + 1].root == row.root) {
    return nullptr;
  }
  for (const analyzer::LatencyDistributionTest& t : r.latency_tests) {
    if (t.root == row.root) return &t;
  }
  return nullptr;
}

std::string DiffSideSource(const analyzer::DiffSideSummary& s) {
  if (s.input.server.empty()) {
    return fmt::format("{}, {}", Plural(s.input.files, "file"), FormatBytes(s.input.bytes));
  }
  if (s.window_start.empty()) return s.input.server;
  return fmt::format("{}, {}..{}", s.input.server, s.window_start, s.window_end);
}

std::string PartialSidesLabel(const analyzer::DiffResult& r) {
  const bool b = r.baseline.input.partial, c = r.candidate.input.partial;
  if (!b && !c) return "";
  return fmt::format("partial results ({})", b && c ? "baseline and candidate"
                                             : b    ? "baseline"
                                                    : "candidate");
}

std::string PatternLabel(const analyzer::OpName& parent, const std::vector<analyzer::OpName>& seq,
                         const std::vector<analyzer::RunStep>& run) {
  return OpLabel(parent) + ": " + RunLabel(run, seq, OpLabel);
}

std::string TargetLevel(double v, const std::string& unit) {
  if (unit == "%") return fmt::format("{:.1f}%", v);
  if (unit == "pp") return fmt::format("{:.2f} pp", v);
  if (unit == "us") return FormatMs(static_cast<int64_t>(std::llround(v))) + " ms";
  return fmt::format("{:.2f}x", v);
}

std::string SignedTargetLevel(double v, const std::string& unit) {
  return fmt::format("{}{}", v >= 0 ? "+" : "-", TargetLevel(std::fabs(v), unit));
}

std::string ChangeInterval(const analyzer::LatencyChange& c) {
  if (!c.ci_low_pct || !c.ci_high_pct) return kNa;
  return fmt::format("{:+.1f}%..{:+.1f}%", *c.ci_low_pct, *c.ci_high_pct);
}

std::string PerSecondOrNa(const std::optional<double>& per_s) {
  return per_s ? fmt::format("{:.3f}/s", *per_s) : kNa;
}

std::string ErrorRateOrNa(const std::optional<double>& rate, uint64_t errors, uint64_t traces) {
  return rate ? fmt::format("{} ({}/{})", FormatPercent(*rate), errors, traces) : kNa;
}

std::string PointsOrNa(const std::optional<double>& points) {
  return points ? fmt::format("{:+.2f} pp", *points) : kNa;
}

std::string ConcurrencyOrNa(const std::optional<double>& concurrency) {
  return concurrency ? fmt::format("{:.2f}", *concurrency) : kNa;
}

std::string TargetReason(const analyzer::DiffResult& r, const analyzer::TargetRow& t) {
  if (!t.value) {
    std::string out = "cannot be measured: " + t.missing;
    if (t.missing_pattern && *t.missing_pattern < r.verify.size()) {
      out += ": " + VerifyReason(r.verify[*t.missing_pattern]);
    }
    return out;
  }
  const std::string value = TargetLevel(*t.value, t.unit);
  const std::string goal = t.op + " " + TargetLevel(t.target, t.unit);
  const std::string evidence_text = EvidenceText(t.evidence);
  const std::string evidence = evidence_text.empty() ? "" : " (" + evidence_text + ")";
  if (t.status == analyzer::TargetStatus::kOk) {
    return fmt::format("{} meets the target {}{}", value, goal, evidence);
  }
  std::string out =
      t.unproven ? fmt::format(
                       "{} would meet the target {}, but the change is not significant{}; a "
                       "target that needs a change needs evidence",
                       value, goal, evidence)
                 : fmt::format("{} misses the target {} by {}{}", value, goal,
                               TargetLevel(std::fabs(*t.value - t.target), t.unit), evidence);
  if (t.acceptable) {
    out += fmt::format("; {} the acceptable level {} {}",
                       t.status == analyzer::TargetStatus::kAcceptable ? "within" : "also misses",
                       t.op, TargetLevel(*t.acceptable, t.unit));
  }
  return out;
}

std::string VerifyReason(const analyzer::VerifyRow& v) {
  if (v.status == analyzer::VerifyStatus::kUnknown) {
    return fmt::format(
        "fingerprint {} is not among the baseline's sequential patterns, so the spans to look for "
        "are unknown; name the expectation by parent and children instead",
        v.fingerprint);
  }
  if (v.status == analyzer::VerifyStatus::kAbsent) {
    return fmt::format(
        "no instance in the candidate: no {} span with {} among its children or grandchildren "
        "(renamed, removed, or not in the sample); not a success",
        analyzer::Describe(v.parent), MemberList(v.members));
  }
  std::string out = fmt::format(
      "all members overlapped in {} of {} instances ({}; parallel from {}), only some of them in "
      "{}, none in {}; concurrency {}",
      v.parallel_candidate, v.instances_candidate, FormatPercent(v.overlap_share.value_or(0)),
      FormatPercent(v.min_overlap_share, 0), v.partial_candidate,
      v.instances_candidate - v.parallel_candidate - v.partial_candidate,
      ConcurrencyOrNa(v.concurrency));
  if (v.status == analyzer::VerifyStatus::kPartial) {
    std::vector<analyzer::OpName> now, still;
    for (const analyzer::VerifyRow::MemberOverlap& m : v.member_overlap) {
      (m.share * 2 > 1 ? now : still).push_back(m.member);
    }
    out += now.empty() ? "; no member overlaps another in most instances"
                       : fmt::format("; overlapping in most instances: {}; not: {}",
                                     MemberList(now), still.empty() ? "none" : MemberList(still));
  }
  // Concurrency and the members' own speed are told apart: members that got
  // faster while still running one after another saved nothing by
  // concurrency.
  using analyzer::DurationText;
  if (v.concurrency_saving_us) {
    out += fmt::format("; concurrency saves {} per trace (p50: their durations minus their union)",
                       DurationText(*v.concurrency_saving_us));
  }
  if (v.baseline_duration_us && v.candidate_duration_us) {
    out +=
        fmt::format("; the members' own durations {} → {} per trace (p50)",
                    DurationText(*v.baseline_duration_us), DurationText(*v.candidate_duration_us));
  }
  if (v.realised_saving_us && v.baseline_critical_us && v.candidate_critical_us) {
    out += fmt::format(
        "; their critical-path time {} → {} per trace (p50; {} predicted from concurrency)",
        DurationText(*v.baseline_critical_us), DurationText(*v.candidate_critical_us),
        DurationText(v.predicted_saving_us));
  } else {
    out += "; no prediction to compare: the baseline did not flag the pattern";
  }
  return out;
}

std::vector<QualityPair> QualityPairs(const analyzer::DiffResult& r) {
  std::vector<QualityPair> out;
  r.baseline.quality.ForEach([&](std::string_view name, uint64_t v) {
    out.push_back({std::string(name), v, 0});
  });
  size_t i = 0;
  r.candidate.quality.ForEach([&](std::string_view, uint64_t v) { out[i++].candidate = v; });
  return out;
}

}  // namespace trace_analyze::reports
