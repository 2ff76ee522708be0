// The sequential detector's cross-trace half (RunState): keeps the visits of
// every parent operation, mines the runs that recur from their chains,
// judges each run against every visit of its parent (pairwise overlap and
// order), and builds one finding per run identity. Rules:
// docs/detectors.md §1.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "analyzer/parameterize.h"
#include "analyzer/reason_text.h"
#include "analyzer/saturating.h"
#include "analyzer/sequential_detector.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

using namespace internal;  // NOLINT: the detectors' shared helpers (detector.h)

// Two operations are neighbours in a run when they ran back to back in at
// least this share of the visits that had both (docs/detectors.md §1).
constexpr double kRecurrence = 0.6;
// Classes (visits with the same distinct operations: usually one route) with
// at least this many visits are judged on their own; smaller ones on every
// visit of the parent operation.
constexpr uint64_t kMinClassVisits = 10;
// The widest group of operations repeated as a whole that is shown as one
// step: (A → B) ×N.
constexpr size_t kMaxGroup = 4;

struct Window {
  size_t i, j;  // first and last chain element
};

struct Unit {
  std::vector<uint32_t> names;  // one, or a repeated group
  int64_t count;                // calls (one name) or repetitions (group)
};

// The elements [begin, end) as steps: a group of 2..kMaxGroup elements
// repeated back to back becomes one step; the longest cover wins, then the
// shortest group.
std::vector<Unit> Units(const ChainElement* e, size_t n) {
  std::vector<Unit> out;
  for (size_t k = 0; k < n;) {
    size_t best_len = 1, best_reps = 1;
    for (size_t len = 2; len <= kMaxGroup && k + 2 * len <= n; ++len) {
      size_t reps = 1;
      while (k + (reps + 1) * len <= n &&
             std::equal(
                 e + k, e + k + len, e + k + reps * len,
                 [](const ChainElement& a, const ChainElement& b) { return a.name == b.name; })) {
        ++reps;
      }
      if (reps >= 2 && reps * len > best_reps * best_len) {
        best_len = len;
        best_reps = reps;
      }
    }
    Unit u;
    for (size_t i = 0; i < best_len; ++i) u.names.push_back(e[k + i].name);
    u.count = best_len == 1 ? e[k].calls : static_cast<int64_t>(best_reps);
    out.push_back(std::move(u));
    k += best_len * best_reps;
  }
  return out;
}

struct OrderRow {
  std::vector<std::vector<uint32_t>> shape;  // names per step
  uint64_t instances = 0;
  std::vector<std::vector<int64_t>> counts;  // per step, one per instance
};

struct TraceSums {
  int64_t optimistic = 0, realistic = 0, critical = 0, total = 0;
};

// Everything seen of one run identity.
struct RunRow {
  std::string fingerprint;
  std::string service;                   // the parent's
  std::vector<uint32_t> members;         // sorted name ids
  std::map<uint32_t, uint64_t> parents;  // parent name id → instances
  uint64_t instances = 0;
  // Σ over `parents` of instances × the operation's RunState::Scale, added
  // in name order (the same in every state): the estimated instances among
  // all visits (== instances when every visit is kept), set in Build.
  double estimated = 0;
  std::map<uint32_t, TraceSums> traces;    // by trace row
  std::map<std::string, OrderRow> orders;  // by a key of names
  std::vector<int64_t> calls;              // spans per instance
  uint64_t value_flow = 0, intervening = 0;
  std::string value_flow_detail;  // smallest, for determinism
};

// A run whose members are a subset of a more frequent run of the same
// service, under a parent operation they share, is that run with members
// left out (an optional call skipped, or one gap too long in a few traces):
// its instances are added to the larger run. Smaller sets merge first, so a
// chain of subsets ends in the largest.
void MergeSubsetRuns(std::map<std::string, RunRow>& runs,
                     const std::function<void(RunRow&)>& estimate) {
  std::vector<std::map<std::string, RunRow>::iterator> order;
  std::unordered_map<uint32_t, std::vector<RunRow*>> by_parent;  // parent name id → its runs
  for (auto it = runs.begin(); it != runs.end(); ++it) {
    order.push_back(it);
    for (const auto& [p, n] : it->second.parents) by_parent[p].push_back(&it->second);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a->second.members.size() < b->second.members.size();
  });
  for (auto small : order) {
    RunRow& a = small->second;
    RunRow* into = nullptr;
    for (const auto& [parent, n] : a.parents) {
      for (RunRow* b : by_parent[parent]) {
        if (b == &a || b->instances == 0 || b->service != a.service ||
            b->members.size() <= a.members.size() || b->estimated <= a.estimated ||
            !std::includes(b->members.begin(), b->members.end(), a.members.begin(),
                           a.members.end())) {
          continue;
        }
        // The most frequent, then the first by fingerprint (runs is ordered).
        if (into == nullptr || b->estimated > into->estimated ||
            (b->estimated == into->estimated && b->fingerprint < into->fingerprint)) {
          into = b;
        }
      }
    }
    if (into == nullptr) continue;
    for (const auto& [p, n] : a.parents) into->parents[p] += n;
    into->instances += a.instances;
    estimate(*into);
    for (const auto& [t, sums] : a.traces) {
      TraceSums& mine = into->traces[t];
      mine.optimistic = SatAdd(mine.optimistic, sums.optimistic);
      mine.realistic = SatAdd(mine.realistic, sums.realistic);
      mine.critical = SatAdd(mine.critical, sums.critical);
      mine.total = SatAdd(mine.total, sums.total);
    }
    for (auto& [key, o] : a.orders) {
      OrderRow& mine = into->orders[key];
      if (mine.instances == 0) {
        mine = std::move(o);
        continue;
      }
      mine.instances += o.instances;
      for (size_t u = 0; u < o.counts.size(); ++u) {
        mine.counts[u].insert(mine.counts[u].end(), o.counts[u].begin(), o.counts[u].end());
      }
    }
    into->calls.insert(into->calls.end(), a.calls.begin(), a.calls.end());
    into->value_flow += a.value_flow;
    into->intervening += a.intervening;
    if (!a.value_flow_detail.empty() &&
        (into->value_flow_detail.empty() || a.value_flow_detail < into->value_flow_detail)) {
      into->value_flow_detail = a.value_flow_detail;
    }
    a.instances = 0;  // merged: dropped below
  }
  std::erase_if(runs, [](const auto& r) { return r.second.instances == 0; });
}

uint64_t PairKey(uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  return uint64_t{a} << 32 | b;
}

// What a finding of a run is built from.
struct RunContext {
  const DetectorConfig& config;
  const std::function<double(const RunState::ParentOp&)>& scale;  // RunState::Scale
  const std::vector<OpName>& names;
  const absl::flat_hash_map<std::string, uint32_t>& name_ids;
  const std::vector<RunState::TraceRow>& traces;
  size_t max_examples;
};

std::string NameKey(const OpName& n) { return n.service + '\x1f' + n.operation; }

// The confidence and reasons of `f` (its numbers, parents and shape filled
// in), from `run` and the pair statistics of its main parent operation.
void ExplainRun(const RunRow& run, const RunState::ParentOp& main, const RunContext& ctx,
                Finding& f) {
  // Order evidence, pair by pair of neighbouring members (as shown), over
  // every visit of the main parent where both ran one after the other.
  std::vector<std::pair<const OpName*, const OpName*>> varied, fixed;
  for (size_t k = 0; k + 1 < f.sequence.size(); ++k) {
    const uint32_t a = ctx.name_ids.at(NameKey(f.sequence[k]));
    const uint32_t b = ctx.name_ids.at(NameKey(f.sequence[k + 1]));
    auto it = main.pairs.find(PairKey(a, b));
    // Pair statistics count the smaller id first.
    uint64_t ab = it == main.pairs.end() ? 0 : it->second.first_before;
    uint64_t ba = it == main.pairs.end() ? 0 : it->second.second_before;
    if (a > b) std::swap(ab, ba);
    // The rarer order must be seen in at least 5% of the ordered visits:
    // a rare swap is more likely clock skew than independence.
    const uint64_t rare = std::min(ab, ba);
    const bool both = rare > 0 && rare * 20 >= ab + ba;
    (both ? varied : fixed).emplace_back(&f.sequence[k], &f.sequence[k + 1]);
  }
  const bool all_varied = fixed.empty() && !varied.empty();
  const bool flows = run.value_flow > 0 && run.value_flow * 10 >= run.instances;
  const bool intervenes = run.intervening > 0 && run.intervening * 2 >= run.instances;
  const DependencyHint* hint = FindHint(ctx.config, f.sequence);
  if (hint != nullptr) {
    f.confidence = hint->dependent ? Confidence::kLow : Confidence::kHigh;
  } else if (flows) {
    f.confidence = Confidence::kLow;
  } else if (all_varied) {
    f.confidence = intervenes ? Confidence::kMedium : Confidence::kHigh;
  } else {
    f.confidence = intervenes ? Confidence::kLow : Confidence::kMedium;
  }
  const std::string shape = DescribeRun(f.run);
  std::string where = "under " + Describe(f.parent);
  if (f.parents.size() > 1) {
    where += fmt::format(" (and {} other operation{} of {})", f.parents.size() - 1,
                         f.parents.size() == 2 ? "" : "s", f.parent.service);
  }
  f.reasons.push_back(fmt::format(
      "{} ran one after another {}; running them concurrently would save about {} per trace "
      "(p50).",
      shape, where, DurationText(f.realistic.p50_us)));
  if (hint != nullptr) {
    f.reasons.push_back(fmt::format("The config declares {} and {} {}{}.", hint->first,
                                    hint->second, hint->dependent ? "dependent" : "independent",
                                    hint->reason.empty() ? "" : ": " + hint->reason));
  }
  if (all_varied) {
    f.reasons.push_back(fmt::format(
        "Each pair of neighbouring members ran in both orders across the parent's visits: their "
        "order does not matter, strong evidence that they are independent ({} of the run, "
        "{} order{}).",
        Instances(f.instances), run.orders.size(), run.orders.size() == 1 ? "" : "s"));
  } else if (!varied.empty()) {
    std::string v, x;
    for (const auto& [a, b] : varied) {
      v += (v.empty() ? "" : "; ") + Describe(*a) + " and " + Describe(*b);
    }
    for (const auto& [a, b] : fixed) {
      x += (x.empty() ? "" : "; ") + Describe(*a) + " before " + Describe(*b);
    }
    f.reasons.push_back(fmt::format(
        "Ran in both orders (independent of each other): {}. Always in the same order: {}; "
        "timing alone cannot show whether the later one needs the earlier one's result.",
        v, x));
  } else {
    f.reasons.push_back(fmt::format(
        "The members always ran in the same order ({}); timing alone cannot show whether one "
        "needs the other's result.",
        Instances(f.instances)));
  }
  if (run.value_flow > 0) {
    f.reasons.push_back(fmt::format(
        "In {} of instances a value produced by or passed to an earlier member reappears in "
        "a later one ({}): evidence of dependence.",
        Percent(run.value_flow, run.instances), run.value_flow_detail));
  } else {
    f.reasons.push_back("No value of an earlier member reappears in a later member's attributes.");
  }
  if (run.intervening > 0) {
    f.reasons.push_back(fmt::format(
        "In {} of instances other work of the parent ran between the members: the later "
        "member may wait for it.",
        Percent(run.intervening, run.instances)));
  }
  if (f.parents.size() > 1) {
    std::string list;
    for (const OpName& p : f.parents) list += (list.empty() ? "" : ", ") + p.operation;
    f.reasons.push_back(fmt::format("The same run is issued by {} operations of {}: {}.",
                                    f.parents.size(), f.parent.service, list));
  }
}

// The finding of one run, or nullopt below the saving threshold.
std::optional<Finding> RunFinding(
    const std::string& fingerprint, const RunRow& run,
    const absl::flat_hash_map<uint32_t, RunState::ParentOp>& parent_ops, const RunContext& ctx) {
  static constexpr std::array<double, 1> kP50 = {50};
  Samples optimistic, realistic, optimistic_ppm, realistic_ppm;
  std::vector<int64_t> critical, total;
  int64_t optimistic_total = 0, realistic_total = 0;
  std::vector<std::pair<int64_t, std::string>> examples;
  for (const auto& [trace, sums] : run.traces) {
    const RunState::TraceRow& t = ctx.traces[trace];
    optimistic.Add(sums.optimistic);
    realistic.Add(sums.realistic);
    optimistic_ppm.Add(SharePpm(sums.optimistic, t.duration_us));
    realistic_ppm.Add(SharePpm(sums.realistic, t.duration_us));
    critical.push_back(sums.critical);
    total.push_back(sums.total);
    optimistic_total = SatAdd(optimistic_total, sums.optimistic);
    realistic_total = SatAdd(realistic_total, sums.realistic);
    examples.emplace_back(sums.realistic, t.id);
  }
  if (optimistic.Percentile(50) < ctx.config.sequential.min_saving_us) return std::nullopt;
  // Counts and totals of sampled parent operations are scaled up to all
  // their visits; the percentiles are the sampled traces'.
  const bool sampled = run.estimated != static_cast<double>(run.instances);
  const double factor = sampled ? run.estimated / static_cast<double>(run.instances) : 1;
  const auto scaled = [&](int64_t v) {
    return sampled ? SatFromDouble(std::round(static_cast<double>(v) * factor)) : v;
  };
  Finding f;
  f.kind = FindingKind::kSequential;
  f.fingerprint = fingerprint;
  f.optimistic = MakeSaving(optimistic, optimistic_ppm, scaled(optimistic_total));
  f.realistic = MakeSaving(realistic, realistic_ppm, scaled(realistic_total));
  f.instances = sampled ? static_cast<uint64_t>(std::llround(run.estimated)) : run.instances;
  f.traces = static_cast<uint64_t>(scaled(static_cast<int64_t>(run.traces.size())));
  f.critical_p50_us = Percentiles(critical, kP50)[0];
  f.member_p50_us = Percentiles(total, kP50)[0];
  f.calls_p50 = Percentiles(run.calls, kP50)[0];
  f.calls_max = *std::max_element(run.calls.begin(), run.calls.end());
  f.orders = run.orders.size();
  KeepExamples(&examples, ctx.max_examples);
  for (const auto& [saving, id] : examples) f.example_trace_ids.push_back(id);
  // Parents by (estimated) instances, then name.
  std::vector<std::pair<double, uint32_t>> parents;
  for (const auto& [p, n] : run.parents) {
    parents.emplace_back(static_cast<double>(n) * ctx.scale(parent_ops.at(p)), p);
  }
  std::sort(parents.begin(), parents.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : ctx.names[a.second] < ctx.names[b.second];
  });
  for (const auto& [n, p] : parents) f.parents.push_back(ctx.names[p]);
  f.parent = f.parents.front();
  // The most frequent shape (ties: smallest key) is the one shown.
  const OrderRow* shown = &run.orders.begin()->second;
  for (const auto& [key, o] : run.orders) {
    if (o.instances > shown->instances) shown = &o;
  }
  for (size_t u = 0; u < shown->shape.size(); ++u) {
    RunStep step;
    for (uint32_t n : shown->shape[u]) {
      step.ops.push_back(ctx.names[n]);
      if (std::find(f.sequence.begin(), f.sequence.end(), ctx.names[n]) == f.sequence.end()) {
        f.sequence.push_back(ctx.names[n]);
      }
    }
    std::vector<int64_t> counts = shown->counts[u];
    std::sort(counts.begin(), counts.end());
    step.count_min = counts.front();
    step.count_max = counts.back();
    step.count_p50 = PercentileOfSorted(counts, 50);
    f.run.push_back(std::move(step));
  }

  const RunState::ParentOp& main = parent_ops.at(parents.front().second);
  if (main.example) {
    // Its members are the run's (the kept chain may be longer).
    FindingExample& example = f.example.emplace(main.example->picture);
    example.parent = f.parent;
    for (ExampleSpan& s : example.children) {
      s.member = s.member && std::any_of(run.members.begin(), run.members.end(),
                                         [&](uint32_t m) { return ctx.names[m] == s.name; });
    }
    ExampleRetime(example);
    // The parent's largest chain was another run: no picture rather than a
    // picture without the run.
    if (std::none_of(example.children.begin(), example.children.end(),
                     [](const ExampleSpan& s) { return s.member; })) {
      f.example.reset();
    }
  }
  ExplainRun(run, main, ctx, f);
  if (sampled) {
    uint64_t visits = 0, kept = 0;
    for (const auto& [n, p] : parents) {
      const RunState::ParentOp& op = parent_ops.at(p);
      visits += op.visits;
      kept += ctx.scale(op) == 1 ? op.visits : op.sampled_visits;
    }
    f.reasons.push_back(fmt::format(
        "Estimated from the chains of a sample of whole traces ({} of the {} visits of the parent "
        "operation{}; --approx-quantiles): instances, traces and totals are scaled up, "
        "percentiles and shares are the sampled traces'.",
        kept, visits, parents.size() == 1 ? "" : "s"));
  }
  return f;
}

}  // namespace

template <class MakeName>
uint32_t RunState::NameId(std::string_view key, MakeName&& name) {
  // Debian's Abseil has its own string_view type.
  if (auto it = name_ids_.find(absl::string_view(key.data(), key.size())); it != name_ids_.end()) {
    return it->second;
  }
  name_ids_.emplace(key, static_cast<uint32_t>(names_.size()));
  names_.push_back(name());
  name_hashes_.push_back(Mix64(StableHash64(key)));
  return static_cast<uint32_t>(names_.size() - 1);
}

uint32_t RunState::InternName(const OpName& name) {
  return NameId(NameKey(name), [&] { return name; });
}

uint32_t RunState::DetailId(const std::string& detail) {
  auto [it, added] = detail_ids_.try_emplace(detail, static_cast<uint32_t>(details_.size()));
  if (added) details_.push_back(detail);
  return it->second;
}

std::unique_ptr<DetectorState> RunState::Clone() const { return std::make_unique<RunState>(*this); }

uint64_t RunState::ClassKey(std::span<const uint32_t> names) const {
  uint64_t key = 0;
  for (uint32_t n : names) key += name_hashes_[n];
  return key;
}

uint32_t RunState::ClassId(ParentOp& op, uint64_t key) {
  auto [it, added] = op.class_ids.try_emplace(key, static_cast<uint32_t>(op.class_visits.size()));
  if (added) op.class_visits.push_back(0);
  return it->second;
}

void RunState::AddPairStats(ParentOp& op, uint32_t first, uint32_t second,
                            const ParentOp::PairStats& stats) {
  ParentOp::PairStats& mine = op.pairs[PairKey(first, second)];
  const bool swapped = first > second;  // stored with the smaller id first
  mine.first_before += swapped ? stats.second_before : stats.first_before;
  mine.second_before += swapped ? stats.first_before : stats.second_before;
  mine.overlap += stats.overlap;
}

void RunState::OfferExample(ParentOp& op, ParentOp::Example candidate) {
  if (op.example && (candidate.optimistic_us < op.example->optimistic_us ||
                     (candidate.optimistic_us == op.example->optimistic_us &&
                      candidate.picture.trace_id >= op.example->picture.trace_id))) {
    return;
  }
  op.example = std::move(candidate);
}

void RunState::AppendChain(ParentOp& op, std::span<const ChainElement> elements,
                           const std::vector<uint32_t>& ids,
                           const std::vector<std::string>& details, ParentOp::Chain chain) {
  chain.begin = static_cast<uint32_t>(elements_.size());
  for (ChainElement e : elements) {
    e.name = ids[e.name];
    if (e.value_flow != ChainElement::kNoDetail) e.value_flow = DetailId(details[e.value_flow]);
    elements_.push_back(e);
  }
  chain.end = static_cast<uint32_t>(elements_.size());
  op.chains.push_back(chain);
}

void RunState::Add(const TraceRef& trace_ref, const Observation& seen) {
  const SequentialVisits& in = static_cast<const SequentialObservation&>(seen).visits;
  std::vector<uint32_t> ids;
  ids.reserve(in.names.size());
  for (const VisitName& n : in.names) {
    ids.push_back(NameId(in.KeyOf(n), [&] { return in.NameOf(n); }));
  }
  // The counters of every visit, and each visit's class.
  std::vector<uint32_t> classes(in.visits.size());
  std::vector<uint64_t> class_keys(in.visits.size());
  std::vector<uint32_t> names;  // a visit's class, in global ids
  std::vector<uint64_t> keys;   // its adjacent pairs, each once
  size_t next_example = 0;      // in.examples are in chain order
  for (size_t i = 0; i < in.visits.size(); ++i) {
    const Visit& v = in.visits[i];
    ParentOp& op = parent_ops_[ids[v.parent]];
    ++op.visits;
    names.clear();
    for (uint32_t n : in.NamesOf(v)) names.push_back(ids[n]);
    class_keys[i] = ClassKey(names);
    const uint32_t cls = ClassId(op, class_keys[i]);
    classes[i] = cls;
    ++op.class_visits[cls];
    for (uint32_t n : names) ++op.presence[n];
    for (const VisitPair& pair : in.PairsOf(v)) {
      AddPairStats(op, ids[pair.first], ids[pair.second],
                   pair.overlap ? ParentOp::PairStats{0, 0, 1} : ParentOp::PairStats{1, 0, 0});
    }
    keys.clear();
    for (const VisitChain& chain : in.ChainsOf(v)) {
      const std::span<const ChainElement> e = in.ElementsOf(chain);
      for (size_t k = 0; k + 1 < e.size(); ++k) {
        if (e[k].name != e[k + 1].name) keys.push_back(PairKey(ids[e[k].name], ids[e[k + 1].name]));
      }
      const auto chain_index = static_cast<uint32_t>(&chain - in.chains.data());
      for (; next_example < in.examples.size() && in.examples[next_example].chain == chain_index;
           ++next_example) {
        const VisitExample& ex = in.examples[next_example];
        OfferExample(op, {ex.optimistic_us, ex.picture});
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t key : keys) ++op.adjacent_by_class[{cls, key}];
  }
  const auto append = [&](ParentOp& op, size_t i, uint32_t trace) {
    for (const VisitChain& chain : in.ChainsOf(in.visits[i])) {
      AppendChain(op, in.ElementsOf(chain), ids, in.details,
                  {classes[i], trace, 0, 0, chain.retimed_saving_us});
    }
  };
  if (!options_.bounded) {
    traces_.push_back({trace_ref.id, trace_ref.duration_us});
    const auto trace = static_cast<uint32_t>(traces_.size() - 1);
    for (size_t i = 0; i < in.visits.size(); ++i)
      append(parent_ops_[ids[in.visits[i].parent]], i, trace);
    return;
  }
  // Bounded: per parent operation, the trace's visits join its sample or
  // not, all together.
  std::vector<std::pair<uint32_t, uint32_t>> by_parent;  // (parent id, visit index)
  for (size_t i = 0; i < in.visits.size(); ++i) {
    by_parent.emplace_back(ids[in.visits[i].parent], static_cast<uint32_t>(i));
  }
  std::sort(by_parent.begin(), by_parent.end());
  const uint64_t id_hash = TraceHash(trace_ref.id);
  uint32_t trace = UINT32_MAX;  // its row, once a sample takes it
  for (size_t i = 0; i < by_parent.size();) {
    size_t j = i;
    while (j < by_parent.size() && by_parent[j].first == by_parent[i].first) ++j;
    ParentOp& op = parent_ops_[by_parent[i].first];
    uint64_t content = kStableHashSeed;
    for (size_t k = i; k < j; ++k) {
      const uint32_t v = by_parent[k].second;
      for (const VisitChain& chain : in.ChainsOf(in.visits[v])) {
        content = ChainHash(content, class_keys[v], chain.retimed_saving_us, in.ElementsOf(chain),
                            in.details, ids);
      }
    }
    ParentOp::SampleKey key(id_hash, trace_ref.id, trace_ref.duration_us, content);
    const uint64_t visits = j - i;
    if (JoinsSample(op, key, visits)) {
      if (trace == UINT32_MAX) {
        traces_.push_back({trace_ref.id, trace_ref.duration_us});
        trace = static_cast<uint32_t>(traces_.size() - 1);
      }
      for (size_t k = i; k < j; ++k) append(op, by_parent[k].second, trace);
      op.sample.emplace(std::move(key), ParentOp::Sampled{trace, visits});
      op.sampled_visits += visits;
      Trim(op, options_.sampled_visits);
    }
    i = j;
  }
  MaybeCompact();
}

std::vector<uint32_t> RunState::ParentIds() const {
  std::vector<uint32_t> ids;
  ids.reserve(parent_ops_.size());
  for (const auto& [parent, op] : parent_ops_) ids.push_back(parent);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void RunState::Merge(const DetectorState& other_state) {
  const auto& other = static_cast<const RunState&>(other_state);
  // Other's name, class, detail and trace indices renumbered.
  std::vector<uint32_t> ids;
  for (const OpName& n : other.names_) {
    ids.push_back(InternName(n));
  }
  std::vector<uint32_t> trace_ids(other.traces_.size(), UINT32_MAX);
  const auto trace_id = [&](uint32_t t) {
    if (trace_ids[t] == UINT32_MAX) {
      trace_ids[t] = static_cast<uint32_t>(traces_.size());
      traces_.push_back(other.traces_[t]);
    }
    return trace_ids[t];
  };
  // Other's parent operations in id order and their classes in index order:
  // traces, elements, details and classes are then appended in an order fixed
  // by the two states, so a merged state saves to the same bytes every run.
  for (const uint32_t parent : other.ParentIds()) {
    const ParentOp& o = other.parent_ops_.at(parent);
    ParentOp& op = parent_ops_[ids[parent]];
    op.visits += o.visits;
    const std::vector<uint64_t> class_keys = o.ClassKeys();
    std::vector<uint32_t> class_map(o.class_visits.size());
    for (size_t index = 0; index < class_keys.size(); ++index) {
      class_map[index] = ClassId(op, class_keys[index]);
      op.class_visits[class_map[index]] += o.class_visits[index];
    }
    for (const auto& [name, n] : o.presence) op.presence[ids[name]] += n;
    for (const auto& [key, st] : o.pairs) {
      AddPairStats(op, ids[key >> 32], ids[key & 0xffffffffu], st);
    }
    for (const auto& [key, n] : o.adjacent_by_class) {
      op.adjacent_by_class[{class_map[key.first],
                            PairKey(ids[key.second >> 32], ids[key.second & 0xffffffffu])}] += n;
    }
    if (o.example) OfferExample(op, *o.example);
    // Bounded: the traces of other's sample that join this one's.
    std::vector<bool> joins(other.traces_.size(), !options_.bounded);
    for (const auto& [key, sampled] : o.sample) {
      if (!JoinsSample(op, key, sampled.visits)) continue;
      joins[sampled.trace] = true;
      op.sample.emplace(key, ParentOp::Sampled{trace_id(sampled.trace), sampled.visits});
      op.sampled_visits += sampled.visits;
    }
    for (const ParentOp::Chain& c : o.chains) {
      if (!joins[c.trace]) continue;
      AppendChain(op, {other.elements_.data() + c.begin, other.elements_.data() + c.end}, ids,
                  other.details_, {class_map[c.cls], trace_id(c.trace), 0, 0, c.retimed_saving_us});
    }
    if (options_.bounded) Trim(op, options_.sampled_visits);
  }
  MaybeCompact();
}

void RunState::Build(const DetectorConfig& config, std::vector<Finding>* out) const {
  const auto name_key = [&](uint32_t id) { return NameKey(names_[id]); };
  std::map<std::string, RunRow> runs;  // by fingerprint
  // Parent operations in id order (runs do not depend on it; the order is
  // fixed all the same).
  for (const uint32_t parent : ParentIds()) {
    const ParentOp& op = parent_ops_.at(parent);
    const auto count = [](const auto& counts, auto key) {
      auto it = counts.find(key);
      return it == counts.end() ? uint64_t{0} : it->second;
    };
    // Visits that had both names, bounded by the rarer name's visits (an
    // upper bound: exact counts would need every pair of every visit).
    const auto together = [&](uint32_t a, uint32_t b) {
      return std::min(count(op.presence, a), count(op.presence, b));
    };
    // Whether two neighbouring chain elements belong to one run: not already
    // concurrent (overlapping in most visits where both ran, whatever the
    // other visits say), and adjacent in a chain in at least kRecurrence of
    // the visits of their class (or, in a class of fewer than
    // kMinClassVisits, of every visit that had both).
    absl::flat_hash_map<uint64_t, uint64_t> adjacent;  // over every visit, by pair key
    for (const auto& [key, n] : op.adjacent_by_class) adjacent[key.second] += n;
    const auto linked = [&](uint32_t a, uint32_t b, uint32_t cls) {
      if (a == b) return true;
      const uint64_t key = PairKey(a, b);
      if (auto it = op.pairs.find(key); it != op.pairs.end()) {
        const ParentOp::PairStats& st = it->second;
        if (st.overlap * 2 > st.overlap + st.first_before + st.second_before) return false;
      }
      const uint64_t class_visits = op.class_visits[cls];
      if (class_visits >= kMinClassVisits) {
        return static_cast<double>(count(op.adjacent_by_class, std::pair(cls, key))) >=
               kRecurrence * static_cast<double>(class_visits);
      }
      return static_cast<double>(count(adjacent, key)) >=
             kRecurrence * static_cast<double>(together(a, b));
    };

    std::vector<uint32_t> members;
    for (const ParentOp::Chain& c : op.chains) {
      const ChainElement* e = elements_.data() + c.begin;
      const size_t n = c.end - c.begin;
      for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && linked(e[j].name, e[j + 1].name, c.cls)) ++j;
        const Window w{i, j};
        i = j + 1;
        members.clear();
        for (size_t k = w.i; k <= w.j; ++k) members.push_back(e[k].name);
        std::sort(members.begin(), members.end());
        members.erase(std::unique(members.begin(), members.end()), members.end());
        if (members.size() < 2) continue;
        std::vector<OpName> member_names;
        member_names.reserve(members.size());
        for (uint32_t m : members) member_names.push_back(names_[m]);
        const std::string fingerprint = RunFingerprint(names_[parent].service, member_names);
        RunRow& run = runs[fingerprint];
        run.fingerprint = fingerprint;
        run.service = names_[parent].service;
        run.members = members;
        ++run.parents[parent];
        ++run.instances;
        int64_t total = 0, longest = 0, critical = 0, longest_critical = 0, calls = 0;
        bool flows = false, intervenes = false;
        for (size_t k = w.i; k <= w.j; ++k) {
          total = SatAdd(total, e[k].extent_us);
          longest = std::max(longest, e[k].extent_us);
          critical = SatAdd(critical, e[k].critical_us);
          longest_critical = std::max(longest_critical, e[k].critical_us);
          calls += e[k].calls;
          if (k == w.i) continue;  // its evidence concerns the element before the run
          if (e[k].value_flow != ChainElement::kNoDetail) {
            flows = true;
            const std::string& d = details_[e[k].value_flow];
            if (run.value_flow_detail.empty() || d < run.value_flow_detail) {
              run.value_flow_detail = d;
            }
          }
          intervenes |= e[k].intervening;
        }
        run.value_flow += flows;
        run.intervening += intervenes;
        run.calls.push_back(calls);
        // Realistic: what leaves the critical path, bounded by what
        // re-timing the whole chain gains (a stretch of it cannot gain more).
        const int64_t optimistic = total - longest;
        int64_t realistic = std::clamp<int64_t>(critical - longest_critical, 0, optimistic);
        if (c.retimed_saving_us != VisitChain::kNotRetimed) {
          realistic = std::min(realistic, c.retimed_saving_us);
        }
        TraceSums& sums = run.traces[c.trace];
        sums.optimistic = SatAdd(sums.optimistic, optimistic);
        sums.realistic = SatAdd(sums.realistic, realistic);
        sums.critical = SatAdd(sums.critical, critical);
        sums.total = SatAdd(sums.total, total);
        const std::vector<Unit> units = Units(e + w.i, w.j - w.i + 1);
        std::string key;
        for (const Unit& u : units) {
          key += u.names.size() > 1 ? "(" : "";
          for (uint32_t n : u.names) key += name_key(n) + '\x1e';
          key += u.names.size() > 1 ? ")" : "";
        }
        OrderRow& order = run.orders[key];
        if (order.instances++ == 0) {
          for (const Unit& u : units) order.shape.push_back(u.names);
          order.counts.resize(units.size());
        }
        for (size_t u = 0; u < units.size(); ++u) order.counts[u].push_back(units[u].count);
      }
    }
  }

  const auto estimate = [&](RunRow& run) {
    std::vector<std::pair<const OpName*, double>> terms;
    for (const auto& [p, n] : run.parents) {
      terms.emplace_back(&names_[p], static_cast<double>(n) * Scale(parent_ops_.at(p)));
    }
    std::sort(terms.begin(), terms.end(),
              [](const auto& a, const auto& b) { return *a.first < *b.first; });
    run.estimated = 0;
    for (const auto& [name, v] : terms) run.estimated += v;
  };
  for (auto& [fingerprint, run] : runs) estimate(run);
  MergeSubsetRuns(runs, estimate);

  const std::function<double(const ParentOp&)> scale = [&](const ParentOp& op) {
    return Scale(op);
  };
  const RunContext ctx{config, scale, names_, name_ids_, traces_, options_.max_examples};
  for (const auto& [fingerprint, run] : runs) {
    if (std::optional<Finding> f = RunFinding(fingerprint, run, parent_ops_, ctx)) {
      out->push_back(std::move(*f));
    }
  }
}

}  // namespace trace_analyze::analyzer
