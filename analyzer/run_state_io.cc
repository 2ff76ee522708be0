// RunState's Save and Load (state_io.h): its tables as they are, with every
// index checked on Load, so a loaded state is the saved one.
#include <algorithm>
#include <utility>

#include "analyzer/parameterize.h"
#include "analyzer/sequential_detector.h"
#include "analyzer/state_io.h"

namespace trace_analyze::analyzer {
namespace {

// Keys of a hash map in ascending order: what Save writes is canonical.
template <class Map>
std::vector<typename Map::key_type> SortedKeys(const Map& map) {
  std::vector<typename Map::key_type> keys;
  keys.reserve(map.size());
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

void RunState::Save(StateWriter& w) const {
  if (!options_.bounded) {
    SaveTables(w);
    return;
  }
  // Without the rows no sample holds any more: the same state, canonical.
  RunState compact(*this);
  compact.Compact();
  compact.SaveTables(w);
}

void RunState::SaveTables(StateWriter& w) const {
  w.U64(names_.size());
  for (const OpName& n : names_) Write(w, n);
  Write(w, details_);
  w.U64(traces_.size());
  for (const TraceRow& t : traces_) {
    w.Str(t.id);
    w.I64(t.duration_us);
  }
  w.U64(elements_.size());
  for (const ChainElement& e : elements_) {
    w.U64(e.name);
    w.U64(e.calls);
    w.I64(e.extent_us);
    w.I64(e.critical_us);
    w.U64(e.value_flow);
    w.Bool(e.intervening);
  }
  const std::vector<uint32_t> parents = ParentIds();
  w.U64(parents.size());
  for (uint32_t parent : parents) {
    const ParentOp& op = parent_ops_.at(parent);
    w.U64(parent);
    w.U64(op.visits);
    const std::vector<uint64_t> class_keys = op.ClassKeys();
    w.U64(class_keys.size());
    for (size_t i = 0; i < class_keys.size(); ++i) {
      w.U64(class_keys[i]);
      w.U64(op.class_visits[i]);
    }
    const std::vector<uint32_t> present = SortedKeys(op.presence);
    w.U64(present.size());
    for (uint32_t name : present) {
      w.U64(name);
      w.U64(op.presence.at(name));
    }
    const std::vector<uint64_t> pairs = SortedKeys(op.pairs);
    w.U64(pairs.size());
    for (uint64_t key : pairs) {
      const ParentOp::PairStats& st = op.pairs.at(key);
      w.U64(key);
      w.U64(st.first_before);
      w.U64(st.second_before);
      w.U64(st.overlap);
    }
    const std::vector<std::pair<uint32_t, uint64_t>> by_class = SortedKeys(op.adjacent_by_class);
    w.U64(by_class.size());
    for (const std::pair<uint32_t, uint64_t>& key : by_class) {
      w.U64(key.first);
      w.U64(key.second);
      w.U64(op.adjacent_by_class.at(key));
    }
    w.U64(op.sample.size());
    for (const auto& [key, sampled] : op.sample) {
      w.U64(sampled.trace);
      w.U64(sampled.visits);
    }
    w.U64(op.chains.size());
    for (const ParentOp::Chain& c : op.chains) {
      w.U64(c.cls);
      w.U64(c.trace);
      w.U64(c.begin);
      w.U64(c.end);
      w.I64(c.retimed_saving_us);
    }
    w.Bool(op.example.has_value());
    if (op.example) {
      w.I64(op.example->optimistic_us);
      Write(w, op.example->picture);
    }
  }
}

void RunState::Load(StateReader& r) {
  const size_t names = r.Count();
  for (size_t i = 0; i < names && r.ok(); ++i) {
    OpName n;
    Read(r, &n);
    if (InternName(n) != i) r.Fail("sequential: a name repeats");
  }
  std::vector<std::string> details;
  Read(r, &details);
  for (size_t i = 0; i < details.size() && r.ok(); ++i) {
    if (DetailId(details[i]) != i) r.Fail("sequential: a detail repeats");
  }
  traces_.resize(r.Count());
  for (TraceRow& t : traces_) {
    t.id = r.Str();
    t.duration_us = r.I64();
  }
  elements_.resize(r.Count());
  for (ChainElement& e : elements_) {
    e.name = r.Index(names_.size(), "sequential: element name");
    e.calls = r.U32();
    e.extent_us = r.I64();
    e.critical_us = r.I64();
    e.value_flow = r.U32();
    if (e.value_flow != ChainElement::kNoDetail && e.value_flow >= details_.size()) {
      r.Fail("sequential: a value-flow detail out of range");
    }
    e.intervening = r.Bool();
  }
  const size_t parents = r.Count();
  uint64_t last_parent = 0;
  for (size_t p = 0; p < parents && r.ok(); ++p) {
    const uint32_t parent = r.Index(names_.size(), "sequential: parent name");
    if (p > 0 && parent <= last_parent) r.Fail("sequential: parent operations out of order");
    last_parent = parent;
    ParentOp& op = parent_ops_[parent];
    op.visits = r.U64();
    const size_t classes = r.Count();
    for (size_t i = 0; i < classes && r.ok(); ++i) {
      const uint32_t cls = ClassId(op, r.U64());
      if (cls != i) {
        r.Fail("sequential: a class repeats");
        break;
      }
      op.class_visits[cls] = r.U64();
    }
    const size_t present = r.Count();
    for (size_t i = 0; i < present && r.ok(); ++i) {
      const uint32_t name = r.Index(names_.size(), "sequential: present name");
      if (!op.presence.emplace(name, r.U64()).second) r.Fail("sequential: a name repeats");
    }
    const size_t pairs = r.Count();
    for (size_t i = 0; i < pairs && r.ok(); ++i) {
      const uint64_t key = r.U64();
      if ((key >> 32) >= names_.size() || (key & 0xffffffffu) >= names_.size()) {
        r.Fail("sequential: a pair of unknown names");
      }
      ParentOp::PairStats st;
      st.first_before = r.U64();
      st.second_before = r.U64();
      st.overlap = r.U64();
      if (!op.pairs.emplace(key, st).second) r.Fail("sequential: a pair repeats");
    }
    const auto pair_names = [&](uint64_t key) {
      if ((key >> 32) >= names_.size() || (key & 0xffffffffu) >= names_.size()) {
        r.Fail("sequential: adjacency of unknown names");
      }
    };
    const size_t by_class = r.Count();
    for (size_t i = 0; i < by_class && r.ok(); ++i) {
      const uint32_t cls = r.Index(op.class_visits.size(), "sequential: adjacency class");
      const uint64_t key = r.U64();
      pair_names(key);
      if (!op.adjacent_by_class.emplace(std::pair(cls, key), r.U64()).second) {
        r.Fail("sequential: an adjacency repeats");
      }
    }
    const size_t sampled = r.Count();
    if (sampled > 0 && !options_.bounded) r.Fail("sequential: a sample in an exact state");
    std::vector<ParentOp::Sampled> sample;  // in key order
    std::vector<bool> in_sample(traces_.size());
    for (size_t i = 0; i < sampled && r.ok(); ++i) {
      const uint32_t trace = r.Index(traces_.size(), "sequential: sampled trace");
      const uint64_t visits = r.U64();
      if (!r.ok()) break;
      if (visits == 0 || visits > op.visits - std::min(op.visits, op.sampled_visits) ||
          in_sample[trace]) {
        r.Fail("sequential: sampled visits do not add up");
        break;
      }
      sample.push_back({trace, visits});
      op.sampled_visits += visits;
      in_sample[trace] = true;
    }
    if (sample.size() > 1 && op.sampled_visits > options_.sampled_visits) {
      r.Fail("sequential: a sample beyond its size");
    }
    op.chains.resize(r.Count());
    for (ParentOp::Chain& c : op.chains) {
      c.cls = r.Index(op.class_visits.size(), "sequential: chain class");
      c.trace = r.Index(traces_.size(), "sequential: chain trace");
      c.begin = r.U32();
      c.end = r.U32();
      if (c.begin > c.end || c.end > elements_.size()) {
        r.Fail("sequential: a chain out of range");
      }
      if (options_.bounded && r.ok() && !in_sample[c.trace]) {
        r.Fail("sequential: a chain of a trace not sampled");
      }
      c.retimed_saving_us = r.I64();
    }
    const absl::flat_hash_map<uint32_t, uint64_t> content =
        r.ok() ? ContentHashes(op) : absl::flat_hash_map<uint32_t, uint64_t>{};
    for (const ParentOp::Sampled& t : sample) {
      if (!r.ok()) break;
      const auto it = content.find(t.trace);
      ParentOp::SampleKey key(TraceHash(traces_[t.trace].id), traces_[t.trace].id,
                              traces_[t.trace].duration_us,
                              it == content.end() ? kStableHashSeed : it->second);
      if (!op.sample.empty() && !(op.sample.rbegin()->first < key)) {
        r.Fail("sequential: sampled traces out of order");
        break;
      }
      op.sample.emplace_hint(op.sample.end(), std::move(key), t);
    }
    if (r.Bool()) {
      ParentOp::Example e;
      e.optimistic_us = r.I64();
      Read(r, &e.picture);
      op.example = std::move(e);
    }
  }
  rows_after_compaction_ = elements_.size() + traces_.size() + details_.size();
}

}  // namespace trace_analyze::analyzer
