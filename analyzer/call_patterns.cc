#include "analyzer/call_patterns.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "analyzer/parameterize.h"
#include "analyzer/saturating.h"
#include "analyzer/state_io.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

using internal::KeepExamples;
using internal::MakeSaving;
using internal::OfferExample;
using internal::SharePpm;

// Keeps `candidate` (an instance saving `saving` µs) as p's example when it
// beats the one kept: more saving, then the smaller trace id.
void OfferPicture(CallPattern& p, const FindingExample& candidate, int64_t saving) {
  if (p.example && (saving < p.example_saving_us ||
                    (saving == p.example_saving_us && candidate.trace_id >= p.example->trace_id))) {
    return;
  }
  p.example = candidate;
  p.example_saving_us = saving;
}

// A pattern's fingerprint may cover instances under different parents
// (repeated calls) or of differently named operations with one call
// template (N+1): the pattern shows the smallest (parent, call) names seen,
// whatever order traces and shards come in.
void KeepNames(CallPattern& p, const OpName& parent, const OpName& call) {
  if (p.instances == 0 || std::tie(parent, call) < std::tie(p.parent, p.call)) {
    p.parent = parent;
    p.call = call;
  }
}

// The pattern's Samples (const when `p` is), in the order they are saved.
template <class P>
auto Columns(P& p) {
  return std::array{&p.optimistic,
                    &p.realistic,
                    &p.optimistic_share_ppm,
                    &p.realistic_share_ppm,
                    &p.critical,
                    &p.calls,
                    &p.union_us,
                    &p.total_us};
}

class CallPatternState : public DetectorState {
 public:
  CallPatternState(const CallPatternDetector& detector, const StateOptions& options)
      : detector_(detector), max_examples_(options.max_examples), sketched_(options.bounded) {}

  std::unique_ptr<DetectorState> Clone() const override {
    return std::make_unique<CallPatternState>(*this);
  }

  void Add(const TraceRef& trace, const Observation& seen) override {
    // Instances of one pattern in one trace add up to that trace's saving.
    struct TraceSaving {
      CallPattern* pattern;
      int64_t optimistic, realistic, critical;
    };
    std::vector<TraceSaving> per_trace;
    for (const FindingInstance& f : static_cast<const InstanceObservation&>(seen).instances) {
      CallPattern& p = Pattern(f.fingerprint);
      KeepNames(p, f.parent, f.call);
      ++p.instances;
      p.optimistic_total = SatAdd(p.optimistic_total, f.optimistic_us);
      p.realistic_total = SatAdd(p.realistic_total, f.realistic_us);
      if (!f.read_only) ++p.writes;
      if (f.no_parameters) ++p.no_parameters;
      p.calls.Add(f.calls);
      p.union_us.Add(f.union_us);
      p.total_us.Add(f.total_us);
      if (!f.example_key.empty() && (p.example_key.empty() || f.example_key < p.example_key)) {
        p.example_key = f.example_key;
      }
      if (f.example) OfferPicture(p, *f.example, f.realistic_us);
      auto it = std::find_if(per_trace.begin(), per_trace.end(),
                             [&](const TraceSaving& t) { return t.pattern == &p; });
      if (it == per_trace.end()) it = per_trace.insert(per_trace.end(), {&p, 0, 0, 0});
      it->optimistic = SatAdd(it->optimistic, f.optimistic_us);
      it->realistic = SatAdd(it->realistic, f.realistic_us);
      it->critical = SatAdd(it->critical, f.critical_us);
    }
    for (const TraceSaving& saving : per_trace) {
      CallPattern& p = *saving.pattern;
      p.optimistic.Add(saving.optimistic);
      p.realistic.Add(saving.realistic);
      p.optimistic_share_ppm.Add(SharePpm(saving.optimistic, trace.duration_us));
      p.realistic_share_ppm.Add(SharePpm(saving.realistic, trace.duration_us));
      p.critical.Add(saving.critical);
      OfferExample(&p.examples, saving.realistic, trace.id, max_examples_);
    }
  }

  void Merge(const DetectorState& other_state) override {
    const auto& other = static_cast<const CallPatternState&>(other_state);
    for (const auto& [fingerprint, o] : other.patterns_) {
      CallPattern& p = Pattern(fingerprint);
      if (o.instances > 0) KeepNames(p, o.parent, o.call);
      p.instances += o.instances;
      const std::array<Samples*, 8> into = Columns(p);
      const std::array<const Samples*, 8> from = Columns(o);
      for (size_t i = 0; i < into.size(); ++i) into[i]->Merge(*from[i]);
      p.optimistic_total = SatAdd(p.optimistic_total, o.optimistic_total);
      p.realistic_total = SatAdd(p.realistic_total, o.realistic_total);
      p.writes += o.writes;
      p.no_parameters += o.no_parameters;
      if (!o.example_key.empty() && (p.example_key.empty() || o.example_key < p.example_key)) {
        p.example_key = o.example_key;
      }
      p.examples.insert(p.examples.end(), o.examples.begin(), o.examples.end());
      KeepExamples(&p.examples, max_examples_);
      if (o.example) OfferPicture(p, *o.example, o.example_saving_us);
    }
  }

  void Build(const DetectorConfig&, std::vector<Finding>* out) const override {
    for (const auto& [fingerprint, p] : patterns_) {
      Finding f;
      f.kind = detector_.kind();
      f.fingerprint = fmt::format("{:016x}", fingerprint);
      f.parent = p.parent;
      f.sequence = {p.call};
      f.optimistic = MakeSaving(p.optimistic, p.optimistic_share_ppm, p.optimistic_total);
      f.realistic = MakeSaving(p.realistic, p.realistic_share_ppm, p.realistic_total);
      f.instances = p.instances;
      f.traces = p.traces();
      for (const auto& [saving, id] : p.examples) f.example_trace_ids.push_back(id);
      f.orders = 1;
      f.calls_p50 = p.calls.Percentile(50);
      f.calls_max = p.calls.Percentile(100);
      f.example_key = p.example_key;
      f.critical_p50_us = p.critical.Percentile(50);
      f.example = p.example;
      detector_.Explain(p, &f);
      out->push_back(std::move(f));
    }
  }

  void Save(StateWriter& w) const override {
    std::vector<uint64_t> fingerprints;
    fingerprints.reserve(patterns_.size());
    for (const auto& [fingerprint, p] : patterns_) fingerprints.push_back(fingerprint);
    std::sort(fingerprints.begin(), fingerprints.end());
    w.U64(fingerprints.size());
    for (uint64_t fingerprint : fingerprints) {
      const CallPattern& p = patterns_.at(fingerprint);
      w.U64(fingerprint);
      Write(w, p.parent);
      Write(w, p.call);
      w.U64(p.instances);
      for (const Samples* column : Columns(p)) column->Save(w);
      w.I64(p.optimistic_total);
      w.I64(p.realistic_total);
      w.U64(p.examples.size());
      for (const auto& [saving, id] : p.examples) {
        w.I64(saving);
        w.Str(id);
      }
      w.Str(p.example_key);
      w.U64(p.writes);
      w.U64(p.no_parameters);
      Write(w, p.example);
      w.I64(p.example_saving_us);
    }
  }

  void Load(StateReader& r) override {
    patterns_.clear();
    const size_t n = r.Count();
    for (size_t k = 0; k < n && r.ok(); ++k) {
      const uint64_t fingerprint = r.U64();
      auto [it, added] = patterns_.try_emplace(fingerprint, sketched_);
      if (!added) r.Fail("call patterns: a fingerprint repeats");
      CallPattern& p = it->second;
      Read(r, &p.parent);
      Read(r, &p.call);
      p.instances = r.U64();
      for (Samples* column : Columns(p)) column->Load(r);
      const uint64_t traces = p.traces();
      for (const Samples* column : Columns(p)) {
        const uint64_t per = column == &p.calls || column == &p.union_us || column == &p.total_us
                                 ? p.instances
                                 : traces;
        if (column->count() != per) r.Fail("call patterns: counts do not add up");
      }
      p.optimistic_total = r.I64();
      p.realistic_total = r.I64();
      p.examples.resize(r.Count());
      for (auto& [saving, id] : p.examples) {
        saving = r.I64();
        id = r.Str();
      }
      if (p.examples.size() > max_examples_) r.Fail("call patterns: too many examples");
      p.example_key = r.Str();
      p.writes = r.U64();
      p.no_parameters = r.U64();
      Read(r, &p.example);
      p.example_saving_us = r.I64();
    }
  }

 private:
  CallPattern& Pattern(uint64_t fingerprint) {
    return patterns_.try_emplace(fingerprint, sketched_).first->second;
  }
  const CallPatternDetector& detector_;
  size_t max_examples_;
  bool sketched_;  // StateOptions::bounded
  // By fingerprint (StableHash64); nodes, since Add holds pointers to
  // several patterns.
  absl::node_hash_map<uint64_t, CallPattern> patterns_;
};

}  // namespace

namespace internal {

void KeepGroupsOfAtLeast(KeyedSpans& keyed, size_t min) {
  if (min <= 1) return;
  if (keyed.size() > kMaxCountedKeys) {
    std::sort(keyed.begin(), keyed.end());
    size_t kept = 0;
    ForEachGroup(keyed, min, [&](size_t begin, size_t end) {
      for (size_t k = begin; k < end; ++k) keyed[kept++] = keyed[k];
    });
    keyed.resize(kept);
    return;
  }
  thread_local absl::flat_hash_map<uint64_t, uint32_t> counts;
  counts.clear();  // frees a large table: reserve() allocates once per call
  counts.reserve(keyed.size());
  for (const auto& entry : keyed) ++counts[entry.first];
  std::erase_if(keyed, [&](const auto& entry) { return counts.find(entry.first)->second < min; });
}

uint64_t PatternFingerprint(std::initializer_list<std::string_view> parts) {
  uint64_t h = kStableHashSeed;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) h = StableHash64("\x1f", h);
    h = StableHash64(part, h);
    first = false;
  }
  return h;
}

}  // namespace internal

std::unique_ptr<DetectorState> CallPatternDetector::NewState(const StateOptions& options) const {
  return std::make_unique<CallPatternState>(*this, options);
}

}  // namespace trace_analyze::analyzer
