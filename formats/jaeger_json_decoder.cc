#include "formats/jaeger_json_decoder.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>

#include "formats/ids.h"
#include "formats/zipkin_shared_spans.h"

namespace trace_analyze::formats {
namespace {

using analyzer::RefType;
using analyzer::Trace;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// The process named `id` (the first of that id), or null. `last` caches the
// previous answer: spans come grouped by process.
const JaegerProcess* FindProcess(const std::vector<JaegerProcess>& processes, std::string_view id,
                                 size_t* last) {
  if (*last < processes.size() && BytesEqual(processes[*last].id, id)) return &processes[*last];
  for (size_t i = 0; i < processes.size(); ++i) {
    if (!processes[i].id.empty() && BytesEqual(processes[i].id, id)) {
      *last = i;
      return &processes[i];
    }
  }
  return nullptr;
}

// Services and hosts of spans [first_span, ...) from their processes, their
// non-hex ids counted, references without a trace id pointed at the trace.
// `trace_hex`: whether the trace's own id is hex.
void ResolveSpans(Trace* trace, uint32_t first_span, const std::vector<JaegerPendingSpan>& pending,
                  const std::vector<JaegerProcess>& processes, bool trace_hex) {
  size_t last = 0;
  for (uint32_t i = first_span; i < trace->spans.size(); ++i) {
    analyzer::Span& span = trace->spans[i];
    const JaegerPendingSpan& p = pending[i - first_span];
    if (p.embedded_process != JaegerPendingSpan::kProcessResolved) {
      const JaegerProcess* process = nullptr;
      if (p.embedded_process >= 0) {
        process = &processes[static_cast<size_t>(p.embedded_process)];
      } else if (!p.process_id.empty()) {
        process = FindProcess(processes, p.process_id, &last);
      }
      span.service = process != nullptr ? process->service : kUnknownService;
      span.host = process != nullptr ? process->host : std::string_view();
    }
    const bool span_trace_hex = p.has_trace_id ? p.trace_id_hex : trace_hex;
    if (!span_trace_hex) {
      ++trace->quality.non_hex_ids;
    } else if (!p.span_id_hex) {
      // A server half split off by SplitZipkinSharedSpans, written back out.
      if (IsSplitServerSpanId(span.span_id)) {
        ++trace->quality.zipkin_shared_spans;
      } else {
        ++trace->quality.non_hex_ids;
      }
    }
    for (uint32_t r = span.refs_begin; r < span.refs_begin + span.refs_count; ++r) {
      if (trace->references[r].trace_id.empty()) trace->references[r].trace_id = trace->trace_id;
    }
  }
}

}  // namespace

void JaegerStreamedTrace::Begin() {
  trace_.Reset();
  processes_.clear();
  pending_.clear();
  first_span_trace_id_ = {};
}

void JaegerStreamedTrace::AppendRun(Trace* part, const std::vector<JaegerPendingSpan>& pending,
                                    std::string_view first_trace_id) {
  const auto refs_base = static_cast<uint32_t>(trace_.references.size());
  const auto attrs_base = static_cast<uint32_t>(trace_.attributes.size());
  const size_t first = trace_.spans.size();
  trace_.spans.insert(trace_.spans.end(), part->spans.begin(), part->spans.end());
  for (size_t i = first; i < trace_.spans.size(); ++i) {
    trace_.spans[i].refs_begin += refs_base;
    trace_.spans[i].attrs_begin += attrs_base;
  }
  trace_.references.insert(trace_.references.end(), part->references.begin(),
                           part->references.end());
  trace_.attributes.insert(trace_.attributes.end(), part->attributes.begin(),
                           part->attributes.end());
  pending_.insert(pending_.end(), pending.begin(), pending.end());
  if (first_span_trace_id_.empty()) first_span_trace_id_ = first_trace_id;
  trace_.arena.Adopt(std::move(part->arena));
  part->Reset();
}

void JaegerStreamedTrace::Finish() {
  if (trace_.trace_id.empty()) trace_.trace_id = first_span_trace_id_;
  std::string scratch;
  const bool trace_hex = trace_.trace_id.empty() || NormalizeTraceIdInto(trace_.trace_id, &scratch);
  ResolveSpans(&trace_, 0, pending_, processes_, trace_hex);
  // Not needed any more, and as big as a tenth of the trace: the analysis
  // that follows should have that memory.
  pending_ = {};
}

const std::string& JaegerJsonDecoder::NormalizeTraceIdCached(std::string_view raw, bool* is_hex) {
  if (!cache_valid_ || !BytesEqual(raw, cache_raw_trace_id_)) {
    cache_raw_trace_id_.assign(raw);
    cache_trace_id_hex_ = NormalizeTraceIdInto(raw, &cache_trace_id_);
    cache_valid_ = true;
  }
  if (is_hex != nullptr) *is_hex = cache_trace_id_hex_;
  return cache_trace_id_;
}

std::string_view JaegerJsonDecoder::StoreTraceId(std::string_view raw, Trace* trace) {
  const std::string& id = NormalizeTraceIdCached(raw, nullptr);
  if (BytesEqual(id, trace->trace_id)) return trace->trace_id;
  if (!BytesEqual(id, last_stored_trace_id_)) last_stored_trace_id_ = trace->arena.Store(id);
  return last_stored_trace_id_;
}

bool JaegerJsonDecoder::DecodeTrace(ondemand::value trace_value, Trace* trace, DecodeError* error) {
  short_strings_.Clear();
  processes_.clear();
  pending_.clear();
  last_stored_trace_id_ = {};
  std::string_view first_span_trace_id;

  auto fail = [&](const char* where, std::string message) {
    error->location = where;
    error->message = std::move(message);
    return false;
  };

  const char* trace_where = Where(trace_value);
  ondemand::object obj;
  if (trace_value.get_object().get(obj)) {
    return fail(trace_where, "trace: " + Mismatch(trace_value, "an object"));
  }
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) return fail(trace_where, JsonErrorText(ec));
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "spans")) {
      ondemand::json_type type{};
      if (auto ec = v.type().get(type); ec) return fail(Where(v), JsonErrorText(ec));
      if (type == ondemand::json_type::null) continue;
      if (!DecodeSpanArray(v, 0, trace, &pending_, &first_span_trace_id, error)) return false;
    } else if (!DecodeTraceMember(key, v, trace, &processes_, /*store_ids=*/false, error)) {
      return false;
    }
  }
  if (trace->trace_id.empty()) trace->trace_id = first_span_trace_id;
  Resolve(trace, 0);
  return true;
}

bool JaegerJsonDecoder::DecodeTraceMember(std::string_view key, ondemand::value& v, Trace* trace,
                                          std::vector<Process>* processes, bool store_ids,
                                          DecodeError* error) {
  auto fail = [&](const char* where, std::string message) {
    error->location = where;
    error->message = std::move(message);
    return false;
  };
  if (KeyIs(key, "traceID")) {
    std::string_view raw;
    if (!ReadString(v, &raw, &read_failure_)) {
      return fail(Where(v), "field 'traceID': " + read_failure_);
    }
    trace->trace_id = trace->arena.Store(NormalizeTraceIdCached(raw, nullptr));
  } else if (KeyIs(key, "processes")) {
    ondemand::json_type type{};
    if (auto ec = v.type().get(type); ec) return fail(Where(v), JsonErrorText(ec));
    if (type == ondemand::json_type::null) return true;
    ondemand::object list;
    if (v.get_object().get(list)) {
      return fail(Where(v), "field 'processes': " + Mismatch(v, "an object"));
    }
    for (auto process_result : list) {
      ondemand::field& process_field = process_result.value_unsafe();
      if (auto ec = process_result.error(); ec) {
        return fail(Where(v), "field 'processes': " + JsonErrorText(ec));
      }
      Process process;
      process.id = RawKey(process_field);
      ondemand::value& process_value = process_field.value();
      const char* where = Where(process_value);
      std::string failure;
      if (!DecodeProcess(process_value, trace, &process, &failure)) {
        return fail(where, fmt::format("process '{}': {}", process.id, failure));
      }
      if (store_ids) process.id = trace->arena.Store(process.id);
      processes->push_back(process);
    }
  }
  return true;
}

bool JaegerJsonDecoder::DecodeTraceMembers(ondemand::value object, JaegerStreamedTrace* streamed,
                                           DecodeError* error) {
  Trace* trace = &streamed->trace_;
  const char* where = Where(object);
  ondemand::object obj;
  if (object.get_object().get(obj)) {
    error->location = where;
    error->message = "trace: " + Mismatch(object, "an object");
    return false;
  }
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      error->location = where;
      error->message = JsonErrorText(ec);
      return false;
    }
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "spans")) {
      // Arrays are streamed as runs; anything else is what DecodeTrace says.
      ondemand::json_type type{};
      if (auto ec = v.type().get(type); ec) {
        error->location = Where(v);
        error->message = JsonErrorText(ec);
        return false;
      }
      if (type == ondemand::json_type::null) continue;
      error->location = Where(v);
      error->message = "field 'spans': " + Mismatch(v, "an array");
      return false;
    }
    if (!DecodeTraceMember(key, v, trace, &streamed->processes_, /*store_ids=*/true, error)) {
      return false;
    }
  }
  return true;
}

bool JaegerJsonDecoder::DecodeSpanArray(ondemand::value array, uint32_t first_index, Trace* trace,
                                        std::vector<PendingSpan>* pending,
                                        std::string_view* first_trace_id, DecodeError* error) {
  ondemand::array spans;
  if (array.get_array().get(spans)) {
    error->location = Where(array);
    error->message = "field 'spans': " + Mismatch(array, "an array");
    return false;
  }
  uint32_t index = first_index;
  for (auto span_result : spans) {
    ondemand::value& span_value = span_result.value_unsafe();
    if (auto ec = span_result.error(); ec) {
      error->location = Where(array);
      error->message = fmt::format("span {}: {}", index, JsonErrorText(ec));
      return false;
    }
    pending->emplace_back();
    if (!DecodeSpanObject(span_value, index, trace, &pending->back(), error)) return false;
    if (first_trace_id->empty() && pending->back().has_trace_id) {
      *first_trace_id = trace->arena.Store(span_trace_id_);
    }
    ++index;
  }
  return true;
}

bool JaegerJsonDecoder::DecodeSpanRun(ondemand::value array, uint32_t first_index, Trace* part,
                                      std::vector<JaegerPendingSpan>* pending,
                                      std::string_view* first_trace_id, DecodeError* error) {
  short_strings_.Clear();
  processes_.clear();
  pending->clear();
  last_stored_trace_id_ = {};
  *first_trace_id = {};
  if (!DecodeSpanArray(array, first_index, part, pending, first_trace_id, error)) return false;
  // The document goes before the trace is complete: keep the process ids,
  // and resolve embedded processes now (this decoder's list is per run).
  for (size_t i = 0; i < pending->size(); ++i) {
    JaegerPendingSpan& p = (*pending)[i];
    p.process_id = short_strings_.Store(p.process_id, &part->arena);
    if (p.embedded_process >= 0) {
      const Process& process = processes_[static_cast<size_t>(p.embedded_process)];
      part->spans[i].service = process.service;
      part->spans[i].host = process.host;
      p.embedded_process = JaegerPendingSpan::kProcessResolved;
    }
  }
  return true;
}

bool JaegerJsonDecoder::DecodeSpan(ondemand::value span_value, size_t index, Trace* trace,
                                   std::string_view* span_trace_id, DecodeError* error) {
  short_strings_.Clear();  // the caller resets `trace` between spans
  processes_.clear();
  pending_.clear();
  last_stored_trace_id_ = {};
  const uint32_t first = static_cast<uint32_t>(trace->spans.size());
  pending_.emplace_back();
  if (!DecodeSpanObject(span_value, static_cast<uint32_t>(index), trace, &pending_.back(), error)) {
    return false;
  }
  *span_trace_id =
      pending_.back().has_trace_id ? trace->arena.Store(span_trace_id_) : std::string_view();
  // References without a traceID point into the span's own trace.
  const std::string_view saved = trace->trace_id;
  trace->trace_id = *span_trace_id;
  Resolve(trace, first);
  trace->trace_id = saved;
  return true;
}

bool JaegerJsonDecoder::DecodeSpans(ondemand::value span_value, size_t index, Trace* staging,
                                    std::vector<StagedSpan>* staged, DecodeError* error) {
  std::string_view trace_id;
  if (!DecodeSpan(span_value, index, staging, &trace_id, error)) return false;
  // A bare span carries one fact per id: a split server half's id (Resolve)
  // is counted as the non-hex id it is.
  const analyzer::DataQuality& q = staging->quality;
  staged->push_back({trace_id, q.non_hex_ids > 0 || q.zipkin_shared_spans > 0, false});
  return true;
}

bool JaegerJsonDecoder::DecodeSpanObject(ondemand::value span_value, uint32_t index, Trace* trace,
                                         PendingSpan* pending, DecodeError* error) {
  const char* span_where = Where(span_value);
  analyzer::Span span = StartSpan(*trace);
  std::string_view parent_span_id;

  auto fail = [&](const char* where, std::string_view field, std::string_view failure) {
    return SpanFailure(error, where, fmt::format("span {}", index), span.span_id, field, failure);
  };

  ondemand::object obj;
  if (span_value.get_object().get(obj)) {
    return fail(span_where, {}, Mismatch(span_value, "an object"));
  }
  bool has_span_id = false;
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) return fail(span_where, {}, JsonErrorText(ec));
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    // Dispatch on length first: this loop runs for every field of every span.
    switch (key.size()) {
      case 4:
        if (KeyIs(key, "tags")) {
          const char* where = Where(v);
          std::string failure;
          if (!DecodeTags(v, trace, &span, &where, &failure)) return fail(where, key, failure);
        }
        break;
      case 6:
        if (KeyIs(key, "spanID")) {
          std::string_view raw;
          if (!ReadString(v, &raw, &read_failure_)) return fail(Where(v), key, read_failure_);
          if (raw.empty()) return fail(Where(v), key, "empty");
          pending->span_id_hex = NormalizeSpanIdInto(raw, &id_scratch_);
          span.span_id = trace->arena.Store(id_scratch_);
          has_span_id = true;
        }
        break;
      case 7:
        if (KeyIs(key, "traceID")) {
          std::string_view raw;
          if (!ReadString(v, &raw, &read_failure_)) return fail(Where(v), key, read_failure_);
          pending->has_trace_id = true;
          bool hex = true;
          span_trace_id_ = NormalizeTraceIdCached(raw, &hex);
          pending->trace_id_hex = hex || raw.empty();
        } else if (KeyIs(key, "process")) {
          Process process;
          const char* where = Where(v);
          std::string failure;
          if (!DecodeProcess(v, trace, &process, &failure)) return fail(where, key, failure);
          pending->embedded_process = static_cast<int32_t>(processes_.size());
          processes_.push_back(process);
        }
        break;
      case 8:
        if (KeyIs(key, "duration")) {
          if (!ReadInt64(v, false, &span.duration_us, &read_failure_)) {
            return fail(Where(v), key, read_failure_);
          }
          span.has_duration = true;
        }
        break;
      case 9:
        if (KeyIs(key, "startTime")) {
          if (!ReadInt64(v, false, &span.start_us, &read_failure_)) {
            return fail(Where(v), key, read_failure_);
          }
          span.has_start = span.start_us != 0;
        } else if (KeyIs(key, "processID")) {
          if (!ReadString(v, &pending->process_id, &read_failure_)) {
            return fail(Where(v), key, read_failure_);
          }
        }
        break;
      case 10:
        if (KeyIs(key, "references")) {
          const char* where = Where(v);
          std::string failure;
          if (!DecodeReferences(v, trace, &where, &failure)) return fail(where, key, failure);
        }
        break;
      case 12:
        if (KeyIs(key, "parentSpanID")) {
          std::string_view raw;
          if (!ReadString(v, &raw, &read_failure_)) return fail(Where(v), key, read_failure_);
          if (!raw.empty()) {
            NormalizeSpanIdInto(raw, &id_scratch_);
            parent_span_id = trace->arena.Store(id_scratch_);
          }
        }
        break;
      case 13:
        if (KeyIs(key, "operationName")) {
          std::string_view name;
          if (!ReadString(v, &name, &read_failure_)) return fail(Where(v), key, read_failure_);
          span.operation = short_strings_.Store(name, &trace->arena);
        }
        break;
      default:
        break;
    }
  }
  if (!has_span_id) return fail(span_where, "spanID", "missing");
  if (span.start_us == 0) span.has_start = false;
  span.refs_count = static_cast<uint32_t>(trace->references.size()) - span.refs_begin;
  if (span.refs_count == 0 && !parent_span_id.empty()) {
    // Old files carry the parent only in the deprecated parentSpanID.
    const std::string_view ref_trace =
        pending->has_trace_id ? StoreTraceId(span_trace_id_, trace) : std::string_view();
    trace->references.push_back({RefType::kChildOf, ref_trace, parent_span_id});
    span.refs_count = 1;
  }
  span.attrs_count = static_cast<uint32_t>(trace->attributes.size()) - span.attrs_begin;
  trace->spans.push_back(span);
  return true;
}

bool JaegerJsonDecoder::DecodeReferences(ondemand::value refs_value, Trace* trace,
                                         const char** where, std::string* failure) {
  ondemand::json_type type{};
  if (auto ec = refs_value.type().get(type); ec) {
    *failure = JsonErrorText(ec);
    return false;
  }
  if (type == ondemand::json_type::null) return true;
  return ForEachObjectElement(refs_value, where, failure, [&](size_t index, ondemand::object& ref) {
    analyzer::Reference reference;
    bool has_span_id = false;
    const bool fields_ok =
        ForEachElementField(ref, index, failure, [&](std::string_view key, ondemand::value& v) {
          if (!KeyIs(key, "refType") && !KeyIs(key, "traceID") && !KeyIs(key, "spanID"))
            return true;
          std::string_view text;
          if (!ReadString(v, &text, &read_failure_)) {
            *where = Where(v);
            *failure = ElementFailure(index, key, read_failure_);
            return false;
          }
          if (KeyIs(key, "refType")) {
            reference.type =
                EqualsIgnoreCase(text, "FOLLOWS_FROM") ? RefType::kFollowsFrom : RefType::kChildOf;
          } else if (KeyIs(key, "traceID")) {
            reference.trace_id = StoreTraceId(text, trace);
          } else {
            NormalizeSpanIdInto(text, &id_scratch_);
            reference.span_id = trace->arena.Store(id_scratch_);
            has_span_id = true;
          }
          return true;
        });
    if (!fields_ok) return false;
    if (!has_span_id) {
      *failure = ElementFailure(index, "spanID", "missing");
      return false;
    }
    trace->references.push_back(reference);
    return true;
  });
}

bool JaegerJsonDecoder::DecodeTags(ondemand::value tags_value, Trace* trace, analyzer::Span* span,
                                   const char** where, std::string* failure) {
  ondemand::json_type type{};
  if (auto ec = tags_value.type().get(type); ec) {
    *failure = JsonErrorText(ec);
    return false;
  }
  if (type == ondemand::json_type::null) return true;
  return ForEachObjectElement(tags_value, where, failure, [&](size_t index, ondemand::object& tag) {
    std::string_view key;
    std::string_view value;
    bool has_key = false;
    const bool fields_ok =
        ForEachElementField(tag, index, failure, [&](std::string_view name, ondemand::value& v) {
          if (KeyIs(name, "key")) {
            if (!ReadString(v, &key, &read_failure_)) {
              *where = Where(v);
              *failure = ElementFailure(index, name, read_failure_);
              return false;
            }
            has_key = true;
          } else if (KeyIs(name, "value")) {
            // int64 values beyond 2^53 arrive as strings: the text is the same.
            if (!ReadValueText(v, &value, &read_failure_)) {
              *where = Where(v);
              *failure = ElementFailure(index, name, read_failure_);
              return false;
            }
          }
          return true;
        });
    if (!fields_ok) return false;
    if (!has_key) {
      *failure = ElementFailure(index, "key", "missing");
      return false;
    }
    ApplySpanAttribute(key, value, span);
    trace->attributes.push_back(
        {short_strings_.Store(key, &trace->arena), short_strings_.Store(value, &trace->arena)});
    return true;
  });
}

bool JaegerJsonDecoder::DecodeProcess(ondemand::value process_value, Trace* trace, Process* process,
                                      std::string* failure) {
  ondemand::object obj;
  if (process_value.get_object().get(obj)) {
    *failure = Mismatch(process_value, "an object");
    return false;
  }
  std::string_view service;
  HostPicker host;
  for (auto field_result : obj) {
    ondemand::field& field = field_result.value_unsafe();
    if (auto ec = field_result.error(); ec) {
      *failure = JsonErrorText(ec);
      return false;
    }
    const std::string_view key = RawKey(field);
    ondemand::value& v = field.value();
    if (KeyIs(key, "serviceName")) {
      if (!ReadString(v, &service, &read_failure_)) {
        *failure = "field 'serviceName': " + read_failure_;
        return false;
      }
    } else if (KeyIs(key, "tags")) {
      ondemand::array tags;
      if (v.get_array().get(tags)) continue;  // null or odd: host stays unknown
      for (auto tag_result : tags) {
        ondemand::object tag;
        if (tag_result.get_object().get(tag)) continue;
        std::string_view tag_key;
        std::string_view tag_value;
        for (auto tag_field_result : tag) {
          ondemand::field& tag_field = tag_field_result.value_unsafe();
          if (auto ec = tag_field_result.error(); ec) {
            *failure = "field 'tags': " + JsonErrorText(ec);
            return false;
          }
          const std::string_view name = RawKey(tag_field);
          if (KeyIs(name, "key")) {
            if (tag_field.value().get_string().get(tag_key)) tag_key = {};
          } else if (KeyIs(name, "value")) {
            if (!ReadValueText(tag_field.value(), &tag_value, &read_failure_)) tag_value = {};
          }
        }
        host.Offer(tag_key, tag_value);
      }
    }
  }
  process->service = service.empty() ? kUnknownService : trace->arena.Store(service);
  process->host = trace->arena.Store(host.value());
  return true;
}

void JaegerJsonDecoder::Resolve(Trace* trace, uint32_t first_span) {
  bool trace_hex = true;
  if (!trace->trace_id.empty()) NormalizeTraceIdCached(trace->trace_id, &trace_hex);
  ResolveSpans(trace, first_span, pending_, processes_, trace_hex);
}

}  // namespace trace_analyze::formats
