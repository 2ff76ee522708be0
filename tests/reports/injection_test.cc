// Markup, terminal and encoding injection from the input, end to end: a trace
// whose ids, service, operation and tag values are hostile is decoded,
// analysed and rendered by every writer, and each output must stay
// well-formed for its format (docs/reliability.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/path_sampler.h"
#include "input/input.h"
#include "reports/escape.h"
#include "reports/markdown_util.h"
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

// Names that try to break out of every format. JSON escapes carry control
// characters (ESC, NUL, BEL, CR/LF) into the model.
constexpr const char* kService = R"(<script>alert(1)</script>)";
constexpr const char* kOperation = R"(x|y`z</details><img src=x onerror=alert(1)>\u001b[2J\u0007)";
constexpr const char* kChild = R"(**bold** [link](http://e.x) # h \u0000 | ` ``)";
constexpr const char* kTraceId = R"(`id`|</details>\n# )";

std::string HostileJson() {
  const std::string trace_id = kTraceId;
  auto span = [&](const std::string& id, const std::string& parent, const std::string& op,
                  int64_t start, int64_t duration) {
    std::string refs = parent.empty() ? ""
                                      : R"({"refType":"CHILD_OF","traceID":")" + trace_id +
                                            R"(","spanID":")" + parent + R"("})";
    return R"({"traceID":")" + trace_id + R"(","spanID":")" + id + R"(","operationName":")" + op +
           R"(","references":[)" + refs + R"(],"startTime":)" + std::to_string(start) +
           R"(,"duration":)" + std::to_string(duration) +
           R"(,"processID":"p1","tags":[{"key":"db.statement","type":"string","value":"]]></x>"}]})";
  };
  return R"({"data":[{"traceID":")" + trace_id + R"(","spans":[)" +
         span("r<oot>", "", kOperation, 1'000'000, 10'000) + "," +
         span("a`b", "r<oot>", kChild, 1'000'100, 3'000) + "," +
         span("c|d", "r<oot>", std::string(kChild) + "2", 1'003'100, 3'000) + R"(],)" +
         R"("processes":{"p1":{"serviceName":")" + kService + R"(","tags":[]}}}]})";
}

// A UI base URL that tries to break out of an attribute.
constexpr const char* kUiUrl = R"(http://jaeger.example/ui"><script>x</script>)";

struct Rendered {
  std::string format;
  std::string analyze;
  std::string critical_path;
};

// With `server`, the input looks fetched from a Jaeger server: a partial
// banner with hostile reasons, and trace ids linked to its UI.
std::vector<Rendered> RenderAll(const std::string& json, bool server = false) {
  analyzer::AnalysisOptions options;
  options.detectors.sequential.min_saving_us = 0;
  options.detectors.keep_examples = true;  // the finding pictures render names too
  analyzer::TraceAnalyzer trace_analyzer(options);
  analyzer::PathSampler sampler;
  analyzer::CriticalPathResult paths;
  input::ReadStats stats;
  const Status status = input::DecodeBuffer(
      json, "<evil>|`name`\x1b[31m.json", {},
      [&](analyzer::Trace& trace) {
        const analyzer::CriticalPath& path = trace_analyzer.Analyze(trace);
        sampler.Offer(trace, path);
        paths.traces.push_back(analyzer::MakeTracePath(trace, path));
        // The HTML timeline renders every span's name too.
        analyzer::AddTimeline(trace, path, 100, &paths.traces.back());
        return OkStatus();
      },
      &stats);
  EXPECT_TRUE(status.ok()) << status.error().message;
  analyzer::AnalyzeResult result;
  result.cp_mode = "jaeger";
  result.input.files = 1;
  // A file name and a problem message are untrusted too.
  result.input.problems_total = 1;
  result.input.problems.push_back("<evil>|`name`\x1b[31m.json: byte 1: trace </details>: \xff");
  if (server) {
    result.input.server = "http://jaeger:16686 (HTTP /api)";
    result.input.ui_url = kUiUrl;
    result.input.partial = true;
    result.input.partial_reasons = {"trace </details>\n# `x`|<b>\x1b[2J: not found"};
  }
  result.quality = trace_analyzer.profile().quality();
  result.profile = analyzer::BuildProfileReport(trace_analyzer.profile(), 10);
  static constexpr double kPs[] = {50, 95};
  result.representatives = sampler.Representatives(kPs);
  result.findings = trace_analyzer.findings().Build(options.detectors);
  EXPECT_FALSE(result.findings.empty());  // the finding paths render hostile names too
  paths.cp_mode = "jaeger";
  paths.input = result.input;
  std::vector<Rendered> out;
  for (const ReportWriter* writer : AllReportWriters()) {
    std::ostringstream a, c;
    writer->WriteAnalyze(result, {}, a);
    writer->WriteCriticalPath(paths, {}, c);
    out.push_back({std::string(writer->name()), a.str(), c.str()});
  }
  return out;
}

TEST(InjectionTest, EveryReportIsValidUtf8WithoutRawControlCharacters) {
  for (const Rendered& r : RenderAll(HostileJson())) {
    for (const std::string* text : {&r.analyze, &r.critical_path}) {
      EXPECT_TRUE(IsValidUtf8(*text)) << r.format;
      // JSON escapes control characters; the others must not carry them.
      EXPECT_FALSE(HasControlCharacters(*text, r.format == "junit")) << r.format << ": " << *text;
      // Names are text, never markup, in the markup formats.
      if (r.format == "html" || r.format == "markdown" || r.format == "junit") {
        EXPECT_THAT(*text, Not(HasSubstr("<script>"))) << r.format;
        EXPECT_THAT(*text, Not(HasSubstr("<img"))) << r.format;
      }
    }
  }
}

TEST(InjectionTest, OpenMetricsKeepsItsStructure) {
  // The check itself rejects what a broken writer would produce.
  EXPECT_EQ(MalformedOpenMetricsLine("m{a=\"x\"y\"} 1\n# EOF\n"), "m{a=\"x\"y\"} 1");
  EXPECT_EQ(MalformedOpenMetricsLine("m{a=\"x\\\"y\"} 1\n"), "no # EOF");
  EXPECT_EQ(MalformedOpenMetricsLine("m 1\n# EOF\nm 2\n"), "m 2");
  EXPECT_EQ(MalformedOpenMetricsLine("m{a=\"x\\\"y\",b=\"\"} 1.5e-05\n# EOF\n"), "");
  for (const Rendered& r : RenderAll(HostileJson())) {
    if (r.format != "openmetrics") continue;
    for (const std::string* text : {&r.analyze, &r.critical_path}) {
      EXPECT_EQ(MalformedOpenMetricsLine(*text), "") << *text;
    }
    // The hostile service is a label value, quotes escaped, not a new label.
    EXPECT_THAT(r.analyze, HasSubstr(R"(service="<script>alert(1)</script>")"));
  }
}

TEST(InjectionTest, HtmlKeepsItsStructure) {
  for (const Rendered& r : RenderAll(HostileJson())) {
    if (r.format != "html") continue;
    for (const std::string* html : {&r.analyze, &r.critical_path}) {
      EXPECT_THAT(*html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
      EXPECT_EQ(Count(*html, "<details"), Count(*html, "</details>"));
      EXPECT_EQ(Count(*html, "<table"), Count(*html, "</table>"));
      EXPECT_FALSE(std::regex_search(*html, std::regex(R"(<[^>]*\son\w+\s*=)")));  // no handlers
      EXPECT_EQ(Count(*html, "</html>"), 1u);
    }
  }
}

TEST(InjectionTest, MarkdownKeepsItsStructure) {
  for (const Rendered& r : RenderAll(HostileJson())) {
    if (r.format != "markdown") continue;
    for (const std::string* md : {&r.analyze, &r.critical_path}) {
      EXPECT_TRUE(DetailsBlocksPaired(*md));
      EXPECT_FALSE(std::regex_search(*md, std::regex(R"([^\\]\]\(http)")));  // no live link
      EXPECT_EQ(InconsistentTableRow(*md), "");
      // No line starts a heading or list from a name.
      EXPECT_THAT(*md, Not(HasSubstr("\n# ")));
    }
    // A trace id a code span cannot carry is escaped plain text instead.
    EXPECT_THAT(r.critical_path, HasSubstr("### Trace \\`id\\`\\|&lt;/details&gt; \\# : "));
  }
}

TEST(InjectionTest, PartialBannerAndUiLinksStayInert) {
  for (const Rendered& r : RenderAll(HostileJson(), /*server=*/true)) {
    for (const std::string* text : {&r.analyze, &r.critical_path}) {
      EXPECT_TRUE(IsValidUtf8(*text)) << r.format;
      EXPECT_FALSE(HasControlCharacters(*text, r.format == "junit")) << r.format << ": " << *text;
      if (r.format == "html" || r.format == "markdown" || r.format == "junit") {
        EXPECT_THAT(*text, Not(HasSubstr("<script>"))) << r.format;
        EXPECT_THAT(*text, Not(HasSubstr("<b>"))) << r.format;
      }
      if (r.format == "markdown") {
        EXPECT_TRUE(DetailsBlocksPaired(*text));
        EXPECT_EQ(InconsistentTableRow(*text), "");
        EXPECT_THAT(*text, Not(HasSubstr("\n# ")));
      }
      if (r.format == "html") {
        EXPECT_EQ(Count(*text, "<details"), Count(*text, "</details>"));
        EXPECT_FALSE(std::regex_search(*text, std::regex(R"(<[^>]*\son\w+\s*=)")));
      }
    }
    // The trace id is linked, percent-encoded, under the (encoded) UI URL.
    const std::string link =
        "http://jaeger.example/ui%22%3E%3Cscript%3Ex%3C/script%3E/trace/"
        "%60id%60%7C%3C%2Fdetails%3E%0A%23%20";
    if (r.format == "html" || r.format == "markdown") {
      EXPECT_THAT(r.critical_path, HasSubstr(link)) << r.format;
      EXPECT_THAT(r.analyze, HasSubstr("Partial results")) << r.format;
    }
  }
}

TEST(InjectionTest, JsonRoundTripsNames) {
  for (const Rendered& r : RenderAll(HostileJson())) {
    if (r.format != "json") continue;
    const nlohmann::json doc = nlohmann::json::parse(r.analyze);
    EXPECT_EQ(doc.dump().find("\\u001b[2J") != std::string::npos, true);
    EXPECT_THAT(r.analyze, HasSubstr(R"(<script>alert(1)</script>)"));  // data, not markup
    // The invalid byte in the problem text became U+FFFD.
    EXPECT_THAT(r.analyze, HasSubstr("\xEF\xBF\xBD"));
    EXPECT_TRUE(nlohmann::json::parse(r.critical_path).is_object());
  }
}

TEST(InjectionTest, TextAndCollapsedCannotDriveTheTerminal) {
  for (const Rendered& r : RenderAll(HostileJson())) {
    if (r.format != "text" && r.format != "collapsed") continue;
    for (const std::string* text : {&r.analyze, &r.critical_path}) {
      EXPECT_EQ(text->find('\x1b'), std::string::npos) << r.format;
      EXPECT_EQ(text->find('\a'), std::string::npos) << r.format;
    }
  }
}

TEST(EscapeTest, MarkdownCodeSpans) {
  EXPECT_EQ(MarkdownCode("abc"), "`abc`");
  // Text a code span cannot carry safely is escaped plain text instead.
  EXPECT_EQ(MarkdownCode("a`b"), "a\\`b");
  EXPECT_EQ(MarkdownCode("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownCode("a\nb"), EscapeMarkdown("a\nb"));
  EXPECT_EQ(MarkdownCode("\x1b[31m"), EscapeMarkdown("\x1b[31m"));
}

TEST(EscapeTest, TerminalUtf8AndXml) {
  EXPECT_EQ(EscapeTerminal("a\x1b[2Jb\tc\x7f"), "a\xEF\xBF\xBD[2Jb c\xEF\xBF\xBD");
  EXPECT_EQ(EscapeTerminal("\xC2\x9B"), "\xEF\xBF\xBD");  // C1 CSI
  EXPECT_EQ(EscapeTerminal("é漢😀"), "é漢😀");
  EXPECT_EQ(ToValidUtf8("a\xff\xc0\x80\xed\xa0\x80z"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(TruncateUtf8("aé", 2), "a");
  EXPECT_EQ(TruncateUtf8("aé", 3), "aé");
  EXPECT_EQ(EllipsizeUtf8("abcé", 5), "abcé");   // fits: unchanged
  EXPECT_EQ(EllipsizeUtf8("abcéz", 5), "abc…");  // cut before the é, not inside it
  EXPECT_EQ(EscapeXml("a\xEF\xBF\xBE<\xff"), "a&lt;\xEF\xBF\xBD");
  EXPECT_EQ(EscapeHtml("\xe2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace trace_analyze::reports
