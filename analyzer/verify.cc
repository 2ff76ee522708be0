#include "analyzer/verify.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

#include "analyzer/detector.h"
#include "analyzer/parameterize.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

// Members are looked for among the parent's children and grandchildren, so a
// wrapper span added when the calls were made concurrent (a task, an
// executor) does not hide them.
constexpr int kMaxMemberDepth = 2;

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::optional<OpName> ParseOpName(const std::string& text, std::string* error) {
  const std::string name = Trim(text);
  const size_t colon = name.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == name.size()) {
    *error = "'" + name + "' must be service:operation";
    return std::nullopt;
  }
  return OpName{name.substr(0, colon), Parameterize(name.substr(colon + 1))};
}

bool IsFingerprint(const std::string& s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Span names computed on demand: parameterising every span would cost more
// than the matching.
class Names {
 public:
  explicit Names(const Trace& trace) : trace_(trace) {}
  // Compares the service first: most spans are rejected without a name.
  bool Is(SpanIndex i, const OpName& name) {
    return trace_.spans[i].service == name.service && Operation(i) == name.operation;
  }

 private:
  const std::string& Operation(SpanIndex i) {
    auto [it, added] = names_.try_emplace(i);
    if (added) ParameterizeInto(trace_.spans[i].operation, &it->second);
    return it->second;
  }

  const Trace& trace_;
  std::unordered_map<SpanIndex, std::string> names_;
};

// Descendants of `parent` up to kMaxMemberDepth, breadth first (children in
// start order), matching a member name; matched spans and spans named like
// the parent are not searched further. found[k] lists the matches of
// p.members[k] in that order.
void FindMembers(const Trace& t, Names& names, SpanIndex parent, const PatternDef& p,
                 std::vector<std::vector<SpanIndex>>* found) {
  found->assign(p.members.size(), {});
  std::vector<SpanIndex> level = {parent}, next;
  for (int depth = 1; depth <= kMaxMemberDepth && !level.empty(); ++depth) {
    next.clear();
    for (SpanIndex s : level) {
      for (SpanIndex c : t.topology.ChildrenOf(s)) {
        bool matched = false;
        for (size_t k = 0; k < p.members.size() && !matched; ++k) {
          if (names.Is(c, p.members[k])) {
            (*found)[k].push_back(c);
            matched = true;
          }
        }
        if (!matched && !names.Is(c, p.parent)) next.push_back(c);
      }
    }
    level.swap(next);
  }
}

// The instance `found` under `parent` as a picture of every member's calls
// (reports draw it as observed; its re-timed fields go unused).
FindingExample PictureOf(const Trace& t, std::span<const int64_t> critical, SpanIndex parent,
                         const std::vector<std::vector<SpanIndex>>& found) {
  std::vector<SpanIndex> members;
  for (const std::vector<SpanIndex>& calls : found)
    members.insert(members.end(), calls.begin(), calls.end());
  return internal::ExamplePicture(t, critical, parent, std::move(members),
                                  RetimeModel::kConcurrent);
}

struct InstanceShape {
  bool parallel = false;  // every pair of members overlaps by more than the tolerance
  bool any = false;       // some pair does
  int64_t concurrency_milli = 1000;
  int64_t critical_us = 0;
  int64_t duration_us = 0;          // Σ over members of the union of its calls
  int64_t union_us = 0;             // union of all the members' calls
  std::vector<uint8_t> overlapped;  // per member
};

// Sorted, disjoint intervals covering `calls`.
std::vector<std::pair<int64_t, int64_t>> Covered(const Trace& t,
                                                 const std::vector<SpanIndex>& calls) {
  std::vector<std::pair<int64_t, int64_t>> in, out;
  for (SpanIndex c : calls) in.emplace_back(t.spans[c].start_us, t.spans[c].end_us());
  std::sort(in.begin(), in.end());
  for (const auto& iv : in) {
    if (!out.empty() && iv.first <= out.back().second) {
      out.back().second = std::max(out.back().second, iv.second);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

int64_t Length(const std::vector<std::pair<int64_t, int64_t>>& covered) {
  int64_t n = 0;
  for (const auto& [s, e] : covered) n += e - s;
  return n;
}

// Length of the intersection of two sorted disjoint interval lists.
int64_t Shared(const std::vector<std::pair<int64_t, int64_t>>& a,
               const std::vector<std::pair<int64_t, int64_t>>& b) {
  int64_t n = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    n +=
        std::max<int64_t>(0, std::min(a[i].second, b[j].second) - std::max(a[i].first, b[j].first));
    (a[i].second < b[j].second ? i : j)++;
  }
  return n;
}

// One instance: the members are compared by the time their calls cover, so
// interleaved loops that still run one call at a time (A B A B) do not count
// as overlapping, while a member's own concurrent calls are not concurrency
// between members.
InstanceShape Measure(const Trace& t, std::span<const int64_t> critical,
                      const std::vector<std::vector<SpanIndex>>& found, int64_t tolerance) {
  InstanceShape out;
  const size_t n = found.size();
  std::vector<std::vector<std::pair<int64_t, int64_t>>> covered;
  std::vector<std::pair<int64_t, int64_t>> all;
  for (const std::vector<SpanIndex>& calls : found) {
    for (SpanIndex c : calls) out.critical_us += critical[c];
    covered.push_back(Covered(t, calls));
    out.duration_us += Length(covered.back());
    all.insert(all.end(), covered.back().begin(), covered.back().end());
  }
  out.overlapped.assign(n, 0);
  size_t overlapping_pairs = 0;
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      if (Shared(covered[a], covered[b]) > tolerance) {
        ++overlapping_pairs;
        out.overlapped[a] = out.overlapped[b] = 1;
      }
    }
  }
  out.any = overlapping_pairs > 0;
  out.parallel = n >= 2 && overlapping_pairs == n * (n - 1) / 2;
  out.union_us = internal::UnionLength(all);
  if (out.union_us > 0) out.concurrency_milli = out.duration_us * 1000 / out.union_us;
  return out;
}

VerifyRow RowOf(const VerifyPlanEntry& e, const PatternObservation* obs) {
  VerifyRow row;
  row.fingerprint = e.fingerprint;
  row.name = e.name;
  row.expected = e.expected;
  row.flagged_in_baseline = e.flagged;
  row.parent = e.parent;
  row.sequence = e.sequence;
  row.run = e.run;
  row.instances_baseline = e.instances_baseline;
  row.traces_baseline = e.traces_baseline;
  row.predicted_saving_us = e.predicted_saving_us;
  if (e.flagged) {
    row.baseline_critical_us = e.baseline_critical_us;
    row.baseline_duration_us = e.baseline_duration_us;
    row.baseline_example = e.baseline_example;
  }
  if (obs != nullptr) row.candidate_example = obs->example;
  row.min_overlap_share = e.min_overlap_share;
  if (obs == nullptr) {
    row.status = VerifyStatus::kUnknown;
    return row;
  }
  row.members = e.def->members;
  row.instances_candidate = obs->instances;
  row.traces_candidate = obs->traces;
  if (obs->instances == 0) {
    row.status = VerifyStatus::kAbsent;
    return row;
  }
  row.parallel_candidate = obs->parallel;
  row.partial_candidate = obs->partial;
  const double n = static_cast<double>(obs->instances);
  const double overlap = static_cast<double>(obs->parallel) / n;
  const double partial = static_cast<double>(obs->partial) / n;
  const double none = static_cast<double>(obs->instances - obs->parallel - obs->partial) / n;
  row.overlap_share = overlap;
  row.partial_share = partial;
  static constexpr std::array<double, 1> kP50 = {50};
  row.concurrency = static_cast<double>(Percentiles(obs->concurrency_milli, kP50)[0]) / 1000.0;
  row.candidate_critical_us = Percentiles(obs->critical_per_trace, kP50)[0];
  if (row.baseline_critical_us) {
    row.realised_saving_us = *row.baseline_critical_us - *row.candidate_critical_us;
  }
  if (overlap >= e.min_overlap_share) {
    row.status = VerifyStatus::kParallel;
  } else if (none >= e.min_overlap_share) {
    row.status = VerifyStatus::kStillSequential;
  } else {
    row.status = VerifyStatus::kPartial;
  }
  row.candidate_duration_us = Percentiles(obs->duration_per_trace, kP50)[0];
  row.concurrency_saving_us = Percentiles(obs->overlap_per_trace, kP50)[0];
  for (size_t k = 0; k < e.def->members.size(); ++k) {
    const uint64_t hits = k < obs->member_overlaps.size() ? obs->member_overlaps[k] : 0;
    row.member_overlap.push_back({e.def->members[k], static_cast<double>(hits) / n});
  }
  return row;
}

}  // namespace

std::optional<PatternDef> MakePatternDef(const std::string& parent,
                                         const std::vector<std::string>& children,
                                         std::string* error) {
  PatternDef def;
  const std::optional<OpName> p = ParseOpName(parent, error);
  if (!p) return std::nullopt;
  def.parent = *p;
  if (children.size() < 2) {
    *error = "a pattern needs at least two children";
    return std::nullopt;
  }
  for (const std::string& c : children) {
    const std::optional<OpName> m = ParseOpName(c, error);
    if (!m) return std::nullopt;
    def.members.push_back(*m);
  }
  std::sort(def.members.begin(), def.members.end());
  def.members.erase(std::unique(def.members.begin(), def.members.end()), def.members.end());
  if (def.members.size() < 2) {
    *error = "a pattern needs at least two different children";
    return std::nullopt;
  }
  def.parents = {def.parent};
  def.fingerprint = RunFingerprint(def.parent.service, def.members);
  return def;
}

std::optional<Expectation> ParseExpectation(const std::string& text, std::string* error) {
  Expectation e;
  e.name = Trim(text);
  if (IsFingerprint(e.name)) {
    e.fingerprint = e.name;
    return e;
  }
  const size_t arrow = e.name.find('>');
  if (arrow == std::string::npos) {
    *error = "'" + e.name +
             "' is neither a 16-hex-digit fingerprint nor parent>child,child "
             "(service:operation names)";
    return std::nullopt;
  }
  std::vector<std::string> children;
  for (size_t from = arrow + 1;;) {
    const size_t comma = e.name.find(',', from);
    children.push_back(e.name.substr(from, comma == std::string::npos ? comma : comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  e.pattern = MakePatternDef(e.name.substr(0, arrow), children, error);
  if (!e.pattern) return std::nullopt;
  e.fingerprint = e.pattern->fingerprint;
  return e;
}

void PatternObservation::Merge(const PatternObservation& o) {
  instances += o.instances;
  parallel += o.parallel;
  partial += o.partial;
  traces += o.traces;
  concurrency_milli.insert(concurrency_milli.end(), o.concurrency_milli.begin(),
                           o.concurrency_milli.end());
  critical_per_trace.insert(critical_per_trace.end(), o.critical_per_trace.begin(),
                            o.critical_per_trace.end());
  duration_per_trace.insert(duration_per_trace.end(), o.duration_per_trace.begin(),
                            o.duration_per_trace.end());
  overlap_per_trace.insert(overlap_per_trace.end(), o.overlap_per_trace.begin(),
                           o.overlap_per_trace.end());
  member_overlaps.resize(std::max(member_overlaps.size(), o.member_overlaps.size()), 0);
  for (size_t k = 0; k < o.member_overlaps.size(); ++k) member_overlaps[k] += o.member_overlaps[k];
  if (o.example && (!example || o.example->trace_id < example->trace_id)) example = o.example;
}

void ObservePatterns(const Trace& trace, std::span<const int64_t> critical,
                     std::span<const PatternDef> patterns, double overlap_tolerance_fraction,
                     bool keep_examples, std::vector<PatternObservation>* observations) {
  observations->resize(patterns.size());
  if (patterns.empty() || trace.spans.empty()) return;
  // Only spans of a parent's service can be a parent: test those names only.
  std::vector<std::string_view> parent_services;
  for (const PatternDef& p : patterns) parent_services.push_back(p.parent.service);
  std::sort(parent_services.begin(), parent_services.end());
  Names names(trace);
  std::vector<std::vector<SpanIndex>> found;
  for (size_t pi = 0; pi < patterns.size(); ++pi) {
    const PatternDef& p = patterns[pi];
    PatternObservation& obs = (*observations)[pi];
    obs.member_overlaps.resize(p.members.size(), 0);
    int64_t trace_critical = 0, trace_duration = 0, trace_overlap = 0;
    bool seen = false;
    for (SpanIndex s = 0; s < trace.spans.size(); ++s) {
      if (!std::binary_search(parent_services.begin(), parent_services.end(),
                              trace.spans[s].service) ||
          std::none_of(p.parents.begin(), p.parents.end(),
                       [&](const OpName& parent) { return names.Is(s, parent); })) {
        continue;
      }
      FindMembers(trace, names, s, p, &found);
      if (std::any_of(found.begin(), found.end(), [](const auto& f) { return f.empty(); })) {
        continue;  // not every member ran under this parent
      }
      const int64_t tolerance = static_cast<int64_t>(
          overlap_tolerance_fraction * static_cast<double>(trace.spans[s].duration_us));
      const InstanceShape shape = Measure(trace, critical, found, tolerance);
      if (keep_examples && (!obs.example || trace.trace_id < obs.example->trace_id)) {
        obs.example = PictureOf(trace, critical, s, found);
      }
      ++obs.instances;
      if (shape.parallel) {
        ++obs.parallel;
      } else if (shape.any) {
        ++obs.partial;
      }
      for (size_t k = 0; k < shape.overlapped.size(); ++k)
        obs.member_overlaps[k] += shape.overlapped[k];
      obs.concurrency_milli.push_back(shape.concurrency_milli);
      trace_critical += shape.critical_us;
      trace_duration += shape.duration_us;
      trace_overlap += shape.duration_us - shape.union_us;
      seen = true;
    }
    if (seen) {
      ++obs.traces;
      obs.critical_per_trace.push_back(trace_critical);
      obs.duration_per_trace.push_back(trace_duration);
      obs.overlap_per_trace.push_back(trace_overlap);
    }
  }
}

std::vector<VerifyPlanEntry> PlanVerification(const std::vector<Finding>& reported,
                                              const std::vector<Finding>& all_sequential,
                                              const VerifyConfig& config, size_t top) {
  std::map<std::string, const Finding*> by_fingerprint;
  for (const Finding& f : all_sequential) {
    if (f.kind == FindingKind::kSequential) by_fingerprint[f.fingerprint] = &f;
  }
  std::vector<VerifyPlanEntry> plan;
  const auto add = [&](const std::string& fingerprint, const Finding* f) -> VerifyPlanEntry& {
    VerifyPlanEntry& e = plan.emplace_back();
    e.fingerprint = fingerprint;
    e.min_overlap_share = config.parallel_share;
    if (f != nullptr) {
      e.flagged = true;
      e.parent = f->parent;
      e.sequence = f->sequence;
      e.instances_baseline = f->instances;
      e.traces_baseline = f->traces;
      e.run = f->run;
      e.predicted_saving_us = f->realistic.p50_us;
      e.baseline_critical_us = f->critical_p50_us;
      e.baseline_duration_us = f->member_p50_us;
      e.baseline_example = f->example;
      PatternDef def{f->fingerprint, f->parent, f->parents, f->sequence};
      if (def.parents.empty()) def.parents = {f->parent};
      std::sort(def.members.begin(), def.members.end());
      e.def = std::move(def);
    }
    return e;
  };
  for (const Expectation& x : config.expectations) {
    auto it = by_fingerprint.find(x.fingerprint);
    VerifyPlanEntry& e = add(x.fingerprint, it == by_fingerprint.end() ? nullptr : it->second);
    e.name = x.name;
    e.expected = true;
    if (x.min_overlap_share) e.min_overlap_share = *x.min_overlap_share;
    if (!e.def && x.pattern) {
      e.def = x.pattern;
      e.parent = x.pattern->parent;
      e.sequence = x.pattern->members;
    }
  }
  size_t listed = 0;
  for (const Finding& f : reported) {
    if (f.kind != FindingKind::kSequential || f.suppressed) continue;
    if (top > 0 && listed == top) break;
    const bool expected = std::any_of(plan.begin(), plan.end(), [&](const VerifyPlanEntry& e) {
      return e.fingerprint == f.fingerprint;
    });
    if (expected) continue;
    add(f.fingerprint, &f);
    ++listed;
  }
  return plan;
}

std::vector<VerifyRow> BuildVerifyRows(const std::vector<VerifyPlanEntry>& plan,
                                       const std::vector<PatternObservation>& observed) {
  std::vector<VerifyRow> rows;
  size_t next = 0;
  for (const VerifyPlanEntry& e : plan) {
    const PatternObservation* obs = nullptr;
    if (e.def) {
      static const PatternObservation kNone;
      obs = next < observed.size() ? &observed[next] : &kNone;
      ++next;
    }
    rows.push_back(RowOf(e, obs));
  }
  return rows;
}

std::vector<PatternDef> PatternsToObserve(const std::vector<VerifyPlanEntry>& plan) {
  std::vector<PatternDef> out;
  for (const VerifyPlanEntry& e : plan) {
    if (e.def) out.push_back(*e.def);
  }
  return out;
}

}  // namespace trace_analyze::analyzer
