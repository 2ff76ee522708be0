// N+1 loops: a parent calling one operation many times (a batch would do),
// calls grouped by what they call. Rules: docs/detectors.md §2.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "analyzer/call_patterns.h"
#include "analyzer/name_memo.h"
#include "analyzer/parameterize.h"
#include "analyzer/reason_text.h"
#include "analyzer/saturating.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

using namespace internal;  // NOLINT: the detectors' shared helpers (detector.h)

// A loop of calls without parameters may have other calls in its body: at
// most this many between two of its calls.
constexpr size_t kMaxLoopStride = 4;

class NPlusOneDetector : public CallPatternDetector {
 public:
  FindingKind kind() const override { return FindingKind::kNPlusOne; }
  bool Enabled(const DetectorConfig& config) const override { return config.n_plus_one.enabled; }
  std::unique_ptr<Observation> Observe(const DetectorContext& ctx) const override;
  void Explain(const CallPattern& p, Finding* f) const override;
};

std::unique_ptr<Observation> NPlusOneDetector::Observe(const DetectorContext& ctx) const {
  auto seen = std::make_unique<InstanceObservation>();
  std::vector<FindingInstance>* out = &seen->instances;
  const Trace& t = ctx.trace;
  const NPlusOneConfig& cfg = ctx.config.n_plus_one;
  // Buffers kept per thread: once grown, a trace costs no allocation here.
  struct Scratch {
    std::string templ;
    KeyedSpans keyed;
    std::vector<SpanIndex> members;
    absl::flat_hash_set<std::string_view> texts;  // a group's distinct call texts
    std::vector<std::pair<int64_t, int64_t>> intervals;
    std::vector<uint32_t> positions;  // of a group's calls among the parent's children
    // significant[k]: children[0, k) that are not noise (min_span_us) and
    // block the parent.
    std::vector<uint32_t> significant;
  };
  thread_local Scratch scratch;
  // A call's group key (service, parameterised call text) by its strings.
  thread_local NameMemo<uint64_t> memo;
  memo.Clear();
  std::string& templ = scratch.templ;
  KeyedSpans& keyed = scratch.keyed;
  std::vector<SpanIndex>& members = scratch.members;
  absl::flat_hash_set<std::string_view>& texts = scratch.texts;
  std::vector<std::pair<int64_t, int64_t>>& intervals = scratch.intervals;
  std::vector<uint32_t>& positions = scratch.positions;
  std::vector<uint32_t>& significant = scratch.significant;
  const int64_t noise = ctx.config.sequential.min_span_us;
  for (SpanIndex p = 0; p < t.spans.size(); ++p) {
    const auto children = t.topology.ChildrenOf(p);
    if (children.size() < cfg.min_calls) continue;
    // Group by (service, call template); keyed by position among the children.
    keyed.clear();
    significant.assign(1, 0);
    for (size_t k = 0; k < children.size(); ++k) {
      const SpanIndex c = children[k];
      const std::string_view service = t.spans[c].service, text = ctx.calls[c].text();
      const uint64_t key = memo.Get(service, text, [&] {
        ParameterizeInto(text, &templ);
        return AddToKey(AddToKey(0, service), templ);
      });
      keyed.emplace_back(key, static_cast<SpanIndex>(k));
      const bool counts = t.spans[c].duration_us >= noise && BlocksParent(t, c);
      significant.push_back(significant.back() + (counts ? 1 : 0));
    }
    std::sort(keyed.begin(), keyed.end());
    std::optional<OpName> parent_name;  // NameOf(p), once a group needs it
    ForEachGroup(keyed, cfg.min_calls, [&](size_t begin, size_t end) {
      members.clear();
      positions.clear();
      bool any_parameters = false;  // a call recorded a statement or URL
      for (size_t k = begin; k < end; ++k) {
        const SpanIndex c = children[keyed[k].second];
        members.push_back(c);
        positions.push_back(keyed[k].second);
        any_parameters |= ctx.calls[c].from_attribute();
      }
      std::sort(members.begin(), members.end());  // input order: a deterministic first member
      // Whether the texts are distinct enough: counted until they are (a
      // loop over items usually shows it by its second call).
      texts.clear();
      for (SpanIndex c : members) {
        if (texts.insert(ctx.calls[c].text()).second && texts.size() >= cfg.min_distinct_params) {
          break;
        }
      }
      bool no_parameters = false;
      if (texts.size() < cfg.min_distinct_params) {
        // Identical calls with a statement or URL are repeated calls (a cache
        // fits); calls that record none (most RPC spans) cannot show their
        // parameters, so a loop is recognised by its shape instead: at least
        // min_calls calls that are not noise (min_span_us), each within
        // kMaxLoopStride other such children of the previous one (a loop
        // body of up to that many calls: (A → B) ×N).
        if (any_parameters) return;
        // Positions are in start order (keys equal, sorted by position).
        size_t run = 0, longest_run = 0;
        uint32_t previous = UINT32_MAX;  // the last significant call's position
        for (uint32_t pos : positions) {
          if (significant[pos + 1] == significant[pos]) continue;  // noise: not a call
          const uint32_t between =
              previous == UINT32_MAX ? UINT32_MAX : significant[pos] - significant[previous + 1];
          run = between <= kMaxLoopStride ? run + 1 : 1;
          longest_run = std::max(longest_run, run);
          previous = pos;
        }
        if (longest_run < cfg.min_calls) return;
        no_parameters = true;
      }
      FindingInstance f;
      if (!parent_name) parent_name = NameOf(t.spans[p]);
      f.parent = *parent_name;
      f.call = NameOf(t.spans[members.front()]);
      intervals.clear();
      int64_t longest = 0;
      for (SpanIndex c : members) {
        const Span& s = t.spans[c];
        f.total_us = SatAdd(f.total_us, s.duration_us);
        f.critical_us = SatAdd(f.critical_us, ctx.critical[c]);
        longest = std::max(longest, s.duration_us);
        intervals.emplace_back(s.start_us, s.end_us());
      }
      if (f.total_us < cfg.min_total_us) return;
      f.calls = static_cast<uint32_t>(members.size());
      f.union_us = UnionLength(intervals);
      // Batching turns the loop into about one call as long as the longest.
      f.optimistic_us = std::max<int64_t>(0, f.union_us - longest);
      f.realistic_us = std::clamp<int64_t>(f.critical_us - longest, 0, f.optimistic_us);
      f.no_parameters = no_parameters;
      const std::string call = Parameterize(ctx.calls[members.front()].text());
      if (!no_parameters) f.example_key = call;  // else it is the operation name
      f.fingerprint = PatternFingerprint(
          {"n_plus_one", f.parent.service, f.parent.operation, f.call.service, call});
      if (ctx.config.keep_examples) {
        f.example = ExamplePicture(t, ctx.critical, p, members, RetimeModel::kBatch);
      }
      out->push_back(std::move(f));
    });
  }
  if (out->empty()) return nullptr;
  return seen;
}

void NPlusOneDetector::Explain(const CallPattern& p, Finding* f) const {
  const int64_t union_p50 = p.union_us.Percentile(50);
  const int64_t total_p50 = p.total_us.Percentile(50);
  const bool sequential_loop = union_p50 * 10 >= total_p50 * 8;
  // Without recorded parameters the loop may repeat one identical call (then
  // a cache fits better than a batch): one step less sure.
  const bool no_parameters = p.no_parameters * 2 > p.instances;
  f->confidence = sequential_loop ? Confidence::kHigh : Confidence::kMedium;
  if (no_parameters) f->confidence = LowerConfidence(f->confidence);
  f->reasons.push_back(
      fmt::format("{} calls {} {} times per instance (p50; max {}){}: batch them into one call.",
                  Describe(f->parent), Describe(p.call), f->calls_p50, f->calls_max,
                  no_parameters ? "" : " with different parameters"));
  const std::string union_text = DurationText(union_p50, DurationUnit::kMicros);
  const std::string total_text = DurationText(total_p50, DurationUnit::kMicros);
  f->reasons.push_back(
      sequential_loop ? fmt::format("The calls ran one after another (union {} of {} total, p50).",
                                    union_text, total_text)
                      : fmt::format("The calls already overlap (union {} of {} total, p50); "
                                    "batching saves per-call overhead.",
                                    union_text, total_text));
  if (no_parameters) {
    f->reasons.push_back(
        "The calls record no parameters (no statement or URL), so whether they ask for "
        "different items cannot be seen; confidence lowered one step.");
  }
}

}  // namespace

const Detector& NPlusOneDetectorInstance() {
  static const NPlusOneDetector kDetector;
  return kDetector;
}

}  // namespace trace_analyze::analyzer
