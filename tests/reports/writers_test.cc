// Properties every writer must keep whatever the data: escaping of hostile
// names, self-contained HTML, JUnit structure, Markdown size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "reports/escape.h"
#include "reports/html_util.h"
#include "reports/markdown_writer.h"
#include "reports/writer.h"

namespace trace_analyze::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A result whose names try to inject markup into every format.
analyzer::AnalyzeResult HostileResult(bool fail_on_findings) {
  analyzer::AnalyzeResult r;
  r.cp_mode = "jaeger";
  r.profile.traces = 2;
  r.profile.critical_path_us = 1000;
  r.profile.root_latency.push_back({{"", "all"}, 2, 0, 500, 600, 600, 600, 600});
  r.profile.root_latency.push_back(
      {{"<script>alert(1)</script>", "GET /x|y"}, 2, 0, 500, 600, 600, 600, 600});
  analyzer::ProfileRow row;
  row.name.service = "<img src=x onerror=alert(1)>";
  row.critical_us = 1000;
  row.share = 1.0;
  r.profile.by_service.push_back(row);
  r.profile.stacks.push_back({"<b>svc</b>;op&amp", 1000});
  analyzer::Finding f;
  f.kind = analyzer::FindingKind::kSequential;
  f.fingerprint = "0123456789abcdef";
  f.confidence = analyzer::Confidence::kHigh;
  f.reasons = {"reason with </details> and ]]> inside"};
  f.parent = {"api", "handle"};
  f.sequence = {{"svc", "A\"'<>"}, {"svc", "B"}};
  f.instances = 3;
  f.traces = 2;
  f.example_trace_ids = {"t1"};
  r.findings.push_back(f);
  r.high_confidence = 1;
  r.fail_on_findings = fail_on_findings;
  return r;
}

std::string Render(std::string_view format, const analyzer::AnalyzeResult& r) {
  std::ostringstream out;
  FindReportWriter(format)->WriteAnalyze(r, WriteOptions{}, out);
  return out.str();
}

TEST(WritersTest, EveryFormatIsRegisteredAndRenders) {
  EXPECT_EQ(ReportWriterNames(), (std::vector<std::string>{"text", "json", "markdown", "html",
                                                           "junit", "collapsed", "openmetrics"}));
  for (const std::string& name : ReportWriterNames()) {
    EXPECT_FALSE(Render(name, HostileResult(true)).empty()) << name;
  }
}

// Gauges with exact counts and seconds, each family once and contiguous, the
// document ended by "# EOF"; quotes and backslashes in names escaped in
// label values.
TEST(WritersTest, OpenMetricsFamiliesAndLabels) {
  analyzer::AnalyzeResult r = HostileResult(false);
  r.profile.root_latency[1].root.service = "a\"b\\c";
  r.findings[0].realistic.p50_us = 1500;
  const std::string om = Render("openmetrics", r);
  EXPECT_THAT(om, HasSubstr("# TYPE trace_analyze_latency_seconds gauge\n"
                            "# UNIT trace_analyze_latency_seconds seconds\n"
                            "trace_analyze_latency_seconds{service=\"\",root_operation=\"all\","
                            "percentile=\"p50\"} 0.0005\n"));
  EXPECT_THAT(
      om, HasSubstr(R"(trace_analyze_root_traces{service="a\"b\\c",root_operation="GET /x|y"} 2)"));
  EXPECT_THAT(om, HasSubstr(R"(trace_analyze_findings{kind="sequential",confidence="high"} 1)"));
  EXPECT_THAT(om, HasSubstr(R"(trace_analyze_findings{kind="n_plus_one",confidence="low"} 0)"));
  EXPECT_THAT(om, HasSubstr("trace_analyze_high_confidence_findings 1\n"));
  EXPECT_THAT(
      om, HasSubstr(R"(trace_analyze_finding_saving_seconds{kind="sequential",)"
                    R"(fingerprint="0123456789abcdef",confidence="high",)"
                    R"(parent_service="api",parent_operation="handle",percentile="p50"} 0.0015)"));
  ASSERT_GE(om.size(), 6u);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
  // Every family's samples follow its TYPE line, before the next family.
  std::istringstream lines(om);
  std::string line, family;
  std::set<std::string> seen;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(seen.insert(family).second) << family << " twice";
    } else if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(line.rfind(family, 0), 0u) << line << " outside " << family;
    }
  }
}

// critical-path pictures the first ReportWriter::kTimelineTraces traces and
// lists the others: the page stays small for any number of traces.
TEST(WritersTest, HtmlCriticalPathDrawsTheFirstTracesAndListsTheRest) {
  analyzer::CriticalPathResult r;
  r.cp_mode = "jaeger";
  for (int i = 0; i < 25; ++i) {
    analyzer::TracePath t;
    t.trace_id = "t" + std::to_string(i);
    t.duration_us = 1000;
    t.critical_path_us = 1000;
    t.spans.push_back({"s", {"svc", "op"}, 0, 1000, 1000, 1000, 0});
    r.traces.push_back(t);
  }
  std::ostringstream out;
  FindReportWriter("html")->WriteCriticalPath(r, {}, out);
  const std::string html = out.str();
  size_t drawn = 0;
  for (size_t p = html.find("<h2>Trace "); p != std::string::npos;
       p = html.find("<h2>Trace ", p + 1)) {
    ++drawn;
  }
  EXPECT_EQ(drawn, ReportWriter::kTimelineTraces);
  EXPECT_THAT(html, HasSubstr("<h2>The other 5 traces</h2>"));
  EXPECT_THAT(html, HasSubstr("<code>t24</code>"));
  EXPECT_THAT(html, Not(HasSubstr("<h2>Trace <code>t20</code>")));
}

// A parent with 100,000 critical-path sections between its children (a wide
// trace of sequential calls) draws at most one rect per unit of bar width.
TEST(WritersTest, HtmlCriticalPathBarsStayBoundedWithManySections) {
  analyzer::CriticalPathResult r;
  r.cp_mode = "jaeger";
  analyzer::TracePath t;
  t.trace_id = "wide";
  t.duration_us = 200'000;
  t.critical_path_us = 200'000;
  t.spans.push_back({"root", {"svc", "op"}, 0, 200'000, 100'000, 100'000, 0});
  for (int64_t i = 0; i < 100'000; ++i)
    t.sections.push_back({"root", {"svc", "op"}, 2 * i, 2 * i + 1});
  r.traces.push_back(t);
  std::ostringstream waterfall;
  FindReportWriter("html")->WriteCriticalPath(r, {}, waterfall);
  EXPECT_LT(waterfall.str().size(), 100'000u);
  r.traces[0].timeline.push_back({"root", {"svc", "op"}, 0, 200'000, 100'000, 0, 1});
  r.traces[0].timeline_spans = 1;
  std::ostringstream timeline;
  FindReportWriter("html")->WriteCriticalPath(r, {}, timeline);
  EXPECT_LT(timeline.str().size(), 100'000u);
  EXPECT_THAT(timeline.str(), HasSubstr("class=\"tl-row\""));
}

TEST(WritersTest, LongRunsFoldAfterSixSteps) {
  const std::string seven = "a → b → c → d → e → f → g";
  EXPECT_EQ(FoldSteps(seven, " → "), seven);
  EXPECT_EQ(FoldSteps("a → b → c → d → e → f → g → h → i", " → "),
            "a → b → c → d → e → f → <details class=\"more\"><summary>3 more steps</summary>"
            "g → h → i</details>");
}

TEST(WritersTest, HtmlEscapesNamesAndIsSelfContained) {
  const std::string html = Render("html", HostileResult(false));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("A&quot;&#39;&lt;&gt;"));
  // No scripts, external resources or links that would fetch anything.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\s(src|href)\s*=)")));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST(WritersTest, MarkdownEscapesNames) {
  const std::string md = Render("markdown", HostileResult(false));
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("<img")));
  EXPECT_THAT(md, HasSubstr("GET /x\\|y"));  // a pipe cannot break the table
  EXPECT_THAT(md, HasSubstr("&lt;/details&gt;"));
}

TEST(WritersTest, MarkdownIsTruncatedWithANote) {
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "| row " + std::to_string(i) + " | 1 |\n";
  const std::string cut = TruncateMarkdown("<details>\n" + big, 2000);
  EXPECT_LE(cut.size(), 2000u);
  EXPECT_THAT(cut, HasSubstr("Report truncated"));
  EXPECT_THAT(cut, HasSubstr("</details>"));  // the open block is closed
  EXPECT_EQ(TruncateMarkdown("short", 2000), "short");
  // Whole reports respect the limit too.
  analyzer::AnalyzeResult r = HostileResult(false);
  for (int i = 0; i < 5000; ++i) {
    analyzer::ProfileRow row;
    row.name.service = "service-" + std::to_string(i);
    row.name.operation = "operation-" + std::to_string(i);
    r.profile.by_operation.push_back(row);
  }
  const std::string md = Render("markdown", r);
  EXPECT_LE(md.size(), kMaxMarkdownChars);
  EXPECT_THAT(md, HasSubstr("Report truncated"));
}

TEST(WritersTest, JunitHasOneFailingTestcasePerHighConfidenceFinding) {
  const std::string xml = Render("junit", HostileResult(true));
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"trace-analyze\" tests=\"2\" failures=\"1\">"));
  EXPECT_THAT(xml,
              HasSubstr("<testsuite name=\"trace-analyze analyze\" tests=\"2\" failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"sequential: saves 0.000 ms"));
  EXPECT_THAT(xml, HasSubstr("A&quot;&#39;&lt;&gt;"));
  EXPECT_THAT(xml, Not(HasSubstr("]]>")));  // escaped as text, not raw
  // Balanced elements.
  const auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t p = xml.find(s); p != std::string::npos; p = xml.find(s, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<testcase "), 2u);
  EXPECT_EQ(count("<failure "), count("</failure>"));
  EXPECT_EQ(count("<testsuite "), count("</testsuite>"));

  const std::string passing = Render("junit", HostileResult(false));
  EXPECT_THAT(passing, HasSubstr("tests=\"1\" failures=\"0\""));
}

TEST(WritersTest, CollapsedIsOneStackPerLine) {
  EXPECT_EQ(Render("collapsed", HostileResult(false)), "<b>svc</b>;op&amp 1000\n");
}

// HostileResult as if read from a Jaeger server that lost a trace; the UI
// base, the reasons and a trace id try to inject markup too.
analyzer::AnalyzeResult HostilePartialResult(std::string ui_url) {
  analyzer::AnalyzeResult r = HostileResult(true);
  r.input.server = "http://jaeger:16686 (HTTP /api)";
  r.input.ui_url = std::move(ui_url);
  r.input.partial = true;
  r.input.partial_reasons = {"1 requested trace not found on the server: <b>x</b>|y"};
  r.findings[0].example_trace_ids = {"abc123", "\"><script>alert(1)</script>)[x](y"};
  return r;
}

TEST(WritersTest, HtmlLinksExampleTracesToTheJaegerUi) {
  const std::string html =
      Render("html", HostilePartialResult("https://ui.example/jaeger\"'<x>( )"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://ui.example/jaeger%22%27%3Cx%3E%28%20%29/trace/"
                              "abc123\" title=\"open in the Jaeger UI\"><code>abc123</code></a>"));
  // A hostile id is percent-encoded in the link and escaped in the text.
  EXPECT_THAT(html,
              HasSubstr("/trace/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%29%5Bx%5D%28y\""));
  EXPECT_THAT(html,
              HasSubstr("<code>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;)[x](y</code>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>x")));
  // Still self-contained: links go only to the Jaeger UI, nothing is loaded.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\ssrc\s*=)")));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(href="(?!https://ui\.example/))")));
}

TEST(WritersTest, MarkdownLinksExampleTracesToTheJaegerUi) {
  const std::string md = Render("markdown", HostilePartialResult("http://ui:16686/"));
  EXPECT_THAT(md, HasSubstr("example traces: [`abc123`](http://ui:16686/trace/abc123) "));
  // The hostile id: escaped text (no code span), a percent-encoded destination
  // that no ')' or space can end early.
  EXPECT_THAT(md, HasSubstr("[\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;)\\[x\\](y]("
                            "http://ui:16686/trace/"
                            "%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%29%5Bx%5D%28y)"));
  EXPECT_THAT(md, Not(HasSubstr("<script")));
}

TEST(WritersTest, NoLinksWithoutAnHttpUiUrl) {
  for (const std::string ui : {"", "javascript:alert(1)", "data:text/html,x", "ftp://x"}) {
    EXPECT_THAT(Render("html", HostilePartialResult(ui)), Not(HasSubstr("href="))) << ui;
    EXPECT_THAT(Render("markdown", HostilePartialResult(ui)), Not(HasSubstr("/trace/"))) << ui;
  }
}

TEST(WritersTest, PartialResultsAreLabelledInEveryFormatButFoldedStacks) {
  const analyzer::AnalyzeResult r = HostilePartialResult("");
  EXPECT_THAT(Render("text", r), ::testing::StartsWith("PARTIAL RESULTS"));
  EXPECT_THAT(Render("json", r), HasSubstr("\"partial\": true"));
  const std::string md = Render("markdown", r);
  EXPECT_THAT(md, ::testing::StartsWith("❌ **trace-analyze**"));  // the gate still fails
  EXPECT_THAT(md, HasSubstr("— **partial results**"));
  EXPECT_THAT(md,
              HasSubstr("> - 1 requested trace not found on the server: &lt;b&gt;x&lt;/b&gt;\\|y"));
  const std::string html = Render("html", r);
  EXPECT_THAT(html, HasSubstr("<div class=\"partial\" role=\"alert\">"));
  EXPECT_THAT(html, HasSubstr("<li>1 requested trace not found on the server: "
                              "&lt;b&gt;x&lt;/b&gt;|y</li>"));
  const std::string xml = Render("junit", r);
  EXPECT_THAT(xml, HasSubstr("<property name=\"partial\" value=\"true\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"partial.reason\" value=\"1 requested trace not "
                             "found on the server: &lt;b&gt;x&lt;/b&gt;|y\"/>"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"partial results: not every requested trace "
                             "could be read from http://jaeger:16686 (HTTP /api)\">"));
  EXPECT_THAT(xml, HasSubstr("tests=\"2\" failures=\"2\""));
  // Folded stacks have no comment syntax: unchanged (the CLI warns and exits 3).
  EXPECT_EQ(Render("collapsed", r), "<b>svc</b>;op&amp 1000\n");
  // Without a failing gate the verdict shows a warning instead of a tick.
  analyzer::AnalyzeResult no_gate = r;
  no_gate.fail_on_findings = false;
  EXPECT_THAT(Render("markdown", no_gate), ::testing::StartsWith("⚠️ **trace-analyze**"));
  EXPECT_THAT(Render("html", no_gate), HasSubstr("<p class=\"verdict partial\">&#9888; "));
}

TEST(WritersTest, CriticalPathReportsArePartialAndLinkedToo) {
  analyzer::CriticalPathResult r;
  r.cp_mode = "jaeger";
  r.input.server = "grpc://jaeger:16685 (gRPC api_v3)";
  r.input.ui_url = "http://ui:16686";
  r.input.partial = true;
  r.input.partial_reasons = {"1 requested trace not found on the server: 00ff"};
  analyzer::TracePath t;
  t.trace_id = "0abc";
  r.traces.push_back(t);
  const auto render = [&](std::string_view format) {
    std::ostringstream out;
    FindReportWriter(format)->WriteCriticalPath(r, WriteOptions{}, out);
    return out.str();
  };
  EXPECT_THAT(render("text"), ::testing::StartsWith("PARTIAL RESULTS"));
  EXPECT_THAT(render("json"), HasSubstr("\"partial\": true"));
  EXPECT_THAT(render("markdown"), HasSubstr("### Trace [`0abc`](http://ui:16686/trace/0abc)"));
  EXPECT_THAT(render("markdown"), HasSubstr("> ⚠️ **Partial results**"));
  EXPECT_THAT(render("html"), HasSubstr("<h2>Trace <a href=\"http://ui:16686/trace/0abc\""));
  EXPECT_THAT(render("html"), HasSubstr("<div class=\"partial\""));
  EXPECT_THAT(render("junit"), HasSubstr("name=\"requested traces were read\">\n      <failure"));
}

TEST(EscapeTest, JaegerTraceUrl) {
  EXPECT_EQ(JaegerTraceUrl("http://h:16686", "ab12"), "http://h:16686/trace/ab12");
  EXPECT_EQ(JaegerTraceUrl("HTTPS://h/base//", "ab12"), "HTTPS://h/base/trace/ab12");
  EXPECT_EQ(JaegerTraceUrl("http://[::1]:16686/a b", "x/y?z"),
            "http://[::1]:16686/a%20b/trace/x%2Fy%3Fz");
  EXPECT_EQ(JaegerTraceUrl("javascript:alert(1)//", "ab"), "");
  EXPECT_EQ(JaegerTraceUrl("", "ab"), "");
  EXPECT_EQ(JaegerTraceUrl("http://h", ""), "");
}

// A diff whose names try to inject markup, with one failing and one
// acceptable target.
analyzer::DiffResult HostileDiff() {
  analyzer::DiffResult r;
  r.command = "diff";
  r.cp_mode = "jaeger";
  r.baseline.traces = 3;
  r.candidate.traces = 3;
  r.pass = false;
  r.verdict_reason = "1 of 2 targets failed: p95_latency_reduction";
  analyzer::TargetRow fail;
  fail.name = "p95_latency_reduction";
  fail.origin = "--target";
  fail.op = ">=";
  fail.unit = "%";
  fail.value = 12.5;
  fail.target = 30;
  fail.distance = -17.5;
  fail.status = analyzer::TargetStatus::kFail;
  analyzer::TargetRow acceptable = fail;
  acceptable.name = "p95_duration[<script>x</script>]";
  acceptable.unit = "us";
  acceptable.op = "<=";
  acceptable.value = 1500;
  acceptable.target = 1000;
  acceptable.acceptable = 2000;
  acceptable.distance = 500;
  acceptable.status = analyzer::TargetStatus::kAcceptable;
  r.targets = {fail, acceptable};
  r.latency.push_back({{"", "all"}, "p95", 3, 3, 1000, 875, -12.5, -20.0, -5.0, 0.01, true});
  analyzer::VerifyRow v;
  v.fingerprint = "0123456789abcdef";
  v.parent = {"api", "<img src=x>"};
  v.sequence = {{"svc", "a|b"}, {"svc", "`c`"}};
  v.status = analyzer::VerifyStatus::kPartial;
  r.verify.push_back(v);
  r.distribution.baseline_us.assign(101, 1000);
  r.distribution.candidate_us.assign(101, 875);
  r.stacks.push_back({"api;handle", 1000, 875});
  return r;
}

std::string RenderDiff(std::string_view format, const analyzer::DiffResult& r) {
  std::ostringstream out;
  FindReportWriter(format)->WriteDiff(r, WriteOptions{}, out);
  return out.str();
}

TEST(DiffWritersTest, EveryFormatShowsTheVerdict) {
  const analyzer::DiffResult r = HostileDiff();
  EXPECT_THAT(RenderDiff("text", r), HasSubstr("Verdict: FAIL"));
  EXPECT_THAT(RenderDiff("json", r), HasSubstr("\"verdict\": \"fail\""));
  EXPECT_THAT(RenderDiff("markdown", r), ::testing::StartsWith("❌ **trace-analyze diff: FAIL**"));
  EXPECT_THAT(RenderDiff("html", r), HasSubstr("<b>FAIL</b>"));
  EXPECT_EQ(RenderDiff("collapsed", r), "api;handle 1000 875\n");
}

TEST(DiffWritersTest, HtmlAndMarkdownEscapeNames) {
  const analyzer::DiffResult r = HostileDiff();
  const std::string html = RenderDiff("html", r);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\s(src|href)\s*=)")));
  EXPECT_THAT(html, HasSubstr("<polyline"));  // the CDF of both sides
  const std::string md = RenderDiff("markdown", r);
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("<img")));
  // Reasons are rendered from the numbers (hostile reason text: diff_injection_test).
  EXPECT_THAT(md, HasSubstr("by 0.500 ms; within the acceptable level"));
  EXPECT_THAT(md, HasSubstr("a\\|b"));  // a pipe cannot break the table
}

TEST(DiffWritersTest, JunitHasOneTestcasePerTargetAndSide) {
  const std::string xml = RenderDiff("junit", HostileDiff());
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"trace-analyze diff\" tests=\"4\" failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("name=\"p95_latency_reduction &gt;= 30.0%\">\n      <failure "
                             "message=\"FAIL: measured 12.5%, goal &gt;= 30.0%, -17.5% from the "
                             "goal\">"));
  // ACCEPTABLE passes, with its numbers in system-out.
  EXPECT_THAT(xml, HasSubstr("<system-out>ACCEPTABLE: measured 1.500 ms"));
  EXPECT_THAT(xml, Not(HasSubstr("<script")));
}

// HostileDiff with both sides from a Jaeger server and the baseline partial;
// the server, window and reason try to inject markup.
analyzer::DiffResult HostilePartialDiff(bool pass) {
  analyzer::DiffResult r = HostileDiff();
  r.pass = pass;
  for (analyzer::DiffSideSummary* s : {&r.baseline, &r.candidate}) {
    s->input.server = "http://jaeger:16686/<b>j</b> (HTTP /api)";
    s->window_start = "2024-05-01T09:00:00Z";
    s->window_end = "2024-05-01T10:00:00Z";
  }
  r.baseline.input.partial = true;
  r.baseline.input.partial_reasons = {"search failed: <script>x</script>|y"};
  return r;
}

TEST(DiffWritersTest, APartialSideIsLabelledInEveryFormatButFoldedStacks) {
  const analyzer::DiffResult r = HostilePartialDiff(/*pass=*/true);
  const std::string text = RenderDiff("text", r);
  EXPECT_THAT(text, ::testing::StartsWith("PARTIAL RESULTS (baseline): not every requested trace "
                                          "could be read\n  - search failed: <script>x</script>|y"
                                          "\n\ntrace-analyze diff: baseline 3 traces "
                                          "(http://jaeger:16686/<b>j</b> (HTTP /api), "
                                          "2024-05-01T09:00:00Z..2024-05-01T10:00:00Z)"));
  EXPECT_THAT(text, Not(HasSubstr("PARTIAL RESULTS (candidate)")));

  const std::string json = RenderDiff("json", r);
  EXPECT_THAT(json, HasSubstr("\"window\": {\n      \"start\": \"2024-05-01T09:00:00Z\",\n"
                              "      \"end\": \"2024-05-01T10:00:00Z\"\n    }"));
  EXPECT_THAT(json, HasSubstr("\"partial\": true"));

  const std::string md = RenderDiff("markdown", r);
  EXPECT_THAT(md, ::testing::StartsWith("⚠️ **trace-analyze diff: PASS**"));
  EXPECT_THAT(md, HasSubstr("— **partial results (baseline)**"));
  EXPECT_THAT(md, HasSubstr("> - search failed: &lt;script&gt;x&lt;/script&gt;\\|y\n"));
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));

  const std::string html = RenderDiff("html", r);
  EXPECT_THAT(html, HasSubstr("<strong>&#9888; Partial results (baseline):</strong>"));
  EXPECT_THAT(html, HasSubstr("<li>search failed: &lt;script&gt;x&lt;/script&gt;|y</li>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict partial\">&#9888; <b>PASS</b>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>j")));

  const std::string xml = RenderDiff("junit", r);
  EXPECT_THAT(xml, HasSubstr("<property name=\"baseline.partial\" value=\"true\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"candidate.partial\" value=\"false\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"baseline.window\" "
                             "value=\"2024-05-01T09:00:00Z..2024-05-01T10:00:00Z\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"baseline input is readable\">\n      <failure message=\""
                             "partial results: not every requested trace could be read from "
                             "http://jaeger:16686/&lt;b&gt;j&lt;/b&gt; (HTTP /api)\">"));
  EXPECT_THAT(xml, Not(HasSubstr("<script")));

  EXPECT_EQ(RenderDiff("collapsed", r), "api;handle 1000 875\n");

  // A failed verdict stays a failure, still labelled partial.
  const analyzer::DiffResult failed = HostilePartialDiff(/*pass=*/false);
  EXPECT_THAT(RenderDiff("markdown", failed),
              ::testing::StartsWith("❌ **trace-analyze diff: FAIL"));
  EXPECT_THAT(RenderDiff("markdown", failed), HasSubstr("— **partial results (baseline)**"));
  EXPECT_THAT(RenderDiff("html", failed), HasSubstr("<p class=\"verdict fail\">&#10007; <b>FAIL"));
}

TEST(EscapeTest, Formats) {
  EXPECT_EQ(EscapeHtml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(EscapeXml(std::string("a\x01\tb", 4)), "a\tb");
  EXPECT_EQ(EscapeMarkdown("a|b*c\nd<e>"), "a\\|b\\*c d&lt;e&gt;");
}

}  // namespace
}  // namespace trace_analyze::reports
