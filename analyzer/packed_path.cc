#include "analyzer/packed_path.h"

#include <unordered_map>

namespace trace_analyze::analyzer {

PackedPath::PackedPath(const Trace& trace, const CriticalPath& path)
    : trace_id_(trace.trace_id),
      start_us_(trace.StartUs()),
      duration_us_(trace.EndUs() - start_us_),
      critical_path_us_(path.total_us) {
  auto append = [this](std::string_view s) {
    const Text t{text_.size(), s.size()};
    text_.append(s);
    return t;
  };
  // Services and operations repeat along a path: each distinct one is stored
  // once. The keys view the trace's own strings, alive while this runs.
  std::unordered_map<std::string_view, Text> names;
  auto name = [&](std::string_view s) {
    auto [it, added] = names.try_emplace(s);
    if (added) it->second = append(s);
    return it->second;
  };

  const std::vector<int64_t> critical = CriticalTimePerSpan(trace, path);
  // Tree depth of every span, in one pass from the roots (traces can be a
  // million spans deep, so no per-span walk up).
  std::vector<uint32_t> depth(trace.spans.size(), 0);
  std::vector<SpanIndex> stack(trace.topology.roots.begin(), trace.topology.roots.end());
  while (!stack.empty()) {
    const SpanIndex i = stack.back();
    stack.pop_back();
    for (SpanIndex c : trace.topology.ChildrenOf(i)) {
      depth[c] = depth[i] + 1;
      stack.push_back(c);
    }
  }
  // Spans are listed in section order of first appearance.
  constexpr uint32_t kUnlisted = UINT32_MAX;
  std::vector<uint32_t> row_of(trace.spans.size(), kUnlisted);
  sections_.reserve(path.sections.size());
  for (const CpSection& s : path.sections) {
    uint32_t& row = row_of[s.span];
    if (row == kUnlisted) {
      row = static_cast<uint32_t>(spans_.size());
      const Span& span = trace.spans[s.span];
      SpanRow r;
      r.span_id = append(span.span_id);
      r.service = name(span.service);
      r.operation = name(span.operation);
      r.start_us = span.start_us;
      r.duration_us = span.duration_us;
      r.self_us = SelfTimeOf(trace, s.span);
      r.critical_us = critical[s.span];
      r.depth = depth[s.span];
      spans_.push_back(r);
    }
    sections_.push_back({row, s.start_us, s.end_us});
  }
  text_.shrink_to_fit();
  spans_.shrink_to_fit();
}

TracePath PackedPath::Unpack() const {
  TracePath out;
  out.trace_id = trace_id_;
  out.start_us = start_us_;
  out.duration_us = duration_us_;
  out.critical_path_us = critical_path_us_;
  out.sections.reserve(sections_.size());
  for (const SectionRow& s : sections_) {
    const SpanRow& r = spans_[s.span];
    out.sections.push_back({std::string(View(r.span_id)),
                            {std::string(View(r.service)), std::string(View(r.operation))},
                            s.start_us,
                            s.end_us});
  }
  out.spans.reserve(spans_.size());
  for (const SpanRow& r : spans_) {
    out.spans.push_back({std::string(View(r.span_id)),
                         {std::string(View(r.service)), std::string(View(r.operation))},
                         r.start_us,
                         r.duration_us,
                         r.self_us,
                         r.critical_us,
                         r.depth});
  }
  return out;
}

}  // namespace trace_analyze::analyzer
