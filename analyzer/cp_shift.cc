#include "analyzer/cp_shift.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <tuple>

namespace trace_analyze::analyzer {
namespace {

int64_t PerTrace(int64_t total_us, uint64_t traces) {
  return traces > 0 ? std::llround(static_cast<double>(total_us) / static_cast<double>(traces)) : 0;
}

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// One key's totals on both sides; a missing side is nullptr.
CpShiftRow MakeRow(int64_t baseline_total, uint64_t baseline_traces, int64_t baseline_cp,
                   int64_t candidate_total, uint64_t candidate_traces, int64_t candidate_cp,
                   bool in_baseline, bool in_candidate) {
  CpShiftRow row;
  row.presence = in_baseline && in_candidate ? Presence::kBoth
                 : in_candidate              ? Presence::kAppeared
                                             : Presence::kDisappeared;
  row.baseline_us = PerTrace(baseline_total, baseline_traces);
  row.candidate_us = PerTrace(candidate_total, candidate_traces);
  row.change_us = row.candidate_us - row.baseline_us;
  if (baseline_traces > 0 && candidate_traces > 0) {
    row.change_pct = RelativeChangePct(
        static_cast<double>(baseline_total) / static_cast<double>(baseline_traces),
        static_cast<double>(candidate_total) / static_cast<double>(candidate_traces));
  }
  row.baseline_share = Share(baseline_total, baseline_cp);
  row.candidate_share = Share(candidate_total, candidate_cp);
  return row;
}

bool RanksBefore(const CpShiftRow& a, const CpShiftRow& b) {
  const int64_t ca = std::llabs(a.change_us), cb = std::llabs(b.change_us);
  return std::tie(cb, a.name, a.path) < std::tie(ca, b.name, b.path);
}

void Rank(std::vector<CpShiftRow>& rows, size_t top) {
  std::sort(rows.begin(), rows.end(), RanksBefore);
  if (top > 0 && rows.size() > top) rows.resize(top);
}

// Per-trace samples of one key, padded with 0 for the side's other traces.
std::vector<int64_t> Padded(const Profile::Entry* e, uint64_t traces) {
  std::vector<int64_t> v;
  if (e != nullptr) v = e->per_trace_critical_us.values();
  if (v.size() < traces) v.resize(traces, 0);
  return v;
}

template <class Map, class Key>
const Profile::Entry* Find(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

void Test(CpShiftRow& row, const Profile::Entry* b, const Profile::Entry* c, const Profile& pb,
          const Profile& pc, const SignificanceOptions& statistics) {
  const MeanTest t = WelchTTest(Padded(b, pb.traces()), Padded(c, pc.traces()), statistics);
  if (!t.tested) return;
  row.p_value = t.p_value;
  row.significant = t.p_value < statistics.alpha;
}

}  // namespace

CpShift BuildCpShift(const Profile& baseline, const Profile& candidate,
                     const DiffSideCollector& baseline_paths,
                     const DiffSideCollector& candidate_paths, size_t top,
                     const SignificanceOptions& statistics) {
  CpShift out;
  const uint64_t nb = baseline.traces(), nc = candidate.traces();
  const int64_t cpb = baseline.critical_path_us(), cpc = candidate.critical_path_us();

  std::vector<std::string> services;
  for (const auto& [s, e] : baseline.by_service()) services.push_back(s);
  for (const auto& [s, e] : candidate.by_service()) services.push_back(s);
  std::sort(services.begin(), services.end());
  services.erase(std::unique(services.begin(), services.end()), services.end());
  for (const std::string& s : services) {
    const Profile::Entry* b = Find(baseline.by_service(), s);
    const Profile::Entry* c = Find(candidate.by_service(), s);
    CpShiftRow row = MakeRow(b ? b->critical_us : 0, nb, cpb, c ? c->critical_us : 0, nc, cpc,
                             b != nullptr, c != nullptr);
    row.name.service = s;
    out.services.push_back(std::move(row));
  }
  Rank(out.services, top);
  for (CpShiftRow& row : out.services) {
    Test(row, Find(baseline.by_service(), row.name.service),
         Find(candidate.by_service(), row.name.service), baseline, candidate, statistics);
  }

  std::vector<Profile::OpKey> ops;
  for (const auto& [k, e] : baseline.by_operation()) ops.push_back(k);
  for (const auto& [k, e] : candidate.by_operation()) ops.push_back(k);
  std::sort(ops.begin(), ops.end());
  ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
  for (const Profile::OpKey& k : ops) {
    const Profile::Entry* b = Find(baseline.by_operation(), k);
    const Profile::Entry* c = Find(candidate.by_operation(), k);
    CpShiftRow row = MakeRow(b ? b->critical_us : 0, nb, cpb, c ? c->critical_us : 0, nc, cpc,
                             b != nullptr, c != nullptr);
    row.name = k;
    if (row.presence == Presence::kAppeared) out.appeared.push_back(k);
    if (row.presence == Presence::kDisappeared) out.disappeared.push_back(k);
    out.operations.push_back(std::move(row));
  }
  Rank(out.operations, top);
  for (CpShiftRow& row : out.operations) {
    Test(row, Find(baseline.by_operation(), row.name), Find(candidate.by_operation(), row.name),
         baseline, candidate, statistics);
  }

  std::map<uint64_t, std::pair<const PathTime*, const PathTime*>> paths;
  for (const auto& [k, p] : baseline_paths.paths()) paths[k].first = &p;
  for (const auto& [k, p] : candidate_paths.paths()) paths[k].second = &p;
  for (const auto& [k, sides] : paths) {
    const auto& [b, c] = sides;
    CpShiftRow row = MakeRow(b ? b->critical_us : 0, nb, cpb, c ? c->critical_us : 0, nc, cpc,
                             b != nullptr, c != nullptr);
    row.path = (b ? b : c)->path;
    out.paths.push_back(std::move(row));
  }
  Rank(out.paths, top);
  return out;
}

}  // namespace trace_analyze::analyzer
