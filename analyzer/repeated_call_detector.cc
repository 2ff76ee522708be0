// Repeated identical calls: the same call with the same parameters made more
// than once in one trace (a cache would do). Rules: docs/detectors.md §3.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/call_patterns.h"
#include "analyzer/parameterize.h"
#include "analyzer/reason_text.h"
#include "analyzer/saturating.h"

namespace trace_analyze::analyzer {
namespace {

using namespace internal;  // NOLINT: the detectors' shared helpers (detector.h)

bool IsReadOnly(std::string_view method_or_statement) {
  std::string head;
  for (char c : method_or_statement.substr(0, 8)) {
    if (c == ' ') break;
    head.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return head == "GET" || head == "HEAD" || head == "SELECT";
}

class RepeatedCallDetector : public CallPatternDetector {
 public:
  FindingKind kind() const override { return FindingKind::kRepeatedCall; }
  bool Enabled(const DetectorConfig& config) const override { return config.repeated.enabled; }
  std::unique_ptr<Observation> Observe(const DetectorContext& ctx) const override;
  void Explain(const CallPattern& p, Finding* f) const override;
};

std::unique_ptr<Observation> RepeatedCallDetector::Observe(const DetectorContext& ctx) const {
  auto seen = std::make_unique<InstanceObservation>();
  std::vector<FindingInstance>* out = &seen->instances;
  const Trace& t = ctx.trace;
  const RepeatedCallConfig& cfg = ctx.config.repeated;
  // Buffers kept per thread: once grown, a trace costs no allocation here.
  struct Scratch {
    std::vector<uint64_t> identity;
    KeyedSpans keyed;
    std::vector<SpanIndex> members;
    std::vector<std::pair<int64_t, int64_t>> intervals;
    std::string templ;
  };
  thread_local Scratch scratch;
  KeyedSpans& keyed = scratch.keyed;
  // The identity of a call (service, operation, call text, key attributes) as
  // a hash; 0 when the call text has no parameters (then "identical" cannot
  // be told). Identical calls have identical texts: only the spans of a text
  // at least min_calls spans share get one (most texts carry a unique value).
  keyed.clear();
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (ctx.calls[i].from_attribute()) keyed.emplace_back(AddToKey(0, ctx.calls[i].text()), i);
  }
  KeepGroupsOfAtLeast(keyed, cfg.min_calls);
  std::vector<uint64_t>& identity = scratch.identity;
  identity.assign(t.spans.size(), 0);
  // Marked, then computed in span order: the spans and their attributes are
  // read front to back, not at random (a big trace's spans do not fit in any
  // cache).
  for (const auto& [text_key, span] : keyed) identity[span] = 1;
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (identity[i] == 0) continue;
    const Span& s = t.spans[i];
    uint64_t h = AddToKey(AddToKey(AddToKey(0, s.service), s.operation), ctx.calls[i].text());
    for (std::string_view v : KeyAttributeValues(t, s)) h = AddToKey(h, v);
    identity[i] = h == 0 ? 1 : h;
  }
  keyed.clear();
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (identity[i] == 0) continue;
    // A span whose parent is the same call is one call seen by two layers of
    // instrumentation (e.g. a proxy and its handler), not a repeat.
    const SpanIndex parent = t.topology.tree_parent[i];
    if (parent != kNoSpan && identity[parent] == identity[i]) continue;
    keyed.emplace_back(identity[i], i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<SpanIndex>& members = scratch.members;
  std::vector<std::pair<int64_t, int64_t>>& intervals = scratch.intervals;
  ForEachGroup(keyed, cfg.min_calls, [&](size_t begin, size_t end) {
    members.clear();
    for (size_t k = begin; k < end; ++k) members.push_back(keyed[k].second);
    std::sort(members.begin(), members.end(), [&](SpanIndex a, SpanIndex b) {
      return t.spans[a].start_us != t.spans[b].start_us ? t.spans[a].start_us < t.spans[b].start_us
                                                        : a < b;
    });
    const Span& first = t.spans[members.front()];
    FindingInstance f;
    const SpanIndex parent = t.topology.tree_parent[members.front()];
    f.parent = parent == kNoSpan ? OpName{} : NameOf(t.spans[parent]);
    f.call = NameOf(first);
    const std::string_view text = ctx.calls[members.front()].text();
    intervals.clear();
    int64_t max_critical = 0;
    for (SpanIndex c : members) {
      f.total_us = SatAdd(f.total_us, t.spans[c].duration_us);
      f.critical_us = SatAdd(f.critical_us, ctx.critical[c]);
      max_critical = std::max(max_critical, ctx.critical[c]);
      intervals.emplace_back(t.spans[c].start_us, t.spans[c].end_us());
    }
    f.calls = static_cast<uint32_t>(members.size());
    f.union_us = UnionLength(intervals);
    // A cache would serve every call after the first.
    f.optimistic_us = f.total_us - first.duration_us;
    f.realistic_us = std::clamp<int64_t>(f.critical_us - max_critical, 0, f.optimistic_us);
    if (f.optimistic_us < cfg.min_wasted_us) return;
    f.example_key = std::string(text);
    std::string_view method = t.FindAttr(first, "http.method");
    if (method.empty()) method = t.FindAttr(first, "http.request.method");
    f.read_only = IsReadOnly(method.empty() ? text : method);
    ParameterizeInto(text, &scratch.templ);
    f.fingerprint =
        PatternFingerprint({"repeated_call", f.call.service, f.call.operation, scratch.templ});
    if (ctx.config.keep_examples && parent != kNoSpan) {
      // The calls under the first one's parent (identical calls may sit
      // under several parents).
      std::vector<SpanIndex> siblings;
      for (SpanIndex c : members) {
        if (t.topology.tree_parent[c] == parent) siblings.push_back(c);
      }
      f.example = ExamplePicture(t, ctx.critical, parent, std::move(siblings), RetimeModel::kCache);
    }
    out->push_back(std::move(f));
  });
  if (out->empty()) return nullptr;
  return seen;
}

void RepeatedCallDetector::Explain(const CallPattern& p, Finding* f) const {
  f->confidence = p.writes == 0 ? Confidence::kHigh : Confidence::kMedium;
  f->reasons.push_back(fmt::format(
      "{} was called {} times per trace (p50; max {}) with identical parameters: cache the "
      "result or reuse it.",
      Describe(p.call), f->calls_p50, f->calls_max));
  if (p.writes > 0) {
    f->reasons.push_back(
        "The call may write (not GET/HEAD/SELECT): check that repeating it is not intended "
        "before caching.");
  }
}

}  // namespace

const Detector& RepeatedCallDetectorInstance() {
  static const RepeatedCallDetector kDetector;
  return kDetector;
}

}  // namespace trace_analyze::analyzer
