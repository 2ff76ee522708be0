// Save and Load of the analyzer's mergeable states (state_io.h): the value
// types, Profile, PathSampler, PackedPath, FindingsCollector, TraceAnalyzer
// and DiffSideCollector. The detector states' own are beside them
// (call_patterns.cc, run_state_io.cc).
#include "analyzer/state_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "analyzer/analysis.h"
#include "analyzer/detector.h"
#include "analyzer/diff_side.h"
#include "analyzer/packed_path.h"
#include "analyzer/path_sampler.h"
#include "analyzer/profile.h"
#include "analyzer/verify.h"

namespace trace_analyze::analyzer {
namespace {

void WriteInts(StateWriter& w, const std::vector<int64_t>& v) {
  w.U64(v.size());
  for (int64_t x : v) w.I64(x);
}

void ReadInts(StateReader& r, std::vector<int64_t>* v) {
  v->resize(r.Count());
  for (int64_t& x : *v) x = r.I64();
}

void Write(StateWriter& w, const Profile::Entry& e) {
  w.I64(e.critical_us);
  w.I64(e.self_us);
  w.U64(e.spans);
  e.per_trace_critical_us.Save(w);
}

void Read(StateReader& r, Profile::Entry* e) {
  e->critical_us = r.I64();
  e->self_us = r.I64();
  e->spans = r.U64();
  e->per_trace_critical_us.Load(r);
}

void Write(StateWriter& w, const HeavySpan& s) {
  w.Str(s.trace_id);
  w.Str(s.span_id);
  Write(w, s.name);
  w.I64(s.critical_us);
  w.I64(s.duration_us);
}

void Read(StateReader& r, HeavySpan* s) {
  s->trace_id = r.Str();
  s->span_id = r.Str();
  Read(r, &s->name);
  s->critical_us = r.I64();
  s->duration_us = r.I64();
}

// Reads a map written in key order; keys must be strictly ascending, so the
// map is rebuilt in order and no key repeats.
template <class Map, class ReadKey, class ReadValue>
void ReadSortedMap(StateReader& r, std::string_view what, Map* map, ReadKey&& read_key,
                   ReadValue&& read_value) {
  map->clear();
  const size_t n = r.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    auto key = read_key();
    if (!map->empty() && !(map->key_comp()(std::prev(map->end())->first, key))) {
      r.Fail(fmt::format("{}: keys out of order", what));
      return;
    }
    read_value(&map->emplace_hint(map->end(), std::move(key), typename Map::mapped_type{})->second);
  }
}

void Write(StateWriter& w, const PatternObservation& o) {
  w.U64(o.instances);
  w.U64(o.parallel);
  w.U64(o.partial);
  w.U64(o.traces);
  WriteInts(w, o.concurrency_milli);
  WriteInts(w, o.critical_per_trace);
  WriteInts(w, o.duration_per_trace);
  WriteInts(w, o.overlap_per_trace);
  w.U64(o.member_overlaps.size());
  for (uint64_t m : o.member_overlaps) w.U64(m);
  Write(w, o.example);
}

void Read(StateReader& r, PatternObservation* o) {
  o->instances = r.U64();
  o->parallel = r.U64();
  o->partial = r.U64();
  o->traces = r.U64();
  ReadInts(r, &o->concurrency_milli);
  ReadInts(r, &o->critical_per_trace);
  ReadInts(r, &o->duration_per_trace);
  ReadInts(r, &o->overlap_per_trace);
  o->member_overlaps.resize(r.Count());
  for (uint64_t& m : o->member_overlaps) m = r.U64();
  Read(r, &o->example);
}

}  // namespace

bool StateReader::Bool() {
  const uint64_t v = U64();
  if (v > 1) Fail("a flag is neither 0 nor 1");
  return v == 1;
}

uint32_t StateReader::U32() {
  const uint64_t v = U64();
  if (v > UINT32_MAX) Fail("a 32-bit value is out of range");
  return static_cast<uint32_t>(v);
}

uint32_t StateReader::Index(size_t size, std::string_view what) {
  const uint64_t v = U64();
  if (v >= size) {
    Fail(fmt::format("{} {} is out of range (< {})", what, v, size));
    return 0;
  }
  return static_cast<uint32_t>(v);
}

void Write(StateWriter& w, const OpName& v) {
  w.Str(v.service);
  w.Str(v.operation);
}

void Read(StateReader& r, OpName* v) {
  v->service = r.Str();
  v->operation = r.Str();
}

void Write(StateWriter& w, const DataQuality& v) {
  w.U64(std::size(kDataQualityCounters));
  v.ForEach([&](std::string_view, uint64_t value) { w.U64(value); });
}

void Read(StateReader& r, DataQuality* v) {
  if (r.Count() != std::size(kDataQualityCounters)) {
    r.Fail("data quality: wrong number of counters");
    return;
  }
  for (const DataQualityCounter& c : kDataQualityCounters) v->*c.field = r.U64();
}

void Write(StateWriter& w, const FindingExample& v) {
  w.U64(static_cast<uint64_t>(v.model));
  w.Str(v.trace_id);
  Write(w, v.parent);
  w.I64(v.parent_duration_us);
  w.I64(v.retimed_parent_duration_us);
  w.U64(v.children.size());
  for (const ExampleSpan& s : v.children) {
    Write(w, s.name);
    w.I64(s.start_us);
    w.I64(s.duration_us);
    w.I64(s.critical_us);
    w.Bool(s.member);
    w.I64(s.retimed_start_us);
    w.I64(s.retimed_duration_us);
  }
  w.U64(v.children_total);
}

void Read(StateReader& r, FindingExample* v) {
  v->model = static_cast<RetimeModel>(r.Index(3, "example model"));
  v->trace_id = r.Str();
  Read(r, &v->parent);
  v->parent_duration_us = r.I64();
  v->retimed_parent_duration_us = r.I64();
  v->children.resize(r.Count());
  for (ExampleSpan& s : v->children) {
    Read(r, &s.name);
    s.start_us = r.I64();
    s.duration_us = r.I64();
    s.critical_us = r.I64();
    s.member = r.Bool();
    s.retimed_start_us = r.I64();
    s.retimed_duration_us = r.I64();
  }
  v->children_total = r.U64();
}

void Write(StateWriter& w, const std::optional<FindingExample>& v) {
  w.Bool(v.has_value());
  if (v) Write(w, *v);
}

void Read(StateReader& r, std::optional<FindingExample>* v) {
  v->reset();
  if (r.Bool()) Read(r, &v->emplace());
}

void WriteSamples(StateWriter& w, std::vector<int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  w.U64(samples.size());
  uint64_t last = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto v = static_cast<uint64_t>(samples[i]);
    if (i == 0) {
      w.I64(samples[i]);
    } else {
      w.U64(v - last);  // ≥ 0 in two's complement order of the sorted values
    }
    last = v;
  }
}

void ReadSamples(StateReader& r, std::vector<int64_t>* samples) {
  samples->resize(r.Count());
  uint64_t last = 0;
  for (size_t i = 0; i < samples->size(); ++i) {
    uint64_t v = 0;
    if (i == 0) {
      v = static_cast<uint64_t>(r.I64());
    } else {
      const uint64_t delta = r.U64();
      v = last + delta;
      if (static_cast<int64_t>(v) < static_cast<int64_t>(last)) r.Fail("samples out of order");
    }
    (*samples)[i] = static_cast<int64_t>(v);
    last = v;
  }
}

void Write(StateWriter& w, const std::vector<std::string>& v) {
  w.U64(v.size());
  for (const std::string& s : v) w.Str(s);
}

void Read(StateReader& r, std::vector<std::string>* v) {
  v->resize(r.Count());
  for (std::string& s : *v) s = r.Str();
}

void Write(StateWriter& w, const AnalysisOptions& v) {
  w.U64(static_cast<uint64_t>(v.cp.mode));
  w.F64(v.cp.skew_tolerance_fraction);
  w.Bool(v.adjust_clock_skew);
  w.I64(v.clock_skew.max_adjust_us);
  w.U64(v.max_heaviest);
  w.Bool(v.fold_stacks);
  w.Bool(v.find_bottlenecks);
  w.Bool(v.approx_quantiles);
  w.U64(v.approx_quantiles ? v.sampled_visits : 0);
  const DetectorConfig& d = v.detectors;
  w.Bool(d.sequential.enabled);
  w.U64(d.sequential.min_chain_length);
  w.I64(d.sequential.max_gap_us);
  w.F64(d.sequential.max_gap_fraction);
  w.F64(d.sequential.overlap_tolerance_fraction);
  w.I64(d.sequential.min_span_us);
  w.I64(d.sequential.min_saving_us);
  w.Bool(d.n_plus_one.enabled);
  w.U64(d.n_plus_one.min_calls);
  w.U64(d.n_plus_one.min_distinct_params);
  w.I64(d.n_plus_one.min_total_us);
  w.Bool(d.repeated.enabled);
  w.U64(d.repeated.min_calls);
  w.I64(d.repeated.min_wasted_us);
  w.U64(d.ignore.size());
  for (const IgnoreRule& i : d.ignore) {
    for (const std::string* s : {&i.fingerprint, &i.service_regex, &i.operation_regex, &i.reason}) {
      w.Str(*s);
    }
  }
  w.U64(d.dependencies.size());
  for (const DependencyHint& h : d.dependencies) {
    w.Str(h.first);
    w.Str(h.second);
    w.Bool(h.dependent);
    w.Str(h.reason);
  }
  w.U64(d.max_examples);
  w.Bool(d.keep_examples);
}

void Read(StateReader& r, AnalysisOptions* v) {
  v->cp.mode = static_cast<CpMode>(r.Index(2, "critical-path mode"));
  v->cp.skew_tolerance_fraction = r.F64();
  v->adjust_clock_skew = r.Bool();
  v->clock_skew.max_adjust_us = r.I64();
  v->max_heaviest = r.U64();
  v->fold_stacks = r.Bool();
  v->find_bottlenecks = r.Bool();
  v->approx_quantiles = r.Bool();
  const uint64_t sampled_visits = r.U64();
  if ((sampled_visits == 0) == v->approx_quantiles) r.Fail("a bad sample size");
  if (v->approx_quantiles) v->sampled_visits = sampled_visits;
  DetectorConfig& d = v->detectors;
  d.sequential.enabled = r.Bool();
  d.sequential.min_chain_length = r.U64();
  d.sequential.max_gap_us = r.I64();
  d.sequential.max_gap_fraction = r.F64();
  d.sequential.overlap_tolerance_fraction = r.F64();
  d.sequential.min_span_us = r.I64();
  d.sequential.min_saving_us = r.I64();
  d.n_plus_one.enabled = r.Bool();
  d.n_plus_one.min_calls = r.U64();
  d.n_plus_one.min_distinct_params = r.U64();
  d.n_plus_one.min_total_us = r.I64();
  d.repeated.enabled = r.Bool();
  d.repeated.min_calls = r.U64();
  d.repeated.min_wasted_us = r.I64();
  d.ignore.resize(r.Count());
  for (IgnoreRule& i : d.ignore) {
    for (std::string* s : {&i.fingerprint, &i.service_regex, &i.operation_regex, &i.reason}) {
      *s = r.Str();
    }
  }
  for (const IgnoreRule& i : d.ignore) {
    for (const std::string* regex : {&i.service_regex, &i.operation_regex}) {
      if (const std::string bounds = RegexBoundsError(*regex); !bounds.empty()) {
        r.Fail("settings: an ignore rule's " + bounds);
      }
    }
  }
  d.dependencies.resize(r.Count());
  for (DependencyHint& h : d.dependencies) {
    h.first = r.Str();
    h.second = r.Str();
    h.dependent = r.Bool();
    h.reason = r.Str();
  }
  d.max_examples = r.U64();
  d.keep_examples = r.Bool();
  // Bounds a corrupt stream could exceed only to exhaust memory.
  if (v->max_heaviest > 1'000'000 || d.max_examples > 1'000'000) {
    r.Fail("settings: a limit out of range");
  }
}

void Write(StateWriter& w, const DiffSideOptions& v) {
  w.U64(v.patterns.size());
  for (const PatternDef& p : v.patterns) {
    w.Str(p.fingerprint);
    Write(w, p.parent);
    for (const std::vector<OpName>* names : {&p.parents, &p.members}) {
      w.U64(names->size());
      for (const OpName& n : *names) Write(w, n);
    }
  }
  Write(w, v.duration_scopes);
  w.F64(v.overlap_tolerance_fraction);
  w.Bool(v.keep_examples);
}

void Read(StateReader& r, DiffSideOptions* v) {
  v->patterns.resize(r.Count());
  for (PatternDef& p : v->patterns) {
    p.fingerprint = r.Str();
    Read(r, &p.parent);
    for (std::vector<OpName>* names : {&p.parents, &p.members}) {
      names->resize(r.Count());
      for (OpName& n : *names) Read(r, &n);
    }
  }
  Read(r, &v->duration_scopes);
  v->overlap_tolerance_fraction = r.F64();
  v->keep_examples = r.Bool();
}

// ---------------------------------------------------------------------------

void Profile::Save(StateWriter& w) const {
  w.U64(max_heaviest_);
  w.Bool(approx_quantiles_);
  w.U64(traces_);
  w.I64(critical_path_us_);
  Write(w, quality_);
  w.U64(by_service_.size());
  for (const auto& [service, e] : by_service_) {
    w.Str(service);
    Write(w, e);
  }
  w.U64(by_operation_.size());
  for (const auto& [name, e] : by_operation_) {
    Write(w, name);
    Write(w, e);
  }
  w.U64(by_root_.size());
  for (const auto& [name, e] : by_root_) {
    Write(w, name);
    e.durations_us.Save(w);
    w.U64(e.errors);
  }
  w.U64(heaviest_.size());
  for (const HeavySpan& s : heaviest_) Write(w, s);
  std::vector<std::pair<std::string_view, int64_t>> stacks(stacks_.begin(), stacks_.end());
  std::sort(stacks.begin(), stacks.end());
  w.U64(stacks.size());
  for (const auto& [stack, us] : stacks) {
    w.Str(stack);
    w.I64(us);
  }
}

void Profile::Load(StateReader& r) {
  if (r.U64() != max_heaviest_) r.Fail("profile: another number of heaviest spans");
  if (r.Bool() != approx_quantiles_) r.Fail("profile: another kind of quantiles");
  traces_ = r.U64();
  critical_path_us_ = r.I64();
  Read(r, &quality_);
  ReadSortedMap(
      r, "profile services", &by_service_, [&] { return r.Str(); },
      [&](Entry* e) {
        *e = Entry(approx_quantiles_);
        Read(r, e);
      });
  ReadSortedMap(
      r, "profile operations", &by_operation_,
      [&] {
        OpName n;
        Read(r, &n);
        return n;
      },
      [&](Entry* e) {
        *e = Entry(approx_quantiles_);
        Read(r, e);
      });
  ReadSortedMap(
      r, "profile roots", &by_root_,
      [&] {
        OpName n;
        Read(r, &n);
        return n;
      },
      [&](RootEntry* e) {
        *e = RootEntry(approx_quantiles_);
        e->durations_us.Load(r);
        e->errors = r.U64();
      });
  heaviest_.resize(r.Count());
  for (HeavySpan& s : heaviest_) Read(r, &s);
  if (heaviest_.size() > max_heaviest_) r.Fail("profile: too many heaviest spans");
  for (size_t i = 1; i < heaviest_.size() && r.ok(); ++i) {
    if (!heaviest_[i - 1].RanksBefore(heaviest_[i])) r.Fail("profile: heaviest spans unranked");
  }
  stacks_.clear();
  const size_t stacks = r.Count();
  for (size_t i = 0; i < stacks && r.ok(); ++i) {
    std::string stack = r.Str();
    const int64_t us = r.I64();
    if (!stacks_.emplace(std::move(stack), us).second) r.Fail("profile: a stack repeats");
  }
}

void PackedPath::Save(StateWriter& w) const {
  w.Str(trace_id_);
  w.I64(start_us_);
  w.I64(duration_us_);
  w.I64(critical_path_us_);
  w.Str(text_);
  w.U64(spans_.size());
  for (const SpanRow& s : spans_) {
    for (const Text& t : {s.span_id, s.service, s.operation}) {
      w.U64(t.offset);
      w.U64(t.size);
    }
    w.I64(s.start_us);
    w.I64(s.duration_us);
    w.I64(s.self_us);
    w.I64(s.critical_us);
    w.U64(s.depth);
  }
  w.U64(sections_.size());
  for (const SectionRow& s : sections_) {
    w.U64(s.span);
    w.I64(s.start_us);
    w.I64(s.end_us);
  }
}

void PackedPath::Load(StateReader& r) {
  trace_id_ = r.Str();
  start_us_ = r.I64();
  duration_us_ = r.I64();
  critical_path_us_ = r.I64();
  text_ = r.Str();
  spans_.resize(r.Count());
  for (SpanRow& s : spans_) {
    for (Text* t : {&s.span_id, &s.service, &s.operation}) {
      t->offset = r.U64();
      t->size = r.U64();
      if (t->offset > text_.size() || t->size > text_.size() - t->offset) {
        r.Fail("sampled path: a name outside its text");
        *t = {};
      }
    }
    s.start_us = r.I64();
    s.duration_us = r.I64();
    s.self_us = r.I64();
    s.critical_us = r.I64();
    s.depth = r.U32();
  }
  sections_.resize(r.Count());
  for (SectionRow& s : sections_) {
    s.span = r.Index(spans_.size(), "sampled path: span");
    s.start_us = r.I64();
    s.end_us = r.I64();
  }
}

void PathSampler::Save(StateWriter& w) const {
  w.U64(capacity_);
  w.U64(seed_);
  w.U64(max_sections_);
  w.Bool(approx_quantiles_);
  durations_.Save(w);
  w.U64(members_.size());
  for (const auto& [key, member] : members_) {
    const auto& [id_hash, id, duration, sections, path_hash] = key;
    w.U64(id_hash);
    w.Str(id);
    w.I64(duration);
    w.U64(sections);
    w.U64(path_hash);
    w.U64(member.sections);
    w.Bool(member.held);
    if (member.held) member.path.Save(w);
  }
}

void PathSampler::Load(StateReader& r) {
  if (r.U64() != capacity_ || r.U64() != seed_ || r.U64() != max_sections_) {
    r.Fail("path sample: another capacity, seed or budget");
  }
  if (r.Bool() != approx_quantiles_) r.Fail("path sample: another kind of quantiles");
  durations_ = Samples(approx_quantiles_);
  durations_.Load(r);
  members_.clear();
  sections_ = 0;
  const size_t n = r.Count();
  if (n > capacity_) r.Fail("path sample: more members than its capacity");
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const uint64_t id_hash = r.U64();
    std::string id = r.Str();
    const int64_t duration = r.I64();
    const uint64_t sections = r.U64();
    const uint64_t path_hash = r.U64();
    Key key(id_hash, std::move(id), duration, sections, path_hash);
    if (!members_.empty() && !(members_.rbegin()->first < key)) {
      r.Fail("path sample: members out of order");
      return;
    }
    Member member;
    member.sections = r.U64();
    member.held = r.Bool();
    if (member.held) member.path.Load(r);
    if (member.sections > max_sections_) r.Fail("path sample: a path beyond the budget");
    sections_ += member.sections;
    members_.emplace_hint(members_.end(), std::move(key), std::move(member));
  }
}

void FindingsCollector::Save(StateWriter& w) const {
  w.U64(options_.max_examples);
  w.Bool(options_.bounded);
  w.U64(options_.bounded ? options_.sampled_visits : 0);
  w.U64(states_.size());
  for (const auto& state : states_) state->Save(w);
}

void FindingsCollector::Load(StateReader& r) {
  if (r.U64() != options_.max_examples) r.Fail("findings: another number of examples");
  if (r.Bool() != options_.bounded) r.Fail("findings: another kind of state");
  if (r.U64() != (options_.bounded ? options_.sampled_visits : 0)) {
    r.Fail("findings: another sample size");
  }
  if (r.Count() != states_.size()) {
    r.Fail("findings: another set of detectors");
    return;
  }
  for (size_t i = 0; i < states_.size() && r.ok(); ++i) {
    states_[i] = Detectors()[i]->NewState(options_);
    states_[i]->Load(r);
  }
}

void TraceAnalyzer::Save(StateWriter& w) const {
  profile_.Save(w);
  findings_.Save(w);
}

void TraceAnalyzer::Load(StateReader& r) {
  profile_.Load(r);
  findings_.Load(r);
}

void DiffSideCollector::Save(StateWriter& w) const {
  w.U64(traces_);
  w.I64(first_start_us_);
  w.I64(last_start_us_);
  w.U64(paths_.size());
  for (const auto& [key, p] : paths_) {
    w.U64(key);
    w.Str(p.path);
    w.I64(p.critical_us);
    w.U64(p.traces);
  }
  w.U64(patterns_.size());
  for (const PatternObservation& o : patterns_) Write(w, o);
  w.U64(durations_.size());
  for (const std::vector<int64_t>& d : durations_) WriteSamples(w, d);
}

void DiffSideCollector::Load(StateReader& r) {
  traces_ = r.U64();
  first_start_us_ = r.I64();
  last_start_us_ = r.I64();
  ReadSortedMap(
      r, "diff paths", &paths_, [&] { return r.U64(); },
      [&](PathTime* p) {
        p->path = r.Str();
        p->critical_us = r.I64();
        p->traces = r.U64();
      });
  if (r.Count() != patterns_.size()) {
    r.Fail("diff side: another set of patterns to verify");
    return;
  }
  for (PatternObservation& o : patterns_) Read(r, &o);
  if (r.Count() != durations_.size()) {
    r.Fail("diff side: another set of budgeted operations");
    return;
  }
  for (std::vector<int64_t>& d : durations_) ReadSamples(r, &d);
}

}  // namespace trace_analyze::analyzer
