// dashboards/optimization-impact.json charts only what `--format openmetrics`
// writes: every metric its queries name is a family of some golden
// OpenMetrics report, and every label they select on is one of the reports'
// labels or one the Pushgateway adds (docs/ci.md). Runs from the project root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace trace_analyze::reports {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Families (from "# TYPE" lines) and label names of every golden report.
struct Emitted {
  std::set<std::string> families, labels;
};

Emitted EmittedByGoldens() {
  Emitted out;
  static const std::regex kType(R"(^# TYPE (\S+) gauge$)");
  static const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)=")");
  for (const auto& entry : std::filesystem::directory_iterator("tests/golden")) {
    if (entry.path().extension() != ".openmetrics") continue;
    std::istringstream lines(Read(entry.path()));
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (std::regex_match(line, m, kType)) out.families.insert(m[1]);
      if (line.empty() || line[0] == '#') continue;
      // Label names sit before '="'; values never contain an unescaped '"'.
      const std::string labels = line.substr(0, line.rfind(' '));
      for (auto it = std::sregex_iterator(labels.begin(), labels.end(), kLabel);
           it != std::sregex_iterator(); ++it) {
        out.labels.insert((*it)[1]);
      }
    }
  }
  return out;
}

// Every query of the dashboard: panel targets and template variables.
std::vector<std::string> Queries(const nlohmann::json& dashboard) {
  std::vector<std::string> out;
  for (const nlohmann::json& panel : dashboard.at("panels")) {
    for (const nlohmann::json& target : panel.at("targets")) out.push_back(target.at("expr"));
  }
  for (const nlohmann::json& variable : dashboard.at("templating").at("list")) {
    out.push_back(variable.at("definition"));
  }
  return out;
}

TEST(DashboardTest, QueriesNameOnlyEmittedMetricsAndLabels) {
  const nlohmann::json dashboard =
      nlohmann::json::parse(Read("dashboards/optimization-impact.json"));
  const Emitted emitted = EmittedByGoldens();
  ASSERT_GT(emitted.families.size(), 20u);
  // Added by the Pushgateway's grouping key and by Prometheus (docs/ci.md).
  std::set<std::string> labels = emitted.labels;
  labels.insert({"job", "instance", "app", "deploy"});
  static const std::regex kMetric(R"(trace_analyze_[a-z0-9_]+)");
  static const std::regex kSelector(R"(([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*")");
  std::set<std::string> used;
  for (const std::string& query : Queries(dashboard)) {
    for (auto it = std::sregex_iterator(query.begin(), query.end(), kMetric);
         it != std::sregex_iterator(); ++it) {
      const std::string metric = (*it)[0];
      used.insert(metric);
      EXPECT_TRUE(emitted.families.count(metric)) << metric << " in " << query;
    }
    for (auto it = std::sregex_iterator(query.begin(), query.end(), kSelector);
         it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(labels.count((*it)[1])) << "label " << (*it)[1] << " in " << query;
    }
  }
  // The panels the issue and docs/ci.md promise are there.
  for (const char* metric :
       {"trace_analyze_diff_pass", "trace_analyze_diff_latency_seconds",
        "trace_analyze_diff_throughput_per_second", "trace_analyze_diff_error_ratio",
        "trace_analyze_diff_target_status", "trace_analyze_diff_service_critical_path_share",
        "trace_analyze_diff_findings", "trace_analyze_finding_saving_seconds"}) {
    EXPECT_TRUE(used.count(metric)) << metric << " not charted";
  }
}

// Importable as is: the data source is an import input, every panel has a
// place, a data source and queries with distinct reference ids.
TEST(DashboardTest, ImportableShape) {
  const nlohmann::json d = nlohmann::json::parse(Read("dashboards/optimization-impact.json"));
  ASSERT_EQ(d.at("__inputs").size(), 1u);
  EXPECT_EQ(d.at("__inputs")[0].at("name"), "DS_PROMETHEUS");
  EXPECT_FALSE(d.at("uid").get<std::string>().empty());
  std::set<int> ids;
  for (const nlohmann::json& panel : d.at("panels")) {
    EXPECT_TRUE(ids.insert(panel.at("id").get<int>()).second);
    EXPECT_EQ(panel.at("datasource").at("uid"), "${DS_PROMETHEUS}");
    for (const char* k : {"x", "y", "w", "h"}) EXPECT_TRUE(panel.at("gridPos").contains(k));
    std::set<std::string> refs;
    ASSERT_FALSE(panel.at("targets").empty()) << panel.at("title");
    for (const nlohmann::json& t : panel.at("targets")) {
      EXPECT_TRUE(refs.insert(t.at("refId").get<std::string>()).second) << panel.at("title");
    }
  }
}

}  // namespace
}  // namespace trace_analyze::reports
