#include "reports/json_util.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace trace_analyze::reports {

double Round4(double x) { return std::round(x * 1e4) / 1e4; }

Json InputJson(const analyzer::InputSummary& in) {
  Json problems = Json::array();
  for (const std::string& p : in.problems) problems.push_back(p);
  Json out{{"files", in.files},
           {"bytes", in.bytes},
           {"problemsTotal", in.problems_total},
           {"problems", std::move(problems)}};
  if (!in.server.empty()) out["server"] = in.server;
  out["partial"] = in.partial;
  out["partialReasons"] = in.partial_reasons;
  if (!in.ui_url.empty()) out["uiUrl"] = in.ui_url;
  return out;
}

Json QualityJson(const analyzer::DataQuality& q) {
  Json out = Json::object();
  q.ForEach([&](std::string_view name, uint64_t value) { out[std::string(name)] = value; });
  return out;
}

Json RunJson(const std::vector<analyzer::RunStep>& run) {
  Json out = Json::array();
  for (const analyzer::RunStep& step : run) {
    Json ops = Json::array();
    for (const analyzer::OpName& o : step.ops) ops.push_back(OpJson(o));
    out.push_back(Json{{"ops", std::move(ops)},
                       {"countMin", step.count_min},
                       {"countP50", step.count_p50},
                       {"countMax", step.count_max}});
  }
  return out;
}

Json OpJson(const analyzer::OpName& o) {
  return Json{{"service", o.service}, {"operation", o.operation}};
}

void Dump(const Json& doc, std::ostream& out) {
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void AppendJsonString(std::string_view text, fmt::memory_buffer& out) {
  // Printable ASCII other than '"' and '\\' is written as is; anything else
  // goes through nlohmann, so escapes and replacements stay Dump's.
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (!plain) {
    const std::string quoted =
        Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    out.append(quoted.data(), quoted.data() + quoted.size());
    return;
  }
  out.push_back('"');
  out.append(text.data(), text.data() + text.size());
  out.push_back('"');
}

}  // namespace trace_analyze::reports
