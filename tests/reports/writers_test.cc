// Properties every writer must keep whatever the data: escaping of hostile
// names, self-contained HTML, JUnit structure, Markdown size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "reports/escape.h"
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
  r.profile.root_latency.push_back({"", "all", 2, 0, 500, 600, 600, 600, 600});
  r.profile.root_latency.push_back(
      {"<script>alert(1)</script>", "GET /x|y", 2, 0, 500, 600, 600, 600, 600});
  analyzer::ProfileRow row;
  row.service = "<img src=x onerror=alert(1)>";
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
  r.fail_on_findings = fail_on_findings;
  return r;
}

std::string Render(std::string_view format, const analyzer::AnalyzeResult& r) {
  std::ostringstream out;
  FindReportWriter(format)->WriteAnalyze(r, WriteOptions{}, out);
  return out.str();
}

TEST(WritersTest, EveryFormatIsRegisteredAndRenders) {
  EXPECT_EQ(ReportWriterNames(),
            (std::vector<std::string>{"text", "json", "markdown", "html", "junit", "collapsed"}));
  for (const std::string& name : ReportWriterNames()) {
    EXPECT_FALSE(Render(name, HostileResult(true)).empty()) << name;
  }
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
    row.service = "service-" + std::to_string(i);
    row.operation = "operation-" + std::to_string(i);
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

TEST(EscapeTest, Formats) {
  EXPECT_EQ(EscapeHtml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(EscapeXml(std::string("a\x01\tb", 4)), "a\tb");
  EXPECT_EQ(EscapeMarkdown("a|b*c\nd<e>"), "a\\|b\\*c d&lt;e&gt;");
}

}  // namespace
}  // namespace trace_analyze::reports
