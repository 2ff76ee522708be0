// TraceAnalyzer::Prepare computes a trace's analysis ahead (on any thread);
// Analyze then adds exactly what it would have computed itself.
#include "analyzer/analysis.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/normalize.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using testing::TraceBuilder;

constexpr int64_t kEpoch = 1'700'000'000'000'000;

// A handler calling auth, then an N+1 loop of SELECTs (a finding).
Trace MakeTrace(int i) {
  TraceBuilder b(fmt::format("{:032x}", 0x100 + i), kEpoch + int64_t{i} * 10'000);
  b.Span("r", "", "api", "handle", 0, 2000 + 10 * i);
  b.Span("a", "r", "auth", "GET /auth", 10, 300);
  for (int k = 0; k < 6; ++k) {
    b.Span(fmt::format("q{}", k), "r", "db", "SELECT", 400 + k * 200, 150 + i)
        .Attr("db.statement", fmt::format("SELECT * FROM items WHERE id = {}", k));
  }
  return b.Build();
}

std::string Digest(const TraceAnalyzer& analyzer) {
  std::string out = fmt::format("traces {} critical {}\n", analyzer.profile().traces(),
                                analyzer.profile().critical_path_us());
  for (const auto& [op, e] : analyzer.profile().by_operation()) {
    out += fmt::format("{}/{} critical {} self {} spans {} per-trace {}\n", op.service,
                       op.operation, e.critical_us, e.self_us, e.spans,
                       fmt::join(e.per_trace_critical_us.values(), ","));
  }
  for (const HeavySpan& h : analyzer.profile().heaviest()) {
    out += fmt::format("heavy {} {} {}\n", h.trace_id, h.span_id, h.critical_us);
  }
  for (const Finding& f : analyzer.findings().Build(analyzer.options().detectors)) {
    out += fmt::format("finding {} instances {} traces {} realistic {}\n", f.fingerprint,
                       f.instances, f.traces, f.realistic.total_us);
  }
  return out;
}

TEST(AnalysisTest, PreparedTracesAddUpAsUnpreparedOnes) {
  const AnalysisOptions options;
  TraceAnalyzer direct(options);
  TraceAnalyzer prepared(options);
  CriticalPathComputer cp;
  // One analysis reused for every trace, as a reader's decoding lane does:
  // nothing of one trace may leak into the next.
  TraceAnalysis analysis;
  for (int i = 0; i < 5; ++i) {
    Trace a = MakeTrace(i);
    Trace b = MakeTrace(i);
    const std::vector<CpSection> direct_path = direct.Analyze(a).sections;
    prepared.Prepare(b, cp, &analysis);
    EXPECT_EQ(prepared.profile().traces(), static_cast<uint64_t>(i));  // not added yet
    const CriticalPath& path = prepared.Add(analysis);
    EXPECT_EQ(&path, &analysis.path);
    ASSERT_EQ(path.sections.size(), direct_path.size());
    for (size_t k = 0; k < path.sections.size(); ++k) {
      EXPECT_EQ(path.sections[k].span, direct_path[k].span);
      EXPECT_EQ(path.sections[k].start_us, direct_path[k].start_us);
      EXPECT_EQ(path.sections[k].end_us, direct_path[k].end_us);
    }
  }
  EXPECT_EQ(Digest(prepared), Digest(direct));
  EXPECT_NE(Digest(direct).find("finding"), std::string::npos);
}

}  // namespace
}  // namespace trace_analyze::analyzer

namespace trace_analyze::analyzer {
namespace {

using testing::TraceBuilder;

// r [0, 100] with a [10, 40] (child a1 [15, 30]) and b [50, 90]; a second
// root o [5, 20] whose parent is missing. Depth first, roots and children by
// start: r, a, a1, b, then o (which starts later than r).
Trace TimelineTrace() {
  Trace t = TraceBuilder("t1", 1'000'000)
                .Span("r", "", "gw", "GET /", 0, 100)
                .Span("b", "r", "svc", "B", 50, 40)
                .Span("a", "r", "svc", "A", 10, 30)
                .Span("a1", "a", "db", "query", 15, 15)
                .Span("o", "gone", "svc", "late", 5, 15)
                .Build();
  Normalize(t);
  return t;
}

TEST(TimelineTest, DepthFirstWithSubtreeEndsAndCriticalTime) {
  const Trace t = TimelineTrace();
  const CriticalPath path = ComputeCriticalPath(t);
  TracePath out = MakeTracePath(t, path);
  AddTimeline(t, path, 100, &out);
  ASSERT_EQ(out.timeline.size(), 5u);
  EXPECT_EQ(out.timeline_spans, 5u);
  std::vector<std::string> ids;
  for (const TimelineSpan& s : out.timeline) ids.push_back(s.span_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"r", "a", "a1", "b", "o"}));
  const std::vector<uint32_t> depths = {0, 1, 2, 1, 0}, ends = {4, 3, 3, 4, 5};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out.timeline[i].depth, depths[i]) << ids[i];
    EXPECT_EQ(out.timeline[i].subtree_end, ends[i]) << ids[i];
  }
  // Critical time as CriticalTimePerSpan: b holds [50, 90], a1 [15, 30],
  // a the rest of [10, 40], r the gaps; the orphan root is off the path.
  EXPECT_EQ(out.timeline[3].critical_us, 40);
  EXPECT_EQ(out.timeline[2].critical_us, 15);
  EXPECT_EQ(out.timeline[1].critical_us, 15);
  EXPECT_EQ(out.timeline[0].critical_us, 30);
  EXPECT_EQ(out.timeline[4].critical_us, 0);
  EXPECT_EQ(out.timeline[1].start_us, 1'000'010);
  EXPECT_EQ(out.timeline[1].duration_us, 30);
  EXPECT_EQ(out.timeline[1].name.operation, "A");
}

TEST(TimelineTest, CutAfterMaxSpansClosesOpenSubtrees) {
  const Trace t = TimelineTrace();
  const CriticalPath path = ComputeCriticalPath(t);
  TracePath out = MakeTracePath(t, path);
  AddTimeline(t, path, 3, &out);
  ASSERT_EQ(out.timeline.size(), 3u);
  EXPECT_EQ(out.timeline_spans, 5u);
  for (const TimelineSpan& s : out.timeline) EXPECT_EQ(s.subtree_end, 3u) << s.span_id;
}

}  // namespace
}  // namespace trace_analyze::analyzer
