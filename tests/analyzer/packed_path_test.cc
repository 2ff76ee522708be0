#include "analyzer/packed_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using testing::TraceBuilder;

// gw "GET /" [0,1000] calls db "query" twice in sequence, [100,400] and
// [500,800]; the second calls cache "get" [600,700] (µs after kEpoch). Names
// repeat (two db spans) and the root appears in three sections.
constexpr int64_t kEpoch = 1'000'000;

struct Fixture {
  Trace trace = TraceBuilder("t1", kEpoch)
                    .Span("a", "", "gw", "GET /", 0, 1000)
                    .Span("b", "a", "db", "query", 100, 300)
                    .Span("c", "a", "db", "query", 500, 300)
                    .Span("d", "c", "cache", "get", 600, 100)
                    .Build();
  CriticalPath path;
  Fixture() {
    TraceAnalyzer analyzer(AnalysisOptions{});
    path = analyzer.Analyze(trace);
  }
};

std::vector<std::string> Sections(const TracePath& p) {
  std::vector<std::string> out;
  for (const PathSection& s : p.sections) {
    out.push_back(s.span_id + " " + s.name.service + " " + s.name.operation + " " +
                  std::to_string(s.start_us - kEpoch) + "-" + std::to_string(s.end_us - kEpoch));
  }
  return out;
}

std::vector<std::string> Spans(const TracePath& p) {
  std::vector<std::string> out;
  for (const PathSpan& s : p.spans) {
    out.push_back(s.span_id + " " + s.name.service + " " + s.name.operation + " start " +
                  std::to_string(s.start_us - kEpoch) + " dur " + std::to_string(s.duration_us) +
                  " self " + std::to_string(s.self_us) + " crit " + std::to_string(s.critical_us) +
                  " depth " + std::to_string(s.depth));
  }
  return out;
}

TEST(PackedPathTest, UnpacksTheResolvedPath) {
  const Fixture f;
  const PackedPath packed(f.trace, f.path);
  EXPECT_EQ(packed.trace_id(), "t1");
  EXPECT_EQ(packed.duration_us(), 1000);
  const TracePath p = packed.Unpack();
  EXPECT_EQ(p.trace_id, "t1");
  EXPECT_EQ(p.start_us, kEpoch);
  EXPECT_EQ(p.duration_us, 1000);
  EXPECT_EQ(p.critical_path_us, 1000);
  EXPECT_EQ(Sections(p), (std::vector<std::string>{"a gw GET / 0-100", "b db query 100-400",
                                                   "a gw GET / 400-500", "c db query 500-600",
                                                   "d cache get 600-700", "c db query 700-800",
                                                   "a gw GET / 800-1000"}));
  // In section order of first appearance, each once.
  EXPECT_EQ(Spans(p),
            (std::vector<std::string>{"a gw GET / start 0 dur 1000 self 400 crit 400 depth 0",
                                      "b db query start 100 dur 300 self 300 crit 300 depth 1",
                                      "c db query start 500 dur 300 self 200 crit 200 depth 1",
                                      "d cache get start 600 dur 100 self 100 crit 100 depth 2"}));
}

TEST(PackedPathTest, OutlivesTheTrace) {
  PackedPath packed;
  {
    const Fixture f;
    packed = PackedPath(f.trace, f.path);
  }  // the trace's strings are gone
  const TracePath p = packed.Unpack();
  ASSERT_EQ(p.spans.size(), 4u);
  EXPECT_EQ(p.spans[2].name.service, "db");
  EXPECT_EQ(p.spans[2].name.operation, "query");
  EXPECT_EQ(p.sections.back().name.operation, "GET /");
}

TEST(PackedPathTest, EmptyTrace) {
  const Trace trace = TraceBuilder("t0").Build();
  const CriticalPath path;
  const TracePath p = PackedPath(trace, path).Unpack();
  EXPECT_EQ(p.trace_id, "t0");
  EXPECT_TRUE(p.sections.empty());
  EXPECT_TRUE(p.spans.empty());
}

}  // namespace
}  // namespace trace_analyze::analyzer
