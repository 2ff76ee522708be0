#include "analyzer/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include "analyzer/cp_shift.h"
#include "analyzer/parameterize.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

constexpr std::array<int, 4> kLatencyPercentiles = {50, 90, 95, 99};

struct RootSamples {
  OpName root;
  std::vector<int64_t> baseline, candidate;  // sorted
};

// Root operations of both sides plus "all", in report order: "all", then by
// traces on both sides descending, then name.
std::vector<RootSamples> CollectRoots(const Profile& b, const Profile& c) {
  std::map<Profile::OpKey, RootSamples> by_key;
  RootSamples all{{"", "all"}, {}, {}};
  for (const auto& [key, e] : b.by_root()) {
    RootSamples& r = by_key[key];
    r.baseline = e.durations_us.values();
    all.baseline.insert(all.baseline.end(), r.baseline.begin(), r.baseline.end());
  }
  for (const auto& [key, e] : c.by_root()) {
    RootSamples& r = by_key[key];
    r.candidate = e.durations_us.values();
    all.candidate.insert(all.candidate.end(), r.candidate.begin(), r.candidate.end());
  }
  std::vector<RootSamples> out;
  out.push_back(std::move(all));
  for (auto& [key, r] : by_key) {
    r.root = key;
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin() + 1, out.end(), [](const RootSamples& x, const RootSamples& y) {
    return x.baseline.size() + x.candidate.size() > y.baseline.size() + y.candidate.size();
  });
  for (RootSamples& r : out) {
    std::sort(r.baseline.begin(), r.baseline.end());
    std::sort(r.candidate.begin(), r.candidate.end());
  }
  return out;
}

// Per root operation, the percentile rows (each with its own bootstrap test)
// into `rows` and the whole distribution's rank test into `tests`.
void BuildLatency(const Profile& b, const Profile& c, const SignificanceOptions& stats,
                  std::vector<LatencyChange>* rows, std::vector<LatencyDistributionTest>* tests) {
  for (const RootSamples& r : CollectRoots(b, c)) {
    const RankTest test = MannWhitneyU(r.baseline, r.candidate, stats);
    LatencyDistributionTest& dist = tests->emplace_back();
    dist.root = r.root;
    dist.baseline_traces = r.baseline.size();
    dist.candidate_traces = r.candidate.size();
    if (test.tested) {
      dist.p_value = test.p_value;
      dist.prob_candidate_slower = test.prob_candidate_greater;
      dist.significant = test.p_value < stats.alpha;
    }
    for (int p : kLatencyPercentiles) {
      LatencyChange row;
      row.root = r.root;
      row.percentile = fmt::format("p{}", p);
      row.baseline_traces = r.baseline.size();
      row.candidate_traces = r.candidate.size();
      if (!r.baseline.empty()) row.baseline_us = PercentileOfSorted(r.baseline, p);
      if (!r.candidate.empty()) row.candidate_us = PercentileOfSorted(r.candidate, p);
      if (row.baseline_us && row.candidate_us) {
        row.change_pct = RelativeChangePct(static_cast<double>(*row.baseline_us),
                                           static_cast<double>(*row.candidate_us));
      }
      // Each row has its own bootstrap stream, keyed by its name.
      const uint64_t key =
          StableHash64(r.root.service + '\x1f' + r.root.operation + '\x1f' + row.percentile);
      const std::optional<ChangeCi> ci =
          BootstrapPercentileChange(r.baseline, r.candidate, p, key, stats);
      if (ci) {
        row.ci_low_pct = ci->low_pct;
        row.ci_high_pct = ci->high_pct;
        row.p_value = ci->p_value;
        row.significant = row.change_pct && ci->p_value < stats.alpha;
      }
      rows->push_back(std::move(row));
    }
  }
}

ThroughputChange BuildThroughput(const DiffSideCollector& b, const DiffSideCollector& c,
                                 const SignificanceOptions& stats) {
  ThroughputChange t;
  t.baseline_traces = b.traces();
  t.candidate_traces = c.traces();
  t.baseline_window_us = b.last_root_start_us() - b.first_root_start_us();
  t.candidate_window_us = c.last_root_start_us() - c.first_root_start_us();
  // n traces starting over a window are n − 1 arrivals after the first.
  const auto rate = [](uint64_t n, int64_t window_us) -> std::optional<double> {
    if (n < 2 || window_us <= 0) return std::nullopt;
    return static_cast<double>(n - 1) / (static_cast<double>(window_us) / 1e6);
  };
  t.baseline_per_s = rate(t.baseline_traces, t.baseline_window_us);
  t.candidate_per_s = rate(t.candidate_traces, t.candidate_window_us);
  if (!t.baseline_per_s || !t.candidate_per_s) return t;
  t.change_pct = RelativeChangePct(*t.baseline_per_s, *t.candidate_per_s);
  const RateTest test =
      CompareRates(t.baseline_traces - 1, static_cast<double>(t.baseline_window_us),
                   t.candidate_traces - 1, static_cast<double>(t.candidate_window_us), stats);
  if (test.tested) {
    t.p_value = test.p_value;
    t.significant = test.p_value < stats.alpha;
  }
  return t;
}

ErrorRateChange BuildErrorRate(const Profile& b, const Profile& c,
                               const SignificanceOptions& stats) {
  ErrorRateChange e;
  for (const auto& [key, r] : b.by_root()) {
    e.baseline_traces += r.durations_us.count();
    e.baseline_errors += r.errors;
  }
  for (const auto& [key, r] : c.by_root()) {
    e.candidate_traces += r.durations_us.count();
    e.candidate_errors += r.errors;
  }
  const auto share = [](uint64_t x, uint64_t n) -> std::optional<double> {
    if (n == 0) return std::nullopt;
    return static_cast<double>(x) / static_cast<double>(n);
  };
  e.baseline = share(e.baseline_errors, e.baseline_traces);
  e.candidate = share(e.candidate_errors, e.candidate_traces);
  if (!e.baseline || !e.candidate) return e;
  e.change_points = 100.0 * (*e.candidate - *e.baseline);
  const ProportionTest test = CompareProportions(e.baseline_errors, e.baseline_traces,
                                                 e.candidate_errors, e.candidate_traces, stats);
  if (test.tested) {
    e.p_value = test.p_value;
    e.test = test.exact ? "fisher" : "z";
    e.significant = test.p_value < stats.alpha;
  }
  return e;
}

FindingsDiff BuildFindingsDiff(const std::vector<Finding>& baseline,
                               const std::vector<Finding>& candidate, size_t top) {
  std::map<std::string, std::pair<const Finding*, const Finding*>> by_fingerprint;
  for (const Finding& f : baseline) {
    if (!f.suppressed) by_fingerprint[f.fingerprint].first = &f;
  }
  for (const Finding& f : candidate) {
    if (!f.suppressed) by_fingerprint[f.fingerprint].second = &f;
  }
  // A run seen with an optional member on one side only (a call skipped
  // when cached, a member too short to count) has another fingerprint there:
  // a baseline-only and a candidate-only run of the same service, under a
  // shared parent operation, whose members contain one another are the same
  // run (the pair sharing the most members first, then by fingerprint).
  const auto same_run = [](const Finding& x, const Finding& y) -> size_t {
    if (x.kind != FindingKind::kSequential || y.kind != FindingKind::kSequential ||
        x.parent.service != y.parent.service) {
      return 0;
    }
    const auto parents = [](const Finding& f) {
      return f.parents.empty() ? std::vector<OpName>{f.parent} : f.parents;
    };
    const std::vector<OpName> px = parents(x), py = parents(y);
    if (std::none_of(px.begin(), px.end(), [&](const OpName& p) {
          return std::find(py.begin(), py.end(), p) != py.end();
        })) {
      return 0;
    }
    std::vector<OpName> a = x.sequence, b = y.sequence;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a.size() > b.size()) std::swap(a, b);
    return std::includes(b.begin(), b.end(), a.begin(), a.end()) ? a.size() : 0;
  };
  std::map<std::string, std::string> renamed;  // candidate fingerprint → baseline's
  for (auto& [fingerprint, sides] : by_fingerprint) {
    if (sides.first == nullptr || sides.second != nullptr) continue;
    const std::string* best = nullptr;
    size_t best_shared = 0;
    for (const auto& [other, o] : by_fingerprint) {
      if (o.first != nullptr || o.second == nullptr || renamed.contains(other)) continue;
      const size_t shared = same_run(*sides.first, *o.second);
      if (shared >= 2 && shared > best_shared) {
        best = &other;
        best_shared = shared;
      }
    }
    if (best == nullptr) continue;
    renamed[*best] = fingerprint;
    sides.second = by_fingerprint[*best].second;
  }
  for (const auto& [candidate, baseline] : renamed) by_fingerprint.erase(candidate);

  FindingsDiff out;
  std::vector<FindingChange> changes;
  for (const auto& [fingerprint, sides] : by_fingerprint) {
    const auto& [b, c] = sides;
    FindingChange ch;
    ch.status = b && c ? FindingChangeStatus::kPersisting
                : b    ? FindingChangeStatus::kResolved
                       : FindingChangeStatus::kNew;
    const Finding& shown = c ? *c : *b;
    ch.kind = shown.kind;
    ch.fingerprint = fingerprint;
    if (b && c && c->fingerprint != fingerprint) ch.candidate_fingerprint = c->fingerprint;
    ch.parent = shown.parent;
    ch.sequence = shown.sequence;
    ch.run = shown.run;
    if (b) {
      ch.baseline_saving_us = b->realistic.p50_us;
      ch.baseline_traces = b->traces;
    }
    if (c) {
      ch.candidate_saving_us = c->realistic.p50_us;
      ch.candidate_traces = c->traces;
    }
    switch (ch.status) {
      case FindingChangeStatus::kResolved:
        ++out.resolved;
        break;
      case FindingChangeStatus::kNew:
        ++out.added;
        break;
      case FindingChangeStatus::kPersisting:
        ++out.persisting;
        break;
    }
    changes.push_back(std::move(ch));
  }
  // Resolved first (by what they saved), then new and persisting (by what
  // they cost now).
  const auto saving = [](const FindingChange& f) {
    return f.status == FindingChangeStatus::kResolved ? f.baseline_saving_us.value_or(0)
                                                      : f.candidate_saving_us.value_or(0);
  };
  std::sort(changes.begin(), changes.end(), [&](const FindingChange& x, const FindingChange& y) {
    const int64_t sx = saving(x), sy = saving(y);
    return std::tie(x.status, sy, x.fingerprint) < std::tie(y.status, sx, y.fingerprint);
  });
  std::map<FindingChangeStatus, size_t> kept;
  for (FindingChange& ch : changes) {
    if (top > 0 && kept[ch.status] >= top) continue;
    ++kept[ch.status];
    out.changes.push_back(std::move(ch));
  }
  return out;
}

// Percentiles 0..100 of every trace's duration on one side.
std::vector<int64_t> DistributionOf(const Profile& p) {
  std::vector<int64_t> all;
  all.reserve(p.traces());
  for (const auto& [key, e] : p.by_root()) {
    all.insert(all.end(), e.durations_us.values().begin(), e.durations_us.values().end());
  }
  if (all.empty()) return {};
  std::sort(all.begin(), all.end());
  std::vector<int64_t> out;
  out.reserve(101);
  for (int pct = 0; pct <= 100; ++pct) out.push_back(PercentileOfSorted(all, pct));
  return out;
}

// Both sides' folded stacks, mean µs per trace (rounded to nearest), merged
// by stack name.
std::vector<StackChange> BuildStacks(const Profile& b, const Profile& c) {
  const auto per_trace = [](int64_t total, uint64_t traces) -> int64_t {
    if (traces == 0) return 0;
    return static_cast<int64_t>(
        std::llround(static_cast<double>(total) / static_cast<double>(traces)));
  };
  std::map<std::string_view, StackChange> merged;
  for (const auto& [stack, us] : b.stacks()) {
    StackChange& s = merged[stack];
    s.stack = stack;
    s.baseline_us = per_trace(us, b.traces());
  }
  for (const auto& [stack, us] : c.stacks()) {
    StackChange& s = merged[stack];
    s.stack = stack;
    s.candidate_us = per_trace(us, c.traces());
  }
  std::vector<StackChange> out;
  out.reserve(merged.size());
  for (auto& [name, s] : merged) {
    if (s.baseline_us != 0 || s.candidate_us != 0) out.push_back(std::move(s));
  }
  return out;
}

std::vector<DurationSamples> CollectDurations(const DiffSideCollector& b,
                                              const DiffSideCollector& c) {
  std::vector<DurationSamples> out;
  const std::vector<std::string>& scopes = b.options().duration_scopes;
  for (size_t i = 0; i < scopes.size(); ++i) {
    DurationSamples d;
    d.scope = scopes[i];
    d.baseline = b.durations()[i];
    for (size_t j = 0; j < c.options().duration_scopes.size(); ++j) {
      if (c.options().duration_scopes[j] == scopes[i]) d.candidate = c.durations()[j];
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<Finding> ReportedFindings(const FindingsCollector& findings,
                                      const DetectorConfig& config) {
  return findings.Build(config);
}

std::vector<Finding> AllSequentialPatterns(const FindingsCollector& findings,
                                           const DetectorConfig& config) {
  DetectorConfig any = config;
  any.sequential.min_saving_us = 0;
  any.ignore.clear();
  std::vector<Finding> all = findings.Build(any);
  std::erase_if(all, [](const Finding& f) { return f.kind != FindingKind::kSequential; });
  return all;
}

DiffResult BuildDiff(const DiffSideData& baseline, const DiffSideData& candidate,
                     const std::vector<VerifyPlanEntry>& plan, const DiffOptions& options) {
  DiffResult r;
  r.command = options.command;
  r.cp_mode = options.cp_mode;
  r.statistics = options.statistics;
  r.baseline = baseline.summary;
  r.candidate = candidate.summary;
  r.baseline.traces = baseline.profile->traces();
  r.candidate.traces = candidate.profile->traces();
  BuildLatency(*baseline.profile, *candidate.profile, options.statistics, &r.latency,
               &r.latency_tests);
  r.throughput = BuildThroughput(*baseline.collector, *candidate.collector, options.statistics);
  r.error_rate = BuildErrorRate(*baseline.profile, *candidate.profile, options.statistics);
  r.critical_path = BuildCpShift(*baseline.profile, *candidate.profile, *baseline.collector,
                                 *candidate.collector, options.top, options.statistics);
  r.findings =
      BuildFindingsDiff(ReportedFindings(*baseline.findings, options.detectors),
                        ReportedFindings(*candidate.findings, options.detectors), options.top);
  r.verify = BuildVerifyRows(plan, candidate.collector->patterns());
  r.distribution = {DistributionOf(*baseline.profile), DistributionOf(*candidate.profile)};
  r.stacks = BuildStacks(*baseline.profile, *candidate.profile);

  std::vector<TargetSpec> targets = options.targets;
  for (const VerifyPlanEntry& e : plan) {
    if (!e.expected) continue;
    TargetSpec t;
    t.metric = "overlap_share";
    t.scope = e.name;
    t.op = TargetOp::kGe;
    t.target = 100.0 * e.min_overlap_share;
    t.origin = "expectation";
    targets.push_back(std::move(t));
  }
  EvaluateTargets(targets, CollectDurations(*baseline.collector, *candidate.collector), &r);
  return r;
}

DiffSession::DiffSession(const AnalysisOptions& analysis, DiffOptions options, VerifyConfig verify)
    : analysis_(analysis),
      options_(std::move(options)),
      verify_(std::move(verify)),
      baseline_(analysis_),
      baseline_collector_(SideOptions()) {
  options_.detectors = analysis_.detectors;
  options_.cp_mode = CpModeName(analysis_.cp.mode);
}

std::vector<VerifyPlanEntry> PlanFromBaseline(const FindingsCollector& baseline,
                                              const DiffOptions& options,
                                              const VerifyConfig& verify) {
  return PlanVerification(ReportedFindings(baseline, options.detectors),
                          AllSequentialPatterns(baseline, options.detectors), verify, options.top);
}

DiffSideOptions SideOptionsFor(const AnalysisOptions& analysis, const DiffOptions& options,
                               const std::vector<VerifyPlanEntry>& plan) {
  DiffSideOptions o;
  o.patterns = PatternsToObserve(plan);
  o.duration_scopes = DurationScopes(options.targets);
  o.overlap_tolerance_fraction = analysis.detectors.sequential.overlap_tolerance_fraction;
  o.keep_examples = analysis.detectors.keep_examples;
  return o;
}

DiffSideOptions DiffSession::SideOptions() const { return SideOptionsFor(analysis_, options_, {}); }

void DiffSession::ObserveBaseline(const Trace& trace, const CriticalPath& path) {
  baseline_collector_.Add(trace, path);
}

void DiffSession::StartCandidate() {
  plan_ = PlanFromBaseline(baseline_.findings(), options_, verify_);
  candidate_ = std::make_unique<TraceAnalyzer>(analysis_);
  candidate_collector_ =
      std::make_unique<DiffSideCollector>(SideOptionsFor(analysis_, options_, plan_));
}

TraceAnalyzer& DiffSession::candidate_analyzer() {
  assert(candidate_ != nullptr && "StartCandidate() first");
  return *candidate_;
}

void DiffSession::ObserveCandidate(const Trace& trace, const CriticalPath& path) {
  candidate_collector_->Add(trace, path);
}

DiffResult DiffSession::Finish(DiffSideSummary baseline, DiffSideSummary candidate) const {
  assert(candidate_ != nullptr && "StartCandidate() first");
  return BuildDiff(
      {&baseline_.profile(), &baseline_.findings(), &baseline_collector_, std::move(baseline)},
      {&candidate_->profile(), &candidate_->findings(), candidate_collector_.get(),
       std::move(candidate)},
      plan_, options_);
}

void DiffSession::AddBaseline(Trace& trace) { ObserveBaseline(trace, baseline_.Analyze(trace)); }

void DiffSession::AddCandidate(Trace& trace) {
  ObserveCandidate(trace, candidate_analyzer().Analyze(trace));
}

}  // namespace trace_analyze::analyzer
