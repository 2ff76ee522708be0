#include "analyzer/targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

enum class MetricKind {
  kLatencyChange,     // pNN_latency_{reduction,increase}: % change of a latency row
  kLatency,           // pNN_latency: the candidate's latency
  kThroughputChange,  // throughput_{increase,reduction}
  kErrorRateChange,   // error_rate_{increase,reduction}: percentage points
  kErrorRate,         // error_rate: the candidate's share of error traces
  kOverlapShare,      // overlap_share: a verify row's share of overlapping instances
  kRealisedSaving,    // realised_saving: saving by concurrency / predicted saving
  kDuration,          // pNN_duration: the candidate's span durations of an operation
};
enum class Unit { kPercent, kPoints, kMicros, kRatio };
enum class ScopeRule { kNone, kOptional, kRequired };

struct Metric {
  MetricKind kind;
  Unit unit;
  ScopeRule scope;
  double sign = 1;     // −1 for *_reduction: the value is the negated change
  int percentile = 0;  // pNN_* metrics
};

constexpr int kPercentiles[] = {50, 90, 95, 99};

const char* UnitName(Unit u) {
  switch (u) {
    case Unit::kPercent:
      return "%";
    case Unit::kPoints:
      return "pp";
    case Unit::kMicros:
      return "us";
    case Unit::kRatio:
      return "x";
  }
  return "";
}

const char* OpText(TargetOp op) {
  switch (op) {
    case TargetOp::kGe:
      return ">=";
    case TargetOp::kGt:
      return ">";
    case TargetOp::kLe:
      return "<=";
    case TargetOp::kLt:
      return "<";
  }
  return "";
}

bool Holds(double value, TargetOp op, double threshold) {
  switch (op) {
    case TargetOp::kGe:
      return value >= threshold;
    case TargetOp::kGt:
      return value > threshold;
    case TargetOp::kLe:
      return value <= threshold;
    case TargetOp::kLt:
      return value < threshold;
  }
  return false;
}

std::optional<Metric> LookupMetric(std::string_view name) {
  if (name == "throughput_increase")
    return Metric{MetricKind::kThroughputChange, Unit::kPercent, ScopeRule::kNone};
  if (name == "throughput_reduction") {
    return Metric{MetricKind::kThroughputChange, Unit::kPercent, ScopeRule::kNone, -1};
  }
  if (name == "error_rate_increase")
    return Metric{MetricKind::kErrorRateChange, Unit::kPoints, ScopeRule::kNone};
  if (name == "error_rate_reduction") {
    return Metric{MetricKind::kErrorRateChange, Unit::kPoints, ScopeRule::kNone, -1};
  }
  if (name == "error_rate") return Metric{MetricKind::kErrorRate, Unit::kPercent, ScopeRule::kNone};
  if (name == "overlap_share")
    return Metric{MetricKind::kOverlapShare, Unit::kPercent, ScopeRule::kOptional};
  if (name == "realised_saving") {
    return Metric{MetricKind::kRealisedSaving, Unit::kPercent, ScopeRule::kOptional};
  }
  // pNN_...
  if (name.size() < 4 || name[0] != 'p' || name[3] != '_') return std::nullopt;
  int p = 0;
  if (std::from_chars(name.data() + 1, name.data() + 3, p).ptr != name.data() + 3 ||
      std::find(std::begin(kPercentiles), std::end(kPercentiles), p) == std::end(kPercentiles)) {
    return std::nullopt;
  }
  const std::string_view rest = name.substr(4);
  if (rest == "latency_reduction") {
    return Metric{MetricKind::kLatencyChange, Unit::kPercent, ScopeRule::kOptional, -1, p};
  }
  if (rest == "latency_increase") {
    return Metric{MetricKind::kLatencyChange, Unit::kPercent, ScopeRule::kOptional, 1, p};
  }
  if (rest == "latency")
    return Metric{MetricKind::kLatency, Unit::kMicros, ScopeRule::kOptional, 1, p};
  if (rest == "duration")
    return Metric{MetricKind::kDuration, Unit::kMicros, ScopeRule::kRequired, 1, p};
  return std::nullopt;
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Error Bad(std::string_view text, const std::string& what) {
  return Error{ErrorCode::kInput, fmt::format("target '{}': {}", text, what)};
}

// A value with the unit the metric requires: "30%", "0", "100ms", "2.5x".
Result<double> ParseValue(std::string_view text, std::string_view value, Unit unit) {
  value = Strip(value);
  double number = 0;
  const char* begin = value.data();
  if (!value.empty() && value.front() == '+') ++begin;
  const auto [end, ec] = std::from_chars(begin, value.data() + value.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) {
    return Bad(text, fmt::format("'{}' is not a number", value));
  }
  const std::string_view suffix = Strip(value.substr(static_cast<size_t>(end - value.data())));
  switch (unit) {
    case Unit::kPercent:
    case Unit::kPoints:
      if (suffix == "%" || (suffix.empty() && number == 0)) return number;
      return Bad(text, fmt::format("'{}' needs a percent sign (e.g. 30%)", value));
    case Unit::kMicros:
      if (number < 0) return Bad(text, "a time cannot be negative");
      if (suffix == "us" || suffix == "µs") return number;
      if (suffix == "ms") return number * 1e3;
      if (suffix == "s") return number * 1e6;
      return Bad(text, fmt::format("'{}' needs a time unit: us, ms or s", value));
    case Unit::kRatio:
      if (suffix.empty() || suffix == "x") return number;
      return Bad(text, fmt::format("'{}' is a plain ratio, e.g. 2.5", value));
  }
  return number;
}

// Parses "VALUE[/ACCEPTABLE]" into spec and checks the acceptable level is
// looser than the target.
Status ParseLevels(std::string_view text, std::string_view levels, Unit unit, TargetSpec* spec) {
  const size_t slash = levels.find('/');
  Result<double> target = ParseValue(text, levels.substr(0, slash), unit);
  if (!target.ok()) return target.error();
  spec->target = target.value();
  if (slash != std::string_view::npos) {
    Result<double> acceptable = ParseValue(text, levels.substr(slash + 1), unit);
    if (!acceptable.ok()) return acceptable.error();
    spec->acceptable = acceptable.value();
    const bool up = spec->op == TargetOp::kGe || spec->op == TargetOp::kGt;
    if (up ? *spec->acceptable > spec->target : *spec->acceptable < spec->target) {
      return Bad(text, fmt::format("the acceptable level must be looser than the target ({} {})",
                                   up ? "at most" : "at least", Strip(levels.substr(0, slash))));
    }
  }
  return OkStatus();
}

// The evidence of a change whose test did not run: too few traces.
TargetEvidence NotTested(uint64_t baseline, uint64_t candidate, size_t min) {
  TargetEvidence e;
  e.kind = TargetEvidence::Kind::kNotTested;
  e.baseline_count = baseline;
  e.candidate_count = candidate;
  e.min_samples = min;
  return e;
}

TargetEvidence Tested(double p_value) {
  TargetEvidence e;
  e.kind = TargetEvidence::Kind::kTested;
  e.p_value = p_value;
  return e;
}

// What one target measured.
struct Measured {
  std::optional<double> value;
  std::string missing;                    // why there is no value
  std::optional<size_t> missing_pattern;  // TargetRow::missing_pattern
  bool change = false;                    // a change between the sides: needs evidence (see Level)
  bool significant = false;
  TargetEvidence evidence;
};

// Whether `scope` ("operation" or "service:operation") names `op`.
bool ScopeNames(const std::string& scope, const OpName& op) {
  return scope == op.operation || scope == op.service + ":" + op.operation;
}

Measured MeasureLatency(const Metric& m, const std::string& scope, const DiffResult& r) {
  Measured out;
  const std::string pct = fmt::format("p{}", m.percentile);
  const bool all = scope.empty() || scope == "all";
  std::set<OpName> keys;
  const LatencyChange* row = nullptr;
  for (const LatencyChange& c : r.latency) {
    const bool named = all ? (c.root.service.empty() && c.root.operation == "all")
                           : (!c.root.service.empty() && ScopeNames(scope, c.root));
    if (!named) continue;
    keys.insert(c.root);
    if (c.percentile == pct) row = &c;
  }
  if (keys.size() > 1) {
    out.missing =
        fmt::format("'{}' names {} root operations; write service:operation", scope, keys.size());
    return out;
  }
  if (row == nullptr) {
    out.missing = fmt::format("no traces with root operation '{}'", scope);
    return out;
  }
  if (m.kind == MetricKind::kLatency) {
    if (row->candidate_us) {
      out.value = static_cast<double>(*row->candidate_us);
    } else {
      out.missing = "no candidate traces of that root operation";
    }
    return out;
  }
  out.change = true;
  if (!row->change_pct) {
    out.missing = !row->baseline_us || !row->candidate_us
                      ? "the root operation is missing on one side"
                      : "the baseline latency is 0";
    return out;
  }
  out.value = m.sign * *row->change_pct;
  out.significant = row->significant;
  if (row->p_value && row->ci_low_pct && row->ci_high_pct) {
    out.evidence = Tested(*row->p_value);
    out.evidence.ci_low_pct = row->ci_low_pct;
    out.evidence.ci_high_pct = row->ci_high_pct;
  } else {
    out.evidence = NotTested(row->baseline_traces, row->candidate_traces, r.statistics.min_samples);
  }
  return out;
}

// `index`: v's place in DiffResult::verify.
Measured MeasureVerify(const Metric& m, const VerifyRow& v, size_t index) {
  Measured out;
  if (m.kind == MetricKind::kOverlapShare) {
    if (v.overlap_share) {
      out.value = 100.0 * *v.overlap_share;
    } else {
      out.missing = fmt::format("pattern {}", VerifyStatusName(v.status));
      out.missing_pattern = index;
    }
    return out;
  }
  if (v.predicted_saving_us <= 0) {
    out.missing = "no predicted saving (the baseline did not flag the pattern)";
  } else if (!v.concurrency_saving_us) {
    out.missing = fmt::format("pattern {} in the candidate", VerifyStatusName(v.status));
  } else {
    // What concurrency saved, not the change of the members' critical time:
    // members that only got faster have realised nothing of the prediction.
    out.value = 100.0 * static_cast<double>(*v.concurrency_saving_us) /
                static_cast<double>(v.predicted_saving_us);
  }
  return out;
}

// A measured change that a significance test covers (ThroughputChange,
// ErrorRateChange): its signed value, and the test's p-value or why it was
// not run.
template <class Change>
void SetTested(double value, const Change& change, size_t min_samples, Measured* out) {
  out->value = value;
  out->significant = change.significant;
  out->evidence = change.p_value
                      ? Tested(*change.p_value)
                      : NotTested(change.baseline_traces, change.candidate_traces, min_samples);
}

Measured Measure(const Metric& m, const TargetSpec& spec, const std::vector<DurationSamples>& d,
                 const DiffResult& r) {
  Measured out;
  switch (m.kind) {
    case MetricKind::kLatencyChange:
    case MetricKind::kLatency:
      return MeasureLatency(m, spec.scope, r);
    case MetricKind::kThroughputChange: {
      const ThroughputChange& t = r.throughput;
      out.change = true;
      if (!t.change_pct) {
        out.missing = "throughput needs at least 2 traces over a non-zero window on each side";
        return out;
      }
      SetTested(m.sign * *t.change_pct, t, r.statistics.min_samples, &out);
      return out;
    }
    case MetricKind::kErrorRateChange:
    case MetricKind::kErrorRate: {
      const ErrorRateChange& e = r.error_rate;
      if (m.kind == MetricKind::kErrorRate) {
        if (e.candidate) {
          out.value = 100.0 * *e.candidate;
        } else {
          out.missing = "no candidate traces";
        }
        return out;
      }
      out.change = true;
      if (!e.change_points) {
        out.missing = "a side has no traces";
        return out;
      }
      SetTested(m.sign * *e.change_points, e, r.statistics.min_samples, &out);
      return out;
    }
    case MetricKind::kOverlapShare:
    case MetricKind::kRealisedSaving: {
      for (size_t i = 0; i < r.verify.size(); ++i) {
        const VerifyRow& v = r.verify[i];
        if (v.fingerprint == spec.scope || (!v.name.empty() && v.name == spec.scope)) {
          return MeasureVerify(m, v, i);
        }
      }
      out.missing = fmt::format(
          "no verified pattern '{}' (name a baseline finding's fingerprint "
          "or an expectation)",
          spec.scope);
      return out;
    }
    case MetricKind::kDuration: {
      for (const DurationSamples& s : d) {
        if (s.scope != spec.scope) continue;
        const std::vector<double> ps = {static_cast<double>(m.percentile)};
        if (s.candidate.empty()) {
          out.missing = fmt::format("no candidate spans of '{}'", spec.scope);
          return out;
        }
        out.value = static_cast<double>(Percentiles(s.candidate, ps)[0]);
        if (s.baseline.empty()) {
          out.evidence.kind = TargetEvidence::Kind::kNoBaselineSpans;
        } else {
          out.evidence.kind = TargetEvidence::Kind::kBaselineSpans;
          out.evidence.baseline_us = Percentiles(s.baseline, ps)[0];
          out.evidence.baseline_count = s.baseline.size();
        }
        return out;
      }
      out.missing = fmt::format("no spans of '{}'", spec.scope);
      return out;
    }
  }
  return out;
}

// Whether the measurement meets `threshold`. A change must be significant
// when the target needs one, i.e. when "no change" (0) would not meet it.
bool Level(const Measured& m, TargetOp op, double threshold) {
  if (!m.value) return false;
  if (m.change && !Holds(0, op, threshold) && !m.significant) return false;
  return Holds(*m.value, op, threshold);
}

TargetRow Evaluate(const TargetSpec& spec, const Metric& metric, const Measured& m) {
  TargetRow row;
  row.name = spec.Name();
  row.origin = spec.origin;
  row.op = OpText(spec.op);
  row.unit = UnitName(metric.unit);
  row.value = m.value;
  row.target = spec.target;
  row.acceptable = spec.acceptable;
  row.evidence = m.evidence;
  if (!m.value) {
    row.status = TargetStatus::kFail;
    row.missing = m.missing;
    row.missing_pattern = m.missing_pattern;
    return row;
  }
  row.distance = *m.value - spec.target;
  if (Level(m, spec.op, spec.target)) {
    row.status = TargetStatus::kOk;
    return row;
  }
  row.unproven = Holds(*m.value, spec.op, spec.target);  // met, but not significant
  row.status = spec.acceptable && Level(m, spec.op, *spec.acceptable) ? TargetStatus::kAcceptable
                                                                      : TargetStatus::kFail;
  return row;
}

}  // namespace

std::string TargetSpec::Name() const { return scope.empty() ? metric : metric + "[" + scope + "]"; }

Result<TargetSpec> ParseTarget(std::string_view text, std::string origin) {
  const std::string_view t = Strip(text);
  size_t i = 0;
  while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
  TargetSpec spec;
  spec.origin = std::move(origin);
  spec.metric = std::string(t.substr(0, i));
  if (spec.metric.empty()) {
    return Bad(text, "expected METRIC[SCOPE] OP VALUE, e.g. p95_latency_reduction>=30%");
  }
  const std::optional<Metric> metric = LookupMetric(spec.metric);
  if (!metric) {
    return Bad(text,
               fmt::format("unknown metric '{}' (pNN_latency_reduction, pNN_latency_increase, "
                           "pNN_latency, pNN_duration, throughput_increase, throughput_reduction, "
                           "error_rate_increase, error_rate_reduction, error_rate, overlap_share, "
                           "realised_saving; NN is 50, 90, 95 or 99)",
                           spec.metric));
  }
  std::string_view rest = Strip(t.substr(i));
  if (!rest.empty() && rest.front() == '[') {
    // Scopes may contain anything but ']' at the end (operation names with
    // '>' or '=' included): the scope runs to the last ']'.
    const size_t close = rest.rfind(']');
    if (close == std::string_view::npos) return Bad(text, "'[' without a closing ']'");
    spec.scope = std::string(Strip(rest.substr(1, close - 1)));
    if (spec.scope.empty()) return Bad(text, "empty scope '[]'");
    rest = Strip(rest.substr(close + 1));
  }
  if (metric->scope == ScopeRule::kNone && !spec.scope.empty()) {
    return Bad(text, fmt::format("'{}' takes no [scope]", spec.metric));
  }
  if (metric->scope == ScopeRule::kRequired && spec.scope.empty()) {
    return Bad(text, fmt::format("'{}' needs an operation: {}[service:operation]", spec.metric,
                                 spec.metric));
  }
  static constexpr std::pair<std::string_view, TargetOp> kOps[] = {
      {">=", TargetOp::kGe}, {"<=", TargetOp::kLe}, {">", TargetOp::kGt}, {"<", TargetOp::kLt}};
  bool found = false;
  for (const auto& [token, op] : kOps) {
    if (rest.substr(0, token.size()) == token) {
      spec.op = op;
      rest = rest.substr(token.size());
      found = true;
      break;
    }
  }
  if (!found) return Bad(text, "expected an operator >=, >, <= or < after the metric");
  const Status levels = ParseLevels(text, rest, metric->unit, &spec);
  if (!levels.ok()) return levels.error();
  return spec;
}

Result<TargetSpec> MakeBudget(const std::string& operation, int percentile, std::string_view target,
                              std::optional<std::string_view> acceptable, std::string origin) {
  const std::string text = fmt::format("p{}_duration[{}] <= {}{}", percentile, operation, target,
                                       acceptable ? fmt::format("/{}", *acceptable) : "");
  if (operation.empty()) return Bad(text, "the budget needs an operation");
  if (target.find('/') != std::string_view::npos ||
      (acceptable && acceptable->find('/') != std::string_view::npos)) {
    return Bad(text, "a level must be a single time");
  }
  return ParseTarget(text, std::move(origin));
}

Result<TargetSpec> ParseBudget(std::string_view text, std::string origin) {
  const size_t eq = text.rfind('=');
  if (eq == std::string_view::npos) {
    return Error{ErrorCode::kInput,
                 fmt::format("budget '{}': expected [service:]operation=TARGET[/ACCEPTABLE], e.g. "
                             "checkout=100ms/200ms",
                             text)};
  }
  const std::string_view levels = text.substr(eq + 1);
  const size_t slash = levels.find('/');
  std::optional<std::string_view> acceptable;
  if (slash != std::string_view::npos) acceptable = levels.substr(slash + 1);
  return MakeBudget(std::string(Strip(text.substr(0, eq))), 95, levels.substr(0, slash), acceptable,
                    std::move(origin));
}

std::vector<std::string> DurationScopes(const std::vector<TargetSpec>& targets) {
  std::vector<std::string> out;
  for (const TargetSpec& t : targets) {
    const std::optional<Metric> m = LookupMetric(t.metric);
    if (m && m->kind == MetricKind::kDuration &&
        std::find(out.begin(), out.end(), t.scope) == out.end()) {
      out.push_back(t.scope);
    }
  }
  return out;
}

void EvaluateTargets(const std::vector<TargetSpec>& targets,
                     const std::vector<DurationSamples>& durations, DiffResult* result) {
  result->targets.clear();
  for (const TargetSpec& spec : targets) {
    const std::optional<Metric> metric = LookupMetric(spec.metric);
    if (!metric) continue;  // ParseTarget rejects these
    const bool per_pattern =
        metric->kind == MetricKind::kOverlapShare || metric->kind == MetricKind::kRealisedSaving;
    if (per_pattern && spec.scope.empty()) {
      if (result->verify.empty()) {
        Measured none;
        none.missing = "there are no sequential patterns to verify";
        result->targets.push_back(Evaluate(spec, *metric, none));
      }
      for (size_t i = 0; i < result->verify.size(); ++i) {
        const VerifyRow& v = result->verify[i];
        TargetSpec one = spec;
        one.scope = v.fingerprint;
        result->targets.push_back(Evaluate(one, *metric, MeasureVerify(*metric, v, i)));
      }
      continue;
    }
    result->targets.push_back(Evaluate(spec, *metric, Measure(*metric, spec, durations, *result)));
  }
  std::vector<std::string> failed;
  size_t acceptable = 0;
  for (const TargetRow& t : result->targets) {
    if (t.status == TargetStatus::kFail) failed.push_back(t.name);
    if (t.status == TargetStatus::kAcceptable) ++acceptable;
  }
  result->pass = failed.empty();
  const size_t n = result->targets.size();
  if (n == 0) {
    result->verdict_reason = "no targets: nothing to gate";
  } else if (failed.empty()) {
    result->verdict_reason = fmt::format(
        "{}{}", n == 1 ? "the target holds" : fmt::format("all {} targets hold", n),
        acceptable > 0 ? fmt::format(" ({} only at the acceptable level)", acceptable) : "");
  } else {
    std::string names;
    for (const std::string& f : failed) names += (names.empty() ? "" : ", ") + f;
    result->verdict_reason =
        fmt::format("{} of {} target{} failed: {}", failed.size(), n, n == 1 ? "" : "s", names);
  }
}

}  // namespace trace_analyze::analyzer
