#include "analyzer/path_sampler.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iterator>
#include <utility>

#include "analyzer/analysis.h"
#include "analyzer/parameterize.h"

namespace trace_analyze::analyzer {

PathSampler::PathSampler(size_t capacity, uint64_t seed, size_t max_sections, bool approx_quantiles)
    : capacity_(capacity),
      seed_(seed),
      max_sections_(max_sections),
      approx_quantiles_(approx_quantiles),
      durations_(approx_quantiles) {}

void PathSampler::Offer(const Trace& trace, const CriticalPath& path) {
  const int64_t duration = trace.EndUs() - trace.StartUs();
  durations_.Add(duration);
  if (capacity_ == 0) return;
  const uint64_t id_hash = Mix64(StableHash64(trace.trace_id) ^ seed_);
  // Most traces lose on the hash alone once the sample is full.
  if (members_.size() >= capacity_ && id_hash > std::get<0>(members_.rbegin()->first)) return;
  uint64_t path_hash = kStableHashSeed;
  for (const CpSection& s : path.sections) {
    path_hash = StableHash64(trace.spans[s.span].span_id, StableHash64("\x1e", path_hash));
  }
  Key key(id_hash, std::string(trace.trace_id), duration, path.sections.size(), path_hash);
  if (members_.size() >= capacity_ && key >= members_.rbegin()->first) return;
  if (members_.contains(key)) return;  // the same trace offered twice

  Member member;
  member.sections = path.sections.size();
  // Held when the sections of the members ranked up to it fit; when all
  // members' sections fit (the usual case) no need to find its rank.
  uint64_t before = 0;
  if (sections_ + member.sections > max_sections_) {
    for (auto it = members_.begin(); it != members_.end() && it->first < key; ++it) {
      before += it->second.sections;
    }
  }
  member.held = before + member.sections <= max_sections_;
  if (member.held) member.path = PackedPath(trace, path);
  sections_ += member.sections;
  members_.emplace(std::move(key), std::move(member));
  Trim();
}

void PathSampler::Merge(PathSampler&& other) {
  durations_.Merge(other.durations_);
  members_.merge(other.members_);  // keys already here stay as they are
  sections_ = 0;
  for (const auto& [key, member] : members_) sections_ += member.sections;
  Trim();
}

void PathSampler::Trim() {
  while (members_.size() > capacity_) {
    sections_ -= std::prev(members_.end())->second.sections;
    members_.erase(std::prev(members_.end()));
  }
  if (sections_ <= max_sections_) return;  // every prefix fits
  uint64_t sections = 0;
  for (auto& [key, member] : members_) {
    sections += member.sections;
    if (member.held && sections > max_sections_) {
      member.held = false;
      member.path = PackedPath();
    }
  }
}

std::vector<RepresentativeTrace> PathSampler::Representatives(std::span<const double> ps) const {
  std::vector<RepresentativeTrace> out;
  bool any_held = false;
  for (const auto& [key, member] : members_) any_held = any_held || member.held;
  if (!any_held) return out;
  const std::vector<int64_t> targets = durations_.Percentiles(ps);
  for (size_t k = 0; k < ps.size(); ++k) {
    const PackedPath* best = nullptr;
    for (const auto& [key, member] : members_) {
      if (!member.held) continue;
      const PackedPath& t = member.path;
      if (best == nullptr) {
        best = &t;
        continue;
      }
      const int64_t d = std::llabs(t.duration_us() - targets[k]);
      const int64_t b = std::llabs(best->duration_us() - targets[k]);
      if (d < b || (d == b && t.trace_id() < best->trace_id())) best = &t;
    }
    out.push_back({fmt::format("p{:g}", ps[k]), targets[k], best->Unpack()});
  }
  return out;
}

}  // namespace trace_analyze::analyzer
