// Markup, terminal and encoding injection through `diff` and `verify`: a
// DiffResult whose every input-derived string (names, paths, fingerprints,
// expectation names, reasons, problems, partial reasons, server) is hostile
// is rendered by every writer, and each output must stay well-formed for its
// format (docs/reliability.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/results.h"
#include "reports/writer.h"
#include "tests/reports/injection_checks.h"

namespace trace_analyze::reports {
namespace {

using testing::Count;
using testing::DetailsBlocksPaired;
using testing::HasControlCharacters;
using ::testing::HasSubstr;
using testing::InconsistentTableRow;
using testing::IsValidUtf8;
using testing::MalformedOpenMetricsLine;
using ::testing::Not;

// Every trick at once: markup, Markdown structure, a live link, terminal
// escapes (CSI, OSC title, BEL), a C1 control, NUL and invalid UTF-8.
constexpr char kEvil[] =
    "<script>alert(1)</script>|`x`</details>\n# [l](http://e.x) \x1b[2J\x1b]0;pwned\x07\xc2\x9b"
    "\x00\xff<img src=x onerror=alert(1)>";

std::string Evil(const std::string& tag) { return tag + std::string(kEvil, sizeof(kEvil) - 1); }

analyzer::OpName EvilOp(const std::string& tag) { return {Evil(tag + "svc"), Evil(tag + "op")}; }

analyzer::DiffResult HostileDiff(const std::string& command) {
  analyzer::DiffResult r;
  r.command = command;
  r.cp_mode = "jaeger";
  for (analyzer::DiffSideSummary* side : {&r.baseline, &r.candidate}) {
    side->traces = 40;
    side->input.server = Evil("server");
    side->input.partial = true;
    side->input.partial_reasons = {Evil("partial")};
    side->input.problems_total = 2;
    side->input.problems = {Evil("problem")};
    side->input.ui_url = R"(http://ui.example/"><script>x</script>)";
  }
  for (const char* pct : {"p50", "p95"}) {
    analyzer::LatencyChange c;
    c.root.service = Evil("root-svc");
    c.root.operation = Evil("root-op");
    c.percentile = pct;
    c.baseline_traces = c.candidate_traces = 40;
    c.baseline_us = 1000;
    c.candidate_us = 800;
    c.change_pct = -20;
    r.latency.push_back(c);
  }
  analyzer::LatencyDistributionTest dist;
  dist.root.service = Evil("root-svc");
  dist.root.operation = Evil("root-op");
  dist.p_value = 0.01;
  dist.prob_candidate_slower = 0.3;
  dist.significant = true;
  r.latency_tests = {dist};
  analyzer::CpShiftRow row;
  row.name.service = Evil("shift-svc");
  row.name.operation = Evil("shift-op");
  row.path = Evil("path1") + " > " + Evil("path2");
  row.baseline_us = 500;
  r.critical_path.services = {row};
  r.critical_path.operations = {row};
  r.critical_path.paths = {row};
  r.critical_path.appeared = {EvilOp("appeared")};
  r.critical_path.disappeared = {EvilOp("gone")};
  analyzer::FindingChange change;
  change.fingerprint = Evil("fp");
  change.parent = EvilOp("parent");
  change.sequence = {EvilOp("a"), EvilOp("b")};
  change.baseline_saving_us = 100;
  r.findings.changes = {change};
  r.findings.resolved = 1;
  analyzer::VerifyRow v;
  v.fingerprint = Evil("vfp");
  v.name = Evil("expectation");
  v.expected = true;
  v.parent = EvilOp("vparent");
  v.sequence = {EvilOp("va"), EvilOp("vb")};
  v.members = {EvilOp("vma"), EvilOp("vmb")};  // named by its (absent) reason
  // Both sides' pictures carry hostile names too.
  analyzer::FindingExample e;
  e.trace_id = Evil("vtrace");
  e.parent = EvilOp("vparent");
  e.parent_duration_us = 1000;
  e.children = {{EvilOp("va"), 10, 300, 300, true, 10}, {EvilOp("vx"), 400, 100, 0, false, 400}};
  v.baseline_example = e;
  v.candidate_example = e;
  r.verify = {v};
  analyzer::TargetRow t;
  t.name = Evil("target");
  t.origin = "config targets[0]";
  t.op = ">=";
  t.unit = "%";
  t.target = 30;
  t.missing = Evil("treason");
  r.targets = {t};
  r.stacks = {{Evil("stack1") + ";" + Evil("stack2"), 10, 5}};
  r.pass = false;
  r.verdict_reason = Evil("verdict");
  return r;
}

struct Rendered {
  std::string format;
  std::string text;
};

std::vector<Rendered> RenderAll(const std::string& command) {
  std::vector<Rendered> out;
  const analyzer::DiffResult r = HostileDiff(command);
  for (const ReportWriter* writer : AllReportWriters()) {
    std::ostringstream s;
    writer->WriteDiff(r, {}, s);
    out.push_back({std::string(writer->name()), s.str()});
  }
  return out;
}

class DiffInjectionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffInjectionTest, EveryReportIsValidUtf8WithoutRawControlCharacters) {
  for (const Rendered& r : RenderAll(GetParam())) {
    EXPECT_FALSE(r.text.empty()) << r.format;
    EXPECT_TRUE(IsValidUtf8(r.text)) << r.format;
    EXPECT_FALSE(HasControlCharacters(r.text, r.format == "junit")) << r.format << ": " << r.text;
    // C1 CSI: JSON carries names exactly (as data); the others drop it.
    if (r.format != "json") {
      EXPECT_EQ(r.text.find("\xc2\x9b"), std::string::npos) << r.format;
    }
    if (r.format == "html" || r.format == "markdown" || r.format == "junit") {
      EXPECT_THAT(r.text, Not(HasSubstr("<script>"))) << r.format;
      EXPECT_THAT(r.text, Not(HasSubstr("<img"))) << r.format;
    }
  }
}

TEST_P(DiffInjectionTest, MarkupFormatsKeepTheirStructure) {
  for (const Rendered& r : RenderAll(GetParam())) {
    if (r.format == "markdown") {
      EXPECT_TRUE(DetailsBlocksPaired(r.text));
      EXPECT_EQ(InconsistentTableRow(r.text), "");
      EXPECT_FALSE(std::regex_search(r.text, std::regex(R"([^\\]\]\(http)")));  // no live link
      EXPECT_THAT(r.text, Not(HasSubstr("\n# ")));
    }
    if (r.format == "html") {
      EXPECT_EQ(Count(r.text, "<details"), Count(r.text, "</details>"));
      EXPECT_EQ(Count(r.text, "<table"), Count(r.text, "</table>"));
      EXPECT_FALSE(std::regex_search(r.text, std::regex(R"(<[^>]*\son\w+\s*=)")));
      EXPECT_EQ(Count(r.text, "</html>"), 1u);
    }
    if (r.format == "openmetrics") {
      EXPECT_EQ(MalformedOpenMetricsLine(r.text), "") << r.text;
    }
    if (r.format == "junit") {
      // One testsuites element; every testcase (all fail here) closed.
      EXPECT_EQ(Count(r.text, "<testsuites"), 1u);
      EXPECT_EQ(Count(r.text, "<testcase "), 3u);
      EXPECT_EQ(Count(r.text, "</testcase>"), 3u);
    }
  }
}

TEST_P(DiffInjectionTest, JsonRoundTripsNames) {
  for (const Rendered& r : RenderAll(GetParam())) {
    if (r.format != "json") continue;
    const nlohmann::json doc = nlohmann::json::parse(r.text);
    EXPECT_THAT(doc.dump(), HasSubstr("<script>alert(1)</script>"));  // data, not markup
    EXPECT_THAT(doc.dump(), HasSubstr("\\u001b[2J"));
    EXPECT_THAT(r.text, HasSubstr("\xEF\xBF\xBD"));  // the invalid byte became U+FFFD
  }
}

TEST_P(DiffInjectionTest, TextAndCollapsedCannotDriveTheTerminal) {
  for (const Rendered& r : RenderAll(GetParam())) {
    if (r.format != "text" && r.format != "collapsed") continue;
    EXPECT_EQ(r.text.find('\x1b'), std::string::npos) << r.format;
    EXPECT_EQ(r.text.find('\a'), std::string::npos) << r.format;
    EXPECT_EQ(r.text.find('\0'), std::string::npos) << r.format;
  }
}

INSTANTIATE_TEST_SUITE_P(Commands, DiffInjectionTest, ::testing::Values("diff", "verify"));

}  // namespace
}  // namespace trace_analyze::reports
