// Jaeger UI JSON ({"data": [...]}) for traces built in memory, so CLI tests
// can run the tool on generated inputs. Trace and span ids are renumbered as
// hex (trace k → k + 1, span i → i + 1) so the file reads like a real download.
#ifndef TRACE_ANALYZE_TESTS_TESTING_JAEGER_JSON_H_
#define TRACE_ANALYZE_TESTS_TESTING_JAEGER_JSON_H_

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/model.h"

namespace trace_analyze::testing {

inline std::string JaegerJson(const std::vector<analyzer::Trace>& traces,
                              uint64_t first_trace = 1) {
  using Json = nlohmann::ordered_json;
  Json data = Json::array();
  for (size_t k = 0; k < traces.size(); ++k) {
    const analyzer::Trace& t = traces[k];
    const std::string trace_id = fmt::format("{:016x}", first_trace + k);
    std::unordered_map<std::string_view, std::string> ids;
    for (size_t i = 0; i < t.spans.size(); ++i) {
      ids[t.spans[i].span_id] = fmt::format("{:016x}", i + 1);
    }
    std::map<std::string, std::string> processes;  // service → process id
    Json spans = Json::array();
    for (const analyzer::Span& s : t.spans) {
      auto [p, added] =
          processes.try_emplace(std::string(s.service), fmt::format("p{}", processes.size() + 1));
      Json refs = Json::array();
      for (uint32_t r = 0; r < s.refs_count; ++r) {
        const analyzer::Reference& ref = t.references[s.refs_begin + r];
        refs.push_back(
            {{"refType", ref.type == analyzer::RefType::kChildOf ? "CHILD_OF" : "FOLLOWS_FROM"},
             {"traceID", trace_id},
             {"spanID", ids.at(ref.span_id)}});
      }
      Json tags = Json::array();
      for (const analyzer::Attribute& a : t.AttrsOf(s)) {
        tags.push_back(
            {{"key", std::string(a.key)}, {"type", "string"}, {"value", std::string(a.value)}});
      }
      spans.push_back({{"traceID", trace_id},
                       {"spanID", ids.at(s.span_id)},
                       {"operationName", std::string(s.operation)},
                       {"references", std::move(refs)},
                       {"startTime", s.start_us},
                       {"duration", s.duration_us},
                       {"tags", std::move(tags)},
                       {"processID", p->second}});
    }
    Json procs = Json::object();
    for (const auto& [service, id] : processes) {
      procs[id] = {{"serviceName", service}, {"tags", Json::array()}};
    }
    data.push_back({{"traceID", trace_id}, {"spans", std::move(spans)}, {"processes", procs}});
  }
  return Json{{"data", std::move(data)}}.dump();
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_JAEGER_JSON_H_
