// Critical-path reports streamed through CriticalPathSink: many traces, with
// their rendered bytes kept in memory or spilled to temporary files, give the
// same document in every format; JSON is byte for byte nlohmann's dump of
// the whole document, whatever the names hold.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "reports/json_util.h"
#include "reports/writer.h"
#include "tests/testing/render_traces.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::testing {
namespace {

// Names that JSON must escape or repair, and some that it must not touch.
const std::vector<std::string>& OddNames() {
  static const std::vector<std::string> kNames = {
      "café",           "q\"uote", "back\\slash", "ctl\x01\x1f",        "bad\xff\xfeutf8",
      "tab\tnewline\n", "del\x7f", "😀 emoji",     "truncated \xe2\x82", "<script>|`;"};
  return kNames;
}

// Fewer in the sanitizer build, which renders ten times slower.
#ifdef TA_SANITIZE
constexpr int kTraces = 1000;
#else
constexpr int kTraces = 5000;
#endif

analyzer::CriticalPathResult ManyTraces() {
  analyzer::CriticalPathResult result;
  result.cp_mode = "jaeger";
  result.input.files = 1;
  result.input.bytes = 123456;
  analyzer::TraceAnalyzer analyzer{analyzer::AnalysisOptions{}};
  std::vector<analyzer::Trace> traces = RenderTraces("render-", kTraces, 7, false);
  for (size_t i = 0; i < OddNames().size(); ++i) {
    const std::string& name = OddNames()[i];
    traces.push_back(TraceBuilder("odd-" + name, 1'700'000'000'000'000)
                         .Span(name + "-root", "", name, "op " + name, 0, 100)
                         .Span("c", name + "-root", "svc", name, 10, 50)
                         .Build());
  }
  for (analyzer::Trace& trace : traces) {
    const analyzer::CriticalPath& path = analyzer.Analyze(trace);
    result.traces.push_back(analyzer::MakeTracePath(trace, path));
    if (result.traces.size() <= reports::ReportWriter::kTimelineTraces) {
      analyzer::AddTimeline(trace, path, reports::ReportWriter::kTimelineSpans,
                            &result.traces.back());
    }
  }
  result.quality = analyzer.profile().quality();
  return result;
}

std::string Render(const reports::ReportWriter& writer, const analyzer::CriticalPathResult& result,
                   size_t spill_bytes) {
  reports::WriteOptions options;
  options.spill_bytes = spill_bytes;
  std::ostringstream out;
  writer.WriteCriticalPath(result, options, out);
  EXPECT_TRUE(out.good()) << writer.name();
  return out.str();
}

TEST(CriticalPathSinkTest, SpilledAndInMemoryRenderingsAreTheSame) {
  const analyzer::CriticalPathResult result = ManyTraces();
  for (const reports::ReportWriter* writer : reports::AllReportWriters()) {
    SCOPED_TRACE(writer->name());
    const std::string in_memory = Render(*writer, result, std::numeric_limits<size_t>::max());
    EXPECT_EQ(Render(*writer, result, 256), in_memory);  // spilled after 256 bytes
    EXPECT_EQ(Render(*writer, result, 0), in_memory);    // every byte spilled
    EXPECT_FALSE(in_memory.empty());
  }
}

// The document as the JSON writer built it before it streamed: one
// nlohmann tree, dumped.
std::string JsonTreeDump(const analyzer::CriticalPathResult& result) {
  using reports::Json;
  Json traces = Json::array();
  for (const analyzer::TracePath& t : result.traces) {
    Json sections = Json::array();
    for (const analyzer::PathSection& s : t.sections) {
      sections.push_back(Json{{"spanID", s.span_id},
                              {"service", s.name.service},
                              {"operation", s.name.operation},
                              {"startUs", s.start_us},
                              {"endUs", s.end_us}});
    }
    Json spans = Json::array();
    for (const analyzer::PathSpan& s : t.spans) {
      spans.push_back(Json{{"spanID", s.span_id},
                           {"service", s.name.service},
                           {"operation", s.name.operation},
                           {"startUs", s.start_us},
                           {"durationUs", s.duration_us},
                           {"selfUs", s.self_us},
                           {"criticalPathUs", s.critical_us}});
    }
    traces.push_back(Json{{"traceID", t.trace_id},
                          {"startUs", t.start_us},
                          {"durationUs", t.duration_us},
                          {"criticalPathUs", t.critical_path_us},
                          {"criticalPath", std::move(sections)},
                          {"spans", std::move(spans)}});
  }
  Json doc{{"schema", "trace-analyze/critical-path/v1"},
           {"criticalPathMode", result.cp_mode},
           {"input", reports::InputJson(result.input)},
           {"dataQuality", reports::QualityJson(result.quality)},
           {"traces", std::move(traces)}};
  std::ostringstream out;
  reports::Dump(doc, out);
  return out.str();
}

TEST(CriticalPathSinkTest, JsonIsByteForByteTheTreeDump) {
  analyzer::CriticalPathResult result = ManyTraces();
  const reports::ReportWriter& json = *reports::FindReportWriter("json");
  EXPECT_EQ(Render(json, result, 4096), JsonTreeDump(result));

  // Empty arrays, and no traces at all.
  analyzer::TracePath empty;
  empty.trace_id = "empty";
  result.traces = {empty};
  EXPECT_EQ(Render(json, result, 4096), JsonTreeDump(result));
  result.traces.clear();
  EXPECT_EQ(Render(json, result, 4096), JsonTreeDump(result));
}

TEST(CriticalPathSinkTest, JsonStringsMatchNlohmannOnEveryByte) {
  // Every single byte, and pairs that make or break UTF-8 sequences.
  std::vector<std::string> texts = OddNames();
  for (int b = 0; b < 256; ++b) texts.emplace_back(1, static_cast<char>(b));
  for (int b = 0x80; b < 0x100; b += 7) {
    texts.push_back(std::string("\xc3") + static_cast<char>(b));
    texts.push_back(std::string("a\xe2\x82") + static_cast<char>(b) + "z");
  }
  for (const std::string& text : texts) {
    fmt::memory_buffer out;
    reports::AppendJsonString(text, out);
    EXPECT_EQ(fmt::to_string(out),
              reports::Json(text).dump(-1, ' ', false, reports::Json::error_handler_t::replace))
        << text;
  }
}

}  // namespace
}  // namespace trace_analyze::testing
