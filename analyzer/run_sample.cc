// RunState's bounded sample (StateOptions::bounded): which traces' chains a
// parent operation keeps, how dropped rows are compacted away, the keys that
// order the sample, and the scale Build applies to what it counts in it.
#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/parameterize.h"
#include "analyzer/sequential_detector.h"

namespace trace_analyze::analyzer {

bool RunState::JoinsSample(const ParentOp& op, const ParentOp::SampleKey& key,
                           uint64_t visits) const {
  if (op.sample.contains(key)) return false;  // the same trace twice
  return op.sample.empty() || key < op.sample.rbegin()->first ||
         op.sampled_visits + visits <= options_.sampled_visits;
}

void RunState::Trim(ParentOp& op, size_t sampled_visits) {
  while (op.sample.size() > 1 && op.sampled_visits > sampled_visits) {
    const auto last = std::prev(op.sample.end());
    const uint32_t trace = last->second.trace;
    op.sampled_visits -= last->second.visits;
    op.sample.erase(last);
    std::erase_if(op.chains, [&](const ParentOp::Chain& c) { return c.trace == trace; });
  }
}

void RunState::Compact() {
  // Traces in a sample, in their order.
  std::vector<uint32_t> trace_ids(traces_.size(), UINT32_MAX);
  for (const auto& [parent, op] : parent_ops_) {
    for (const auto& [key, sampled] : op.sample) trace_ids[sampled.trace] = 0;
  }
  uint32_t kept = 0;
  for (size_t i = 0; i < traces_.size(); ++i) {
    if (trace_ids[i] == UINT32_MAX) continue;
    if (kept != i) traces_[kept] = std::move(traces_[i]);
    trace_ids[i] = kept++;
  }
  traces_.resize(kept);
  // Elements of the chains, in their order; details they cite, in theirs.
  std::vector<ParentOp::Chain*> chains;
  for (auto& [parent, op] : parent_ops_) {
    for (auto& [key, sampled] : op.sample) sampled.trace = trace_ids[sampled.trace];
    for (ParentOp::Chain& c : op.chains) {
      c.trace = trace_ids[c.trace];
      chains.push_back(&c);
    }
  }
  std::sort(chains.begin(), chains.end(),
            [](const ParentOp::Chain* a, const ParentOp::Chain* b) { return a->begin < b->begin; });
  std::vector<ChainElement> elements;
  std::vector<uint32_t> detail_ids(details_.size(), UINT32_MAX);
  for (ParentOp::Chain* c : chains) {
    const uint32_t begin = static_cast<uint32_t>(elements.size());
    elements.insert(elements.end(), elements_.begin() + c->begin, elements_.begin() + c->end);
    c->begin = begin;
    c->end = static_cast<uint32_t>(elements.size());
  }
  for (const ChainElement& e : elements) {
    if (e.value_flow != ChainElement::kNoDetail) detail_ids[e.value_flow] = 0;
  }
  std::vector<std::string> details;
  detail_ids_.clear();
  for (size_t i = 0; i < details_.size(); ++i) {
    if (detail_ids[i] == UINT32_MAX) continue;
    detail_ids[i] = static_cast<uint32_t>(details.size());
    detail_ids_.emplace(details_[i], detail_ids[i]);
    details.push_back(std::move(details_[i]));
  }
  for (ChainElement& e : elements) {
    if (e.value_flow != ChainElement::kNoDetail) e.value_flow = detail_ids[e.value_flow];
  }
  elements_ = std::move(elements);
  details_ = std::move(details);
  rows_after_compaction_ = elements_.size() + traces_.size() + details_.size();
}

void RunState::MaybeCompact() {
  constexpr size_t kSlack = 65536;  // rows dropped before compacting at all
  if (!options_.bounded) return;
  if (elements_.size() + traces_.size() + details_.size() > 2 * rows_after_compaction_ + kSlack) {
    Compact();
  }
}

double RunState::Scale(const ParentOp& op) const {
  if (!options_.bounded || op.sampled_visits >= op.visits || op.sampled_visits == 0) return 1;
  return static_cast<double>(op.visits) / static_cast<double>(op.sampled_visits);
}

uint64_t RunState::TraceHash(std::string_view trace_id) { return Mix64(StableHash64(trace_id)); }

uint64_t RunState::ChainHash(uint64_t h, uint64_t class_key, int64_t retimed_saving_us,
                             std::span<const ChainElement> elements,
                             const std::vector<std::string>& details,
                             std::span<const uint32_t> ids) const {
  h = Mix64(h ^ class_key);
  h = Mix64(h ^ static_cast<uint64_t>(retimed_saving_us));
  for (const ChainElement& e : elements) {
    h = Mix64(h ^ name_hashes_[ids.empty() ? e.name : ids[e.name]]);
    h = Mix64(h ^ (uint64_t{e.calls} << 1 | (e.intervening ? 1 : 0)));
    h = Mix64(h ^ static_cast<uint64_t>(e.extent_us));
    h = Mix64(h ^ static_cast<uint64_t>(e.critical_us));
    if (e.value_flow != ChainElement::kNoDetail) h = StableHash64(details[e.value_flow], h);
  }
  return h;
}

absl::flat_hash_map<uint32_t, uint64_t> RunState::ContentHashes(const ParentOp& op) const {
  const std::vector<uint64_t> class_keys = op.ClassKeys();
  absl::flat_hash_map<uint32_t, uint64_t> out;
  for (const auto& [key, sampled] : op.sample) out[sampled.trace] = kStableHashSeed;
  for (const ParentOp::Chain& c : op.chains) {
    uint64_t& h = out.try_emplace(c.trace, kStableHashSeed).first->second;
    h = ChainHash(h, class_keys[c.cls], c.retimed_saving_us,
                  {elements_.data() + c.begin, elements_.data() + c.end}, details_, {});
  }
  return out;
}

}  // namespace trace_analyze::analyzer
