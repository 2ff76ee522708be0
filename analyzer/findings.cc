// FindBottlenecks() and the aggregation of instances into findings.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>

#include "analyzer/detectors.h"
#include "analyzer/finders_internal.h"
#include "analyzer/saturating.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace internal {

constexpr double kPpm = 1e6;

int64_t SharePpm(int64_t us, int64_t trace_us) {
  return trace_us > 0
             ? SatFromDouble(static_cast<double>(us) * kPpm / static_cast<double>(trace_us))
             : 0;
}

Saving MakeSaving(const std::vector<int64_t>& per_trace, const std::vector<int64_t>& share_ppm,
                  int64_t total) {
  static constexpr std::array<double, 2> kPs = {50, 95};
  const std::vector<int64_t> us = Percentiles(per_trace, kPs);
  const std::vector<int64_t> share = Percentiles(share_ppm, kPs);
  return {us[0], us[1], static_cast<double>(share[0]) / kPpm, static_cast<double>(share[1]) / kPpm,
          total};
}

// One field of every row, for Percentiles.
template <class Row>
std::vector<int64_t> Column(const std::vector<Row>& rows, int64_t Row::*field) {
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(r.*field);
  return out;
}

std::string Percent(uint64_t part, uint64_t whole) {
  return fmt::format("{:.0f}%",
                     whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
}

std::string Instances(uint64_t n) { return fmt::format("{} instance{}", n, n == 1 ? "" : "s"); }

std::string Describe(const OpName& o) { return o.service + " " + o.operation; }

std::string FormatUs(int64_t us) {
  return us < 10'000 ? fmt::format("{} µs", us)
                     : fmt::format("{:.1f} ms", static_cast<double>(us) / 1e3);
}

Confidence LowerConfidence(Confidence c) {
  return c == Confidence::kHigh ? Confidence::kMedium : Confidence::kLow;
}

// Whether the hint names this operation ("service:operation" or "operation").
bool HintMatches(const std::string& name, const OpName& op) {
  return name == op.operation || name == op.service + ":" + op.operation;
}

const DependencyHint* FindHint(const DetectorConfig& config, const std::vector<OpName>& seq) {
  for (const DependencyHint& h : config.dependencies) {
    for (size_t i = 0; i < seq.size(); ++i) {
      for (size_t j = 0; j < seq.size(); ++j) {
        if (i != j && HintMatches(h.first, seq[i]) && HintMatches(h.second, seq[j])) return &h;
      }
    }
  }
  return nullptr;
}

}  // namespace internal
namespace {
using namespace internal;  // NOLINT: the shared helpers declared in finders_internal.h

// libstdc++'s std::regex matches recursively, one level per character or
// so: a 100 KiB operation name from a hostile trace overflows the stack with
// a plain ".*". Longer names never match a regex rule (a fingerprint rule
// still suppresses their findings).
constexpr size_t kMaxRegexSubjectBytes = 512;

bool FullMatch(const std::string& pattern, const std::string& text) {
  if (text.size() > kMaxRegexSubjectBytes) return false;
  try {
    return std::regex_match(text, std::regex(pattern));
  } catch (const std::regex_error&) {
    return false;  // validated when the config is loaded
  }
}

// The first ignore rule matching the pattern (its fingerprint, or any of its
// operations or its parent by name), or nullptr.
const IgnoreRule* FindIgnoreRule(const DetectorConfig& config, const std::string& fingerprint,
                                 const std::vector<OpName>& parents,
                                 const std::vector<OpName>& sequence) {
  for (const IgnoreRule& rule : config.ignore) {
    if (!rule.fingerprint.empty()) {
      if (rule.fingerprint == fingerprint) return &rule;
      continue;
    }
    if (rule.service_regex.empty() && rule.operation_regex.empty()) continue;
    std::vector<OpName> ops = sequence;
    ops.insert(ops.end(), parents.begin(), parents.end());
    for (const OpName& op : ops) {
      if ((rule.service_regex.empty() || FullMatch(rule.service_regex, op.service)) &&
          (rule.operation_regex.empty() || FullMatch(rule.operation_regex, op.operation))) {
        return &rule;
      }
    }
  }
  return nullptr;
}

}  // namespace

std::string DescribeRun(const std::vector<RunStep>& run,
                        const std::function<std::string(const OpName&)>& op,
                        const std::string& arrow) {
  std::string out;
  for (const RunStep& step : run) {
    std::string text;
    for (const OpName& o : step.ops)
      text += (text.empty() ? "" : arrow) + (op ? op(o) : Describe(o));
    if (step.ops.size() > 1) text = "(" + text + ")";
    if (step.count_max > 1 || step.ops.size() > 1) {
      text += step.count_min == step.count_max
                  ? fmt::format(" ×{}", step.count_max)
                  : fmt::format(" ×{}–{} (p50 {})", step.count_min, step.count_max, step.count_p50);
    }
    out += (out.empty() ? "" : arrow) + text;
  }
  return out;
}

const char* FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kSequential:
      return "sequential";
    case FindingKind::kNPlusOne:
      return "n_plus_one";
    case FindingKind::kRepeatedCall:
      return "repeated_call";
  }
  return "";
}

const char* ConfidenceName(Confidence confidence) {
  switch (confidence) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "";
}

TraceFindings FindBottlenecks(const Trace& trace, const CriticalPath& path,
                              const DetectorConfig& config, const CpOptions& cp) {
  TraceFindings out;
  if (trace.spans.empty()) return out;
  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  std::vector<internal::Call> calls;
  calls.reserve(trace.spans.size());
  for (const Span& span : trace.spans) calls.push_back(internal::CallOf(trace, span));
  const internal::FinderContext ctx{trace, path, critical, calls, config, cp};
  if (config.n_plus_one.enabled) internal::FindNPlusOne(ctx, &out.calls);
  if (config.repeated.enabled) internal::FindRepeatedCalls(ctx, &out.calls);
  if (config.sequential.enabled) internal::FindSequential(ctx, &out.sequential);
  return out;
}

uint32_t FindingsCollector::NameId(const OpName& name) {
  std::string key = name.service + '\x1f' + name.operation;
  auto [it, added] = name_ids_.try_emplace(std::move(key), static_cast<uint32_t>(names_.size()));
  if (added) names_.push_back(name);
  return it->second;
}

uint32_t FindingsCollector::DetailId(const std::string& detail) {
  auto [it, added] = detail_ids_.try_emplace(detail, static_cast<uint32_t>(details_.size()));
  if (added) details_.push_back(detail);
  return it->second;
}

namespace {

uint64_t PairKey(uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  return uint64_t{a} << 32 | b;
}

}  // namespace

void FindingsCollector::AddVisits(uint32_t trace, const SequentialVisits& in) {
  std::vector<uint32_t> ids;
  ids.reserve(in.names.size());
  for (const OpName& n : in.names) ids.push_back(NameId(n));
  std::vector<uint64_t> adjacent;
  for (const Visit& v : in.visits) {
    ParentOp& op = parent_ops_[ids[v.parent]];
    ++op.visits;
    std::vector<uint32_t> names;
    names.reserve(v.names.size());
    for (uint32_t n : v.names) names.push_back(ids[n]);
    std::sort(names.begin(), names.end());
    const auto [it, added] =
        op.class_ids.try_emplace(std::move(names), static_cast<uint32_t>(op.classes.size()));
    if (added) op.classes.emplace_back();
    const uint32_t cls = it->second;
    ParentOp::Class& row = op.classes[cls];
    ++row.visits;
    for (const VisitPair& pair : v.pairs) {
      uint32_t a = ids[pair.first], b = ids[pair.second];
      PairOrder order = pair.order;
      if (a > b) {
        std::swap(a, b);
        if (order != PairOrder::kOverlap) {
          order =
              order == PairOrder::kFirstBefore ? PairOrder::kSecondBefore : PairOrder::kFirstBefore;
        }
      }
      ParentOp::PairStats& st = op.pairs[PairKey(a, b)];
      switch (order) {
        case PairOrder::kFirstBefore:
          ++st.first_before;
          break;
        case PairOrder::kSecondBefore:
          ++st.second_before;
          break;
        case PairOrder::kOverlap:
          ++st.overlap;
          break;
      }
    }
    // Names adjacent in one of the visit's chains, each pair once.
    adjacent.clear();
    for (const std::vector<ChainElement>& chain : v.chains) {
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        const uint32_t a = ids[chain[k].name], b = ids[chain[k + 1].name];
        if (a != b) adjacent.push_back(PairKey(a, b));
      }
    }
    std::sort(adjacent.begin(), adjacent.end());
    adjacent.erase(std::unique(adjacent.begin(), adjacent.end()), adjacent.end());
    for (uint64_t key : adjacent) {
      ++row.adjacent[key];
      ++op.adjacent[key];
    }
    for (const std::vector<ChainElement>& chain : v.chains) {
      const auto begin = static_cast<uint32_t>(elements_.size());
      for (ChainElement e : chain) {
        e.name = ids[e.name];
        if (e.value_flow != ChainElement::kNoDetail) {
          e.value_flow = DetailId(in.details[e.value_flow]);
        }
        elements_.push_back(e);
      }
      op.chains.push_back({cls, trace, begin, static_cast<uint32_t>(elements_.size())});
    }
  }
}

void FindingsCollector::Add(const std::string& trace_id, int64_t trace_duration_us,
                            const TraceFindings& found) {
  if (!found.sequential.visits.empty()) {
    traces_.push_back({trace_id, trace_duration_us});
    AddVisits(static_cast<uint32_t>(traces_.size() - 1), found.sequential);
  }
  const std::vector<FindingInstance>& instances = found.calls;
  // Instances of one pattern in one trace add up to that trace's saving.
  struct TraceSaving {
    Pattern* pattern;
    int64_t optimistic, realistic, critical;
  };
  std::vector<TraceSaving> per_trace;
  for (const FindingInstance& f : instances) {
    Pattern& p = patterns_[f.fingerprint];
    p.kind = f.kind;
    p.parent = f.parent;
    auto& order = p.orders[f.order_key];
    if (order.second == 0) order.first = f.sequence;
    ++order.second;
    ++p.instances;
    p.optimistic_total = SatAdd(p.optimistic_total, f.optimistic_us);
    p.realistic_total = SatAdd(p.realistic_total, f.realistic_us);
    if (f.value_flow) {
      ++p.value_flow;
      if (p.value_flow_detail.empty() || f.value_flow_detail < p.value_flow_detail) {
        p.value_flow_detail = f.value_flow_detail;
      }
    }
    if (f.intervening_work) ++p.intervening;
    if (f.kind == FindingKind::kRepeatedCall && !f.read_only) ++p.writes;
    if (f.no_parameters) ++p.no_parameters;
    p.instance_rows.push_back({f.calls, f.union_us, f.total_us});
    if (!f.example_key.empty() && (p.example_key.empty() || f.example_key < p.example_key)) {
      p.example_key = f.example_key;
    }
    auto it = std::find_if(per_trace.begin(), per_trace.end(),
                           [&](const TraceSaving& t) { return t.pattern == &p; });
    if (it == per_trace.end()) it = per_trace.insert(per_trace.end(), {&p, 0, 0, 0});
    it->optimistic = SatAdd(it->optimistic, f.optimistic_us);
    it->realistic = SatAdd(it->realistic, f.realistic_us);
    it->critical = SatAdd(it->critical, f.critical_us);
  }
  for (const TraceSaving& saving : per_trace) {
    Pattern& p = *saving.pattern;
    p.trace_rows.push_back({saving.optimistic, saving.realistic,
                            SharePpm(saving.optimistic, trace_duration_us),
                            SharePpm(saving.realistic, trace_duration_us), saving.critical});
    p.examples.emplace_back(saving.realistic, trace_id);
    std::sort(p.examples.begin(), p.examples.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (p.examples.size() > max_examples_) p.examples.resize(max_examples_);
  }
}

void FindingsCollector::Merge(const FindingsCollector& other) {
  // Sequential visits: other's name, class, detail and trace indices renumbered.
  std::vector<uint32_t> ids;
  for (const OpName& n : other.names_) ids.push_back(NameId(n));
  const auto remap = [&](uint64_t key) { return PairKey(ids[key >> 32], ids[key & 0xffffffffu]); };
  const auto trace_base = static_cast<uint32_t>(traces_.size());
  traces_.insert(traces_.end(), other.traces_.begin(), other.traces_.end());
  for (const auto& [parent, o] : other.parent_ops_) {
    ParentOp& op = parent_ops_[ids[parent]];
    op.visits += o.visits;
    std::vector<uint32_t> class_map(o.classes.size());
    for (const auto& [names, index] : o.class_ids) {
      std::vector<uint32_t> mine;
      for (uint32_t n : names) mine.push_back(ids[n]);
      std::sort(mine.begin(), mine.end());
      const auto [it, added] =
          op.class_ids.try_emplace(std::move(mine), static_cast<uint32_t>(op.classes.size()));
      if (added) op.classes.emplace_back();
      class_map[index] = it->second;
      ParentOp::Class& row = op.classes[it->second];
      row.visits += o.classes[index].visits;
      for (const auto& [key, n] : o.classes[index].adjacent) row.adjacent[remap(key)] += n;
    }
    for (const auto& [key, n] : o.adjacent) op.adjacent[remap(key)] += n;
    for (const auto& [key, st] : o.pairs) {
      const uint32_t a = ids[key >> 32], b = ids[key & 0xffffffffu];
      const bool swapped = a > b;
      ParentOp::PairStats& mine = op.pairs[PairKey(a, b)];
      mine.first_before += swapped ? st.second_before : st.first_before;
      mine.second_before += swapped ? st.first_before : st.second_before;
      mine.overlap += st.overlap;
    }
    for (const ParentOp::Chain& c : o.chains) {
      const auto begin = static_cast<uint32_t>(elements_.size());
      for (uint32_t k = c.begin; k < c.end; ++k) {
        ChainElement e = other.elements_[k];
        e.name = ids[e.name];
        if (e.value_flow != ChainElement::kNoDetail) {
          e.value_flow = DetailId(other.details_[e.value_flow]);
        }
        elements_.push_back(e);
      }
      op.chains.push_back(
          {class_map[c.cls], trace_base + c.trace, begin, static_cast<uint32_t>(elements_.size())});
    }
  }
  for (const auto& [fingerprint, o] : other.patterns_) {
    Pattern& p = patterns_[fingerprint];
    p.kind = o.kind;
    p.parent = o.parent;
    for (const auto& [key, order] : o.orders) {
      auto& mine = p.orders[key];
      if (mine.second == 0) mine.first = order.first;
      mine.second += order.second;
    }
    p.instances += o.instances;
    p.trace_rows.insert(p.trace_rows.end(), o.trace_rows.begin(), o.trace_rows.end());
    p.instance_rows.insert(p.instance_rows.end(), o.instance_rows.begin(), o.instance_rows.end());
    p.optimistic_total = SatAdd(p.optimistic_total, o.optimistic_total);
    p.realistic_total = SatAdd(p.realistic_total, o.realistic_total);
    p.value_flow += o.value_flow;
    if (!o.value_flow_detail.empty() &&
        (p.value_flow_detail.empty() || o.value_flow_detail < p.value_flow_detail)) {
      p.value_flow_detail = o.value_flow_detail;
    }
    p.intervening += o.intervening;
    p.writes += o.writes;
    p.no_parameters += o.no_parameters;
    if (!o.example_key.empty() && (p.example_key.empty() || o.example_key < p.example_key)) {
      p.example_key = o.example_key;
    }
    p.examples.insert(p.examples.end(), o.examples.begin(), o.examples.end());
    std::sort(p.examples.begin(), p.examples.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (p.examples.size() > max_examples_) p.examples.resize(max_examples_);
  }
}

std::vector<Finding> FindingsCollector::Build(const DetectorConfig& config, size_t limit) const {
  using TraceRow = Pattern::TraceRow;
  using InstanceRow = Pattern::InstanceRow;
  // First what ranks and filters findings (savings, thresholds, ignore rules),
  // then the evidence and sentences for the ones kept: inputs can hold tens of
  // thousands of patterns, of which a report shows a few.
  static constexpr std::array<double, 1> kP50 = {50};
  struct Ranked {
    const std::string* fingerprint;
    const Pattern* pattern;     // an n+1 or repeated-call pattern, or
    const Finding* run;         // a sequential run, already built
    const IgnoreRule* ignored;  // suppressed by this rule
    int64_t realistic_total, optimistic_total;
  };
  const std::vector<Finding> runs = BuildRuns(config);
  std::vector<Ranked> ranked;
  for (const Finding& f : runs) {
    ranked.push_back({&f.fingerprint, nullptr, &f,
                      FindIgnoreRule(config, f.fingerprint, f.parents, f.sequence),
                      f.realistic.total_us, f.optimistic.total_us});
  }
  for (const auto& [fingerprint, p] : patterns_) {
    const std::vector<OpName>& sequence = p.orders.begin()->second.first;
    ranked.push_back({&fingerprint, &p, nullptr,
                      FindIgnoreRule(config, fingerprint, {p.parent}, sequence), p.realistic_total,
                      p.optimistic_total});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if ((a.ignored == nullptr) != (b.ignored == nullptr)) return a.ignored == nullptr;
    if (a.realistic_total != b.realistic_total) return a.realistic_total > b.realistic_total;
    if (a.optimistic_total != b.optimistic_total) return a.optimistic_total > b.optimistic_total;
    return *a.fingerprint < *b.fingerprint;
  });
  if (limit > 0 && ranked.size() > limit) ranked.resize(limit);

  std::vector<Finding> findings;
  findings.reserve(ranked.size());
  for (const Ranked& r : ranked) {
    const auto suppress = [&](Finding& f) {
      if (r.ignored == nullptr) return;
      f.suppressed = true;
      f.suppressed_reason = r.ignored->reason.empty() ? "ignored by the config" : r.ignored->reason;
    };
    if (r.run != nullptr) {
      findings.push_back(*r.run);
      suppress(findings.back());
      continue;
    }
    const Pattern& p = *r.pattern;
    Finding f;
    f.kind = p.kind;
    f.fingerprint = *r.fingerprint;
    f.parent = p.parent;
    f.sequence = p.orders.begin()->second.first;
    suppress(f);
    f.optimistic =
        MakeSaving(Column(p.trace_rows, &TraceRow::optimistic),
                   Column(p.trace_rows, &TraceRow::optimistic_share_ppm), p.optimistic_total);
    f.realistic =
        MakeSaving(Column(p.trace_rows, &TraceRow::realistic),
                   Column(p.trace_rows, &TraceRow::realistic_share_ppm), p.realistic_total);
    f.instances = p.instances;
    f.traces = p.trace_rows.size();
    for (const auto& [saving, id] : p.examples) f.example_trace_ids.push_back(id);
    f.orders = p.orders.size();
    const std::vector<int64_t> calls = Column(p.instance_rows, &InstanceRow::calls);
    f.calls_p50 = Percentiles(calls, kP50)[0];
    f.calls_max = calls.empty() ? 0 : *std::max_element(calls.begin(), calls.end());
    f.example_key = p.example_key;
    f.critical_p50_us = Percentiles(Column(p.trace_rows, &TraceRow::critical), kP50)[0];

    switch (p.kind) {
      case FindingKind::kSequential:
        break;  // runs are built by BuildRuns
      case FindingKind::kNPlusOne: {
        const int64_t union_p50 =
            Percentiles(Column(p.instance_rows, &InstanceRow::union_us), kP50)[0];
        const int64_t total_p50 =
            Percentiles(Column(p.instance_rows, &InstanceRow::total_us), kP50)[0];
        const bool sequential_loop = union_p50 * 10 >= total_p50 * 8;
        // Without recorded parameters the loop may repeat one identical call
        // (then a cache fits better than a batch): one step less sure.
        const bool no_parameters = p.no_parameters * 2 > p.instances;
        f.confidence = sequential_loop ? Confidence::kHigh : Confidence::kMedium;
        if (no_parameters) f.confidence = LowerConfidence(f.confidence);
        f.reasons.push_back(fmt::format(
            "{} calls {} {} times per instance (p50; max {}){}: batch them into one call.",
            Describe(f.parent), Describe(f.sequence.front()), f.calls_p50, f.calls_max,
            no_parameters ? "" : " with different parameters"));
        f.reasons.push_back(
            sequential_loop
                ? fmt::format("The calls ran one after another (union {} µs of {} µs total, p50).",
                              union_p50, total_p50)
                : fmt::format("The calls already overlap (union {} µs of {} µs total, p50); "
                              "batching saves per-call overhead.",
                              union_p50, total_p50));
        if (no_parameters) {
          f.reasons.push_back(
              "The calls record no parameters (no statement or URL), so whether they ask for "
              "different items cannot be seen; confidence lowered one step.");
        }
        break;
      }
      case FindingKind::kRepeatedCall: {
        f.confidence = p.writes == 0 ? Confidence::kHigh : Confidence::kMedium;
        f.reasons.push_back(fmt::format(
            "{} was called {} times per trace (p50; max {}) with identical parameters: cache "
            "the result or reuse it.",
            Describe(f.sequence.front()), f.calls_p50, f.calls_max));
        if (p.writes > 0) {
          f.reasons.push_back(
              "The call may write (not GET/HEAD/SELECT): check that repeating "
              "it is not intended before caching.");
        }
        break;
      }
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace trace_analyze::analyzer
