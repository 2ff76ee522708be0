#include "formats/trace_groups.h"

#include "formats/decode_util.h"

namespace trace_analyze::formats {

void TraceGroups::Clear() {
  for (size_t i = 0; i < used_; ++i) {
    groups_[i].trace.Reset();
    groups_[i].zipkin = false;
    groups_[i].shared.clear();
  }
  used_ = 0;
  index_.clear();
  last_group_ = kNoGroup;
}

TraceGroups::Group& TraceGroups::FindOrAdd(std::string_view trace_id) {
  key_scratch_.assign(trace_id);
  auto [it, inserted] = index_.try_emplace(key_scratch_, static_cast<uint32_t>(used_));
  if (!inserted) return groups_[it->second];
  if (used_ == groups_.size()) groups_.emplace_back();
  Group& group = groups_[used_++];
  group.trace.Reset();
  group.zipkin = false;
  group.shared.clear();
  group.trace.trace_id = group.trace.arena.Store(trace_id);
  return group;
}

void TraceGroups::Add(const analyzer::Trace& staging, uint32_t index, const StagedSpan& info,
                      bool zipkin) {
  Group& group = FindOrAdd(info.trace_id);
  analyzer::Trace& trace = group.trace;
  analyzer::StringArena& arena = trace.arena;
  const analyzer::Span& in = staging.spans[index];
  analyzer::Span out = in;

  out.span_id = arena.Store(in.span_id);
  out.operation = arena.Store(in.operation);
  const size_t group_index = static_cast<size_t>(&group - groups_.data());
  if (last_group_ != group_index) {
    // The cached names belong to another trace's arena. (An empty cache maps
    // "" to "", which is right.)
    last_group_ = group_index;
    last_service_in_.clear();
    last_service_out_ = {};
    last_host_in_.clear();
    last_host_out_ = {};
  }
  if (in.service == kUnknownService) {
    out.service = kUnknownService;
  } else if (in.service == last_service_in_) {
    out.service = last_service_out_;
  } else {
    out.service = arena.Store(in.service);
    last_service_in_.assign(in.service);
    last_service_out_ = out.service;
  }
  if (in.host == last_host_in_) {
    out.host = last_host_out_;
  } else {
    out.host = arena.Store(in.host);
    last_host_in_.assign(in.host);
    last_host_out_ = out.host;
  }

  out.refs_begin = static_cast<uint32_t>(trace.references.size());
  for (const analyzer::Reference& ref : staging.RefsOf(in)) {
    const std::string_view ref_trace = ref.trace_id.empty() || ref.trace_id == trace.trace_id
                                           ? trace.trace_id
                                           : arena.Store(ref.trace_id);
    trace.references.push_back({ref.type, ref_trace, arena.Store(ref.span_id)});
  }
  out.attrs_begin = static_cast<uint32_t>(trace.attributes.size());
  for (const analyzer::Attribute& attr : staging.AttrsOf(in)) {
    trace.attributes.push_back({arena.Store(attr.key), arena.Store(attr.value)});
  }
  trace.spans.push_back(out);
  if (info.non_hex) ++trace.quality.non_hex_ids;
  if (zipkin) {
    group.zipkin = true;
    group.shared.resize(trace.spans.size() - 1, 0);
    group.shared.push_back(info.zipkin_shared ? 1 : 0);
  }
}

}  // namespace trace_analyze::formats
