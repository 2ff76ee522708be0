// FindBottlenecks() and FindingsCollector: every detector of the registry
// (detector.h) run on each trace, kept across traces, suppressed and ranked.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <regex>
#include <thread>

#include "analyzer/detector.h"
#include "analyzer/detectors.h"
#include "analyzer/reason_text.h"
#include "analyzer/saturating.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

// libstdc++'s std::regex matches recursively, one level per character or
// so: a 100 KiB operation name from a hostile trace overflows the stack with
// a plain ".*". Longer names never match a regex rule (a fingerprint rule
// still suppresses their findings).
constexpr size_t kMaxRegexSubjectBytes = 512;

constexpr size_t kMaxRegexBytes = 1000;
constexpr size_t kMaxRegexDigits = 9;

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

std::string RegexBoundsError(std::string_view pattern) {
  if (pattern.size() > kMaxRegexBytes) {
    return fmt::format("regular expression longer than {} bytes", kMaxRegexBytes);
  }
  size_t digits = 0;
  for (char c : pattern) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits > kMaxRegexDigits) {
      return fmt::format("invalid regular expression: a number of more than {} digits",
                         kMaxRegexDigits);
    }
  }
  return "";
}

std::string DescribeRun(const std::vector<RunStep>& run,
                        const std::function<std::string(const OpName&)>& op,
                        const std::string& arrow) {
  std::string out;
  for (const RunStep& step : run) {
    std::string text;
    for (const OpName& o : step.ops) {
      if (!text.empty()) text += arrow;
      text += op ? op(o) : Describe(o);
    }
    if (step.ops.size() > 1) {
      text.insert(0, 1, '(');
      text += ')';
    }
    if (step.count_max > 1 || step.ops.size() > 1) {
      text += step.count_min == step.count_max
                  ? fmt::format(" ×{}", step.count_max)
                  : fmt::format(" ×{}–{} (p50 {})", step.count_min, step.count_max, step.count_p50);
    }
    if (!out.empty()) out += arrow;
    out += text;
  }
  return out;
}

namespace {

// kCache: calls after the first take no time; everything that started after
// a removed call moves earlier by the removed time before it.
void RetimeCache(FindingExample& example) {
  std::vector<ExampleSpan>& children = example.children;
  std::vector<std::pair<int64_t, int64_t>> removed;  // [start, end) of the cached calls
  bool first = true;
  for (ExampleSpan& s : children) {  // start order
    if (!s.member) continue;
    if (first) {
      first = false;
      continue;
    }
    s.retimed_duration_us = 0;
    removed.emplace_back(s.start_us, s.start_us + s.duration_us);
  }
  // Removed time before `t`: the union of the removed intervals, up to t.
  std::vector<std::pair<int64_t, int64_t>> clipped;
  const auto removed_before = [&](int64_t t) {
    clipped.clear();
    for (const auto& [a, b] : removed) {
      if (a < t) clipped.emplace_back(a, std::min(b, t));
    }
    return internal::UnionLength(clipped);
  };
  int64_t last_end = 0;
  for (ExampleSpan& s : children) {
    s.retimed_start_us = s.start_us - removed_before(s.start_us);
    last_end = std::max(last_end, s.retimed_start_us + s.retimed_duration_us);
  }
  example.retimed_parent_duration_us =
      std::max(example.parent_duration_us - removed_before(example.parent_duration_us), last_end);
}

}  // namespace

void ExampleRetime(FindingExample& example) {
  std::vector<ExampleSpan>& children = example.children;
  int64_t chain_start = INT64_MAX, old_end = INT64_MIN;
  for (const ExampleSpan& s : children) {
    if (!s.member) continue;
    chain_start = std::min(chain_start, s.start_us);
    old_end = std::max(old_end, s.start_us + s.duration_us);
  }
  example.retimed_parent_duration_us = example.parent_duration_us;
  for (ExampleSpan& s : children) {
    s.retimed_start_us = s.start_us;
    s.retimed_duration_us = s.duration_us;
  }
  if (chain_start == INT64_MAX) return;
  if (example.model == RetimeModel::kCache) {
    RetimeCache(example);
    return;
  }
  // Blocks: members in start order, consecutive calls of one operation
  // together (a loop stays a loop); each moves to chain_start.
  int64_t new_end = INT64_MIN;
  for (size_t i = 0; i < children.size();) {
    if (!children[i].member) {
      ++i;
      continue;
    }
    size_t j = i + 1;  // past the block (other children inside it stay put)
    while (example.model == RetimeModel::kConcurrent && j < children.size() &&
           (!children[j].member || children[j].name == children[i].name)) {
      ++j;
    }
    const int64_t shift = chain_start - children[i].start_us;
    for (size_t k = i; k < j; ++k) {
      if (!children[k].member) continue;
      children[k].retimed_start_us = children[k].start_us + shift;
      new_end = std::max(new_end, children[k].retimed_start_us + children[k].duration_us);
    }
    i = j;
  }
  const int64_t gain = std::max<int64_t>(0, old_end - new_end);
  int64_t last_end = 0;
  for (ExampleSpan& s : children) {
    if (!s.member && s.start_us >= old_end) s.retimed_start_us = s.start_us - gain;
    last_end = std::max(last_end, s.retimed_start_us + s.duration_us);
  }
  example.retimed_parent_duration_us =
      std::max(example.parent_duration_us - gain, std::max<int64_t>(last_end, 0));
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

TraceFindings::TraceFindings() = default;
TraceFindings::TraceFindings(TraceFindings&&) noexcept = default;
TraceFindings& TraceFindings::operator=(TraceFindings&&) noexcept = default;
TraceFindings::~TraceFindings() = default;

TraceFindings FindBottlenecks(const Trace& trace, const CriticalPath& path,
                              const DetectorConfig& config, const CpOptions& cp, size_t threads) {
  TraceFindings out;
  const std::span<const Detector* const> detectors = Detectors();
  out.by_detector.resize(detectors.size());
  if (trace.spans.empty()) return out;
  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  std::vector<Call> calls;
  calls.reserve(trace.spans.size());
  for (const Span& span : trace.spans) calls.push_back(internal::CallOf(trace, span));
  const DetectorContext ctx{trace, path, critical, calls, config, cp};
  // Detectors are claimed in registry order by this thread and its helpers.
  std::atomic<size_t> next{0};
  const auto observe = [&] {
    for (size_t i = next++; i < detectors.size(); i = next++) {
      if (detectors[i]->Enabled(config)) out.by_detector[i] = detectors[i]->Observe(ctx);
    }
  };
  std::vector<std::thread> helpers;
  if (trace.spans.size() >= kParallelDetectorSpans) {
    for (size_t t = 1; t < std::min(threads, detectors.size()); ++t) helpers.emplace_back(observe);
  }
  observe();
  for (std::thread& helper : helpers) helper.join();
  return out;
}

FindingsCollector::FindingsCollector(size_t max_examples)
    : FindingsCollector(StateOptions{.max_examples = max_examples}) {}

FindingsCollector::FindingsCollector(const StateOptions& options) : options_(options) {
  for (const Detector* d : Detectors()) states_.push_back(d->NewState(options));
}

FindingsCollector::FindingsCollector(const FindingsCollector& other) : options_(other.options_) {
  for (const auto& s : other.states_) states_.push_back(s->Clone());
}

FindingsCollector& FindingsCollector::operator=(const FindingsCollector& other) {
  if (this != &other) *this = FindingsCollector(other);
  return *this;
}

FindingsCollector::FindingsCollector(FindingsCollector&&) noexcept = default;
FindingsCollector& FindingsCollector::operator=(FindingsCollector&&) noexcept = default;
FindingsCollector::~FindingsCollector() = default;

void FindingsCollector::Add(const std::string& trace_id, int64_t trace_duration_us,
                            const TraceFindings& found) {
  const TraceRef trace{trace_id, trace_duration_us};
  for (size_t i = 0; i < found.by_detector.size() && i < states_.size(); ++i) {
    if (found.by_detector[i] != nullptr) states_[i]->Add(trace, *found.by_detector[i]);
  }
}

void FindingsCollector::Merge(const FindingsCollector& other) {
  for (size_t i = 0; i < states_.size(); ++i) states_[i]->Merge(*other.states_[i]);
}

std::vector<Finding> FindingsCollector::Build(const DetectorConfig& config, size_t limit) const {
  std::vector<Finding> findings;
  for (const auto& state : states_) state->Build(config, &findings);
  // Suppression, then the ranking: unsuppressed first, by Σ realistic
  // saving, then Σ optimistic, then fingerprint.
  std::vector<const IgnoreRule*> rules;
  rules.reserve(findings.size());
  for (Finding& f : findings) {
    const std::vector<OpName> parents =
        f.parents.empty() ? std::vector<OpName>{f.parent} : f.parents;
    const IgnoreRule* rule = FindIgnoreRule(config, f.fingerprint, parents, f.sequence);
    if (rule != nullptr) {
      f.suppressed = true;
      f.suppressed_reason = rule->reason.empty() ? "ignored by the config" : rule->reason;
    }
  }
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.suppressed != b.suppressed) return !a.suppressed;
    if (a.realistic.total_us != b.realistic.total_us) {
      return a.realistic.total_us > b.realistic.total_us;
    }
    if (a.optimistic.total_us != b.optimistic.total_us) {
      return a.optimistic.total_us > b.optimistic.total_us;
    }
    return a.fingerprint < b.fingerprint;
  });
  if (limit > 0 && findings.size() > limit) findings.resize(limit);
  return findings;
}

}  // namespace trace_analyze::analyzer
