#include "analyzer/critical_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/clock_skew.h"
#include "analyzer/critical_path_sanitize.h"
#include "analyzer/normalize.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using ::testing::ElementsAre;
using trace_analyze::testing::TraceBuilder;
constexpr SpanKind kServer = SpanKind::kServer;
constexpr SpanKind kClient = SpanKind::kClient;
constexpr SpanKind kProducer = SpanKind::kProducer;
constexpr SpanKind kConsumer = SpanKind::kConsumer;
constexpr SpanKind kNone = SpanKind::kUnspecified;
constexpr RefType kFollowsFrom = RefType::kFollowsFrom;

// (span id, start, end), times relative to `origin`.
using Sec = std::tuple<std::string, int64_t, int64_t>;

std::vector<Sec> Sections(const Trace& t, const CriticalPath& p, int64_t origin = 0) {
  std::vector<Sec> out;
  for (const CpSection& s : p.sections) {
    out.emplace_back(std::string(t.spans[s.span].span_id), s.start_us - origin, s.end_us - origin);
  }
  return out;
}

CriticalPath RunJaeger(Trace& t) {
  Normalize(t);
  return ComputeCriticalPath(t);
}

CpOptions CausalOptions(double tolerance = 0.01) {
  CpOptions o;
  o.mode = CpMode::kCausal;
  o.skew_tolerance_fraction = tolerance;
  return o;
}

// The pipeline's causal run: spans without start are repaired, not dropped.
CriticalPath RunCausal(Trace& t, double tolerance = 0.01) {
  NormalizeOptions n;
  n.drop_spans_without_start = false;
  Normalize(t, n);
  return ComputeCriticalPath(t, CausalOptions(tolerance));
}

std::vector<Sec> JaegerSections(Trace t, int64_t origin = 0) {
  const CriticalPath p = RunJaeger(t);
  return Sections(t, p, origin);
}

std::vector<Sec> CausalSections(Trace t, int64_t origin = 0, double tolerance = 0.01) {
  const CriticalPath p = RunCausal(t, tolerance);
  return Sections(t, p, origin);
}

// ---------------------------------------------------------------------------
// Jaeger UI's own known answers (CriticalPath/testCases/test1..9), data copied.

TEST(JaegerKnownAnswerTest, Test1WorkedExample) {
  // C [1,101] with D [20,40] and E [50,60]; input order E, C, D.
  Trace t = TraceBuilder("test1-trace")
                .Span("span-e", "span-c", "customers-service", "operation E", 50, 10)
                .Span("span-c", "", "customers-service", "operation C", 1, 100)
                .Span("span-d", "span-c", "customers-service", "operation D", 20, 20)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)),
              ElementsAre(Sec{"span-c", 1, 20}, Sec{"span-d", 20, 40}, Sec{"span-c", 40, 50},
                          Sec{"span-e", 50, 60}, Sec{"span-c", 60, 101}));
}

TEST(JaegerKnownAnswerTest, Test2OverlappingChildrenLastFinisherWins) {
  Trace t = TraceBuilder("trace-123")
                .Span("span-x", "", "service1", "op1", 1, 100)
                .Span("span-a", "span-x", "service1", "op2", 10, 40)
                .Span("span-c", "span-x", "service1", "op3", 20, 40)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)),
              ElementsAre(Sec{"span-x", 1, 20}, Sec{"span-c", 20, 60}, Sec{"span-x", 60, 101}));
}

TEST(JaegerKnownAnswerTest, Test3ChildAfterProducerEndIsDropped) {
  Trace t = TraceBuilder("006c3cf93508f205")
                .Span("006c3cf93508f205", "", "p1", "send", 100, 40, kProducer)
                .Span("2dc4b796e2127e32", "006c3cf93508f205", "p2", "child", 200, 300, kClient)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"006c3cf93508f205", 100, 140}));
}

TEST(JaegerKnownAnswerTest, Test4DroppedChildTakesItsSubtree) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 1, 30)
                .Span("span-b", "span-a", "s", "b", 40, 40)
                .Span("span-c", "span-b", "s", "c", 50, 10)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"span-a", 1, 31}));
}

TEST(JaegerKnownAnswerTest, Test5ConsumerUnderProducerIsPruned) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 1, 30, kProducer)
                .Span("span-b", "span-a", "s", "b", 10, 10, kConsumer, kFollowsFrom)
                .Span("span-c", "span-b", "s", "c", 12, 2)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"span-a", 1, 31}));
}

TEST(JaegerKnownAnswerTest, Test6GrandchildStartingBeforeParent) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 1, 29)
                .Span("span-b", "span-a", "s", "b", 15, 20)
                .Span("span-c", "span-b", "s", "c", 10, 15)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)),
              ElementsAre(Sec{"span-a", 1, 15}, Sec{"span-c", 15, 25}, Sec{"span-b", 25, 30}));
}

TEST(JaegerKnownAnswerTest, Test7GrandchildEndingAfterRoot) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 1, 29)
                .Span("span-b", "span-a", "s", "b", 15, 20)
                .Span("span-c", "span-b", "s", "c", 20, 20)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)),
              ElementsAre(Sec{"span-a", 1, 15}, Sec{"span-b", 15, 20}, Sec{"span-c", 20, 30}));
}

TEST(JaegerKnownAnswerTest, Test8ChildCoveringParentIsTruncated) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 10, 20)
                .Span("span-b", "span-a", "s", "b", 5, 30)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"span-b", 10, 30}));
}

TEST(JaegerKnownAnswerTest, Test9ChildBeforeParentIsDropped) {
  Trace t = TraceBuilder("trace-abc")
                .Span("span-a", "", "s", "a", 10, 20)
                .Span("span-b", "span-a", "s", "b", 1, 4)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"span-a", 10, 30}));
}

// ---------------------------------------------------------------------------
// Synthetic edge cases of the Jaeger walk (times relative to kT0). Each pins
// one consequence of the rules in docs/critical-path-modes.md ("Jaeger mode").

constexpr int64_t kT0 = 1700000000000000;

Trace BackToBackSiblings() {
  return TraceBuilder("5e000000000000000000000000000001")
      .Span("00000000000000a0", "", "svc", "P", kT0, 100, kServer)
      .Span("00000000000000a1", "00000000000000a0", "svc", "A", kT0 + 10, 30, kClient)
      .Span("00000000000000a2", "00000000000000a0", "svc", "B", kT0 + 40, 30, kClient)
      .Span("00000000000000a3", "00000000000000a0", "svc", "C", kT0 + 70, 20, kClient)
      .Build();
}

TEST(SyntheticSampleTest, BackToBackSiblingsNotChainedInJaeger) {
  // B starts exactly when A ends: strict "<" skips A when coming back from B.
  EXPECT_THAT(JaegerSections(BackToBackSiblings(), kT0),
              ElementsAre(Sec{"00000000000000a0", 0, 10}, Sec{"00000000000000a1", 10, 40},
                          Sec{"00000000000000a0", 40, 70}, Sec{"00000000000000a3", 70, 90},
                          Sec{"00000000000000a0", 90, 100}));
}

TEST(SyntheticSampleTest, BackToBackSiblingsChainedInCausal) {
  EXPECT_THAT(CausalSections(BackToBackSiblings(), kT0),
              ElementsAre(Sec{"00000000000000a0", 0, 10}, Sec{"00000000000000a1", 10, 40},
                          Sec{"00000000000000a2", 40, 70}, Sec{"00000000000000a3", 70, 90},
                          Sec{"00000000000000a0", 90, 100}));
}

TEST(SyntheticSampleTest, OverlapStillRunningSiblingNeverOnPath) {
  Trace t = TraceBuilder("5e000000000000000000000000000002")
                .Span("00000000000000b0", "", "svc", "P", kT0, 100, kServer)
                .Span("00000000000000b1", "00000000000000b0", "svc", "B", kT0 + 10, 80, kClient)
                .Span("00000000000000b2", "00000000000000b0", "svc", "C", kT0 + 50, 45, kClient)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"00000000000000b0", 0, 50}, Sec{"00000000000000b2", 50, 95},
                          Sec{"00000000000000b0", 95, 100}));
}

TEST(SyntheticSampleTest, EqualEndTiesEarliestStartWins) {
  // Input order C-early, B-late-start, A-early-start; B and A both end at 80.
  Trace t = TraceBuilder("5e000000000000000000000000000003")
                .Span("00000000000000c0", "", "svc", "P", kT0, 100, kServer)
                .Span("00000000000000c1", "00000000000000c0", "svc", "C", kT0 + 5, 25, kClient)
                .Span("00000000000000c3", "00000000000000c0", "svc", "B", kT0 + 20, 60, kClient)
                .Span("00000000000000c2", "00000000000000c0", "svc", "A", kT0 + 10, 70, kClient)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"00000000000000c0", 0, 10}, Sec{"00000000000000c2", 10, 80},
                          Sec{"00000000000000c0", 80, 100}));
}

TEST(SyntheticSampleTest, EqualEndAndStartTiesInputOrderWins) {
  Trace t =
      TraceBuilder("5e000000000000000000000000000004")
          .Span("00000000000000d0", "", "svc", "P", kT0, 100, kServer)
          .Span("00000000000000d2", "00000000000000d0", "svc", "first", kT0 + 10, 70, kClient)
          .Span("00000000000000d1", "00000000000000d0", "svc", "second", kT0 + 10, 70, kClient)
          .Build();
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"00000000000000d0", 0, 10}, Sec{"00000000000000d2", 10, 80},
                          Sec{"00000000000000d0", 80, 100}));
}

Trace FollowsFromNoKind() {
  return TraceBuilder("5e000000000000000000000000000005")
      .Span("00000000000000e0", "", "svc", "P", kT0, 100, kServer)
      .Span("00000000000000e1", "00000000000000e0", "async", "Q", kT0 + 20, 130, kNone,
            kFollowsFrom)
      .Span("00000000000000e2", "00000000000000e1", "async", "R", kT0 + 30, 110, kClient)
      .Span("00000000000000e3", "00000000000000e0", "svc", "S", kT0 + 5, 10, kClient)
      .Build();
}

TEST(SyntheticSampleTest, FollowsFromChildBlocksInJaeger) {
  EXPECT_THAT(JaegerSections(FollowsFromNoKind(), kT0),
              ElementsAre(Sec{"00000000000000e0", 0, 5}, Sec{"00000000000000e3", 5, 15},
                          Sec{"00000000000000e0", 15, 20}, Sec{"00000000000000e1", 20, 30},
                          Sec{"00000000000000e2", 30, 100}));
}

TEST(SyntheticSampleTest, FollowsFromChildDoesNotBlockInCausal) {
  EXPECT_THAT(CausalSections(FollowsFromNoKind(), kT0),
              ElementsAre(Sec{"00000000000000e0", 0, 5}, Sec{"00000000000000e3", 5, 15},
                          Sec{"00000000000000e0", 15, 100}));
}

TEST(SyntheticSampleTest, ConsumerUnderProducerPrunedEvenWithChildOf) {
  Trace t =
      TraceBuilder("5e000000000000000000000000000006")
          .Span("00000000000000f0", "", "svc", "P", kT0, 100, kProducer)
          .Span("00000000000000f1", "00000000000000f0", "q", "consumer", kT0 + 50, 150, kConsumer)
          .Span("00000000000000f2", "00000000000000f0", "svc", "call", kT0 + 10, 30, kClient)
          .Build();
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"00000000000000f0", 0, 10}, Sec{"00000000000000f2", 10, 40},
                          Sec{"00000000000000f0", 40, 100}));
}

Trace MultiRootOrphan() {
  return TraceBuilder("5e000000000000000000000000000008")
      .Span("0000000000000200", "", "a", "R1", kT0, 50, kServer)
      .Span("0000000000000201", "0000000000000200", "a", "X", kT0 + 10, 10, kClient)
      .Span("0000000000000210", "ffffffffffffffff", "b", "orphan", kT0 + 30, 50, kServer)
      .Span("0000000000000211", "0000000000000210", "b", "Y", kT0 + 40, 30, kClient)
      .Span("0000000000000220", "", "c", "R2", kT0 + 60, 40, kServer)
      .Span("0000000000000221", "0000000000000220", "c", "Z", kT0 + 70, 20, kClient)
      .Build();
}

TEST(SyntheticSampleTest, MultiRootOrphanGivesNothingInJaeger) {
  Trace t = MultiRootOrphan();
  const CriticalPath p = RunJaeger(t);
  EXPECT_THAT(Sections(t, p, kT0),
              ElementsAre(Sec{"0000000000000200", 0, 10}, Sec{"0000000000000201", 10, 20},
                          Sec{"0000000000000200", 20, 50}, Sec{"0000000000000220", 60, 70},
                          Sec{"0000000000000221", 70, 90}, Sec{"0000000000000220", 90, 100}));
  ASSERT_EQ(p.roots.size(), 2u);
  EXPECT_EQ(t.spans[p.roots[0]].span_id, "0000000000000200");
  EXPECT_EQ(t.spans[p.roots[1]].span_id, "0000000000000220");
  EXPECT_EQ(p.total_us, 90);
}

TEST(SyntheticSampleTest, MultiRootOrphanWalkedInCausal) {
  Trace t = MultiRootOrphan();
  const CriticalPath p = RunCausal(t);
  // All roots' sections, globally in ascending start order.
  EXPECT_THAT(Sections(t, p, kT0),
              ElementsAre(Sec{"0000000000000200", 0, 10}, Sec{"0000000000000201", 10, 20},
                          Sec{"0000000000000200", 20, 50}, Sec{"0000000000000210", 30, 40},
                          Sec{"0000000000000211", 40, 70}, Sec{"0000000000000220", 60, 70},
                          Sec{"0000000000000210", 70, 80}, Sec{"0000000000000221", 70, 90},
                          Sec{"0000000000000220", 90, 100}));
  EXPECT_EQ(p.roots.size(), 3u);
  EXPECT_EQ(p.total_us, 140);
}

TEST(SyntheticSampleTest, ZeroDurationChildrenAndAdjacentSectionsNotMerged) {
  Trace t =
      TraceBuilder("5e000000000000000000000000000009")
          .Span("0000000000000300", "", "a", "P", kT0, 100, kServer)
          .Span("0000000000000301", "0000000000000300", "a", "zero-at-end", kT0 + 100, 0, kClient)
          .Span("0000000000000302", "0000000000000300", "a", "zero-inside", kT0 + 50, 0, kClient)
          .Span("0000000000000303", "0000000000000300", "a", "C", kT0 + 10, 20, kClient)
          .Span("0000000000000304", "", "b", "zero-root", kT0 + 120, 0, kServer)
          .Build();
  // The zero-length child at 50 splits P's time into [30,50] and [50,100].
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"0000000000000300", 0, 10}, Sec{"0000000000000303", 10, 30},
                          Sec{"0000000000000300", 30, 50}, Sec{"0000000000000300", 50, 100}));
}

TEST(SyntheticSampleTest, ClockSkewOverflowTruncatedAndOutsideChildrenDropped) {
  Trace t = TraceBuilder("5e000000000000000000000000000007")
                .Span("0000000000000100", "", "a", "P", kT0, 100, kServer)
                .Span("0000000000000101", "0000000000000100", "a", "A", kT0 + 10, 80, kClient)
                .Span("0000000000000102", "0000000000000101", "b", "skewed", kT0 + 5, 90, kServer)
                .Span("0000000000000103", "0000000000000102", "b", "inner", kT0 + 20, 30, kClient)
                .Span("0000000000000104", "0000000000000100", "a", "late", kT0 + 100, 20, kClient)
                .Span("0000000000000105", "0000000000000101", "a", "early", kT0, 5, kClient)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t), kT0),
              ElementsAre(Sec{"0000000000000100", 0, 10}, Sec{"0000000000000102", 10, 20},
                          Sec{"0000000000000103", 20, 50}, Sec{"0000000000000102", 50, 90},
                          Sec{"0000000000000100", 90, 100}));
}

// ---------------------------------------------------------------------------
// The sanitise table, case by case (§1.2 step 2), parent [100, 200].

struct SanitizeCase {
  int64_t cs, ce;
  bool kept;
  int64_t want_s, want_e;
};

TEST(SanitizeChildTest, AllSixCases) {
  const SanitizeCase cases[] = {
      {120, 150, true, 120, 150},  // inside
      {100, 200, true, 100, 200},  // inside, touching both ends
      {200, 210, false, 0, 0},     // starts at the parent's end
      {200, 200, false, 0, 0},     // zero-length child exactly at the parent's end
      {250, 260, false, 0, 0},     // after the parent
      {150, 250, true, 150, 200},  // overflows the end
      {50, 100, false, 0, 0},      // ends at the parent's start
      {100, 100, true, 100, 100},  // zero-length child at the parent's start: inside
      {50, 150, true, 100, 150},   // overflows the start
      {50, 250, true, 100, 200},   // covers the parent
  };
  for (const SanitizeCase& c : cases) {
    int64_t s = c.cs, e = c.ce;
    const bool kept = internal::SanitizeChild(100, 200, s, e);
    EXPECT_EQ(kept, c.kept) << c.cs << ".." << c.ce;
    if (kept && c.kept) {
      EXPECT_EQ(s, c.want_s) << c.cs << ".." << c.ce;
      EXPECT_EQ(e, c.want_e) << c.cs << ".." << c.ce;
    }
  }
}

TEST(SanitizeChildTest, ZeroDurationParentKeepsOnlyACoveringChild) {
  int64_t s = 90, e = 110;
  EXPECT_TRUE(internal::SanitizeChild(100, 100, s, e));
  EXPECT_EQ(s, 100);
  EXPECT_EQ(e, 100);
  for (auto [cs, ce] : {std::pair<int64_t, int64_t>{100, 100}, {100, 110}, {90, 100}, {90, 95}}) {
    EXPECT_FALSE(internal::SanitizeChild(100, 100, cs, ce)) << cs << ".." << ce;
  }
}

// End to end: the visible effect of each case in a walk.
std::vector<Sec> OneChild(int64_t cs, int64_t duration) {
  return JaegerSections(TraceBuilder()
                            .Span("p", "", "s", "p", 100, 100)
                            .Span("c", "p", "s", "c", cs, duration)
                            .Build());
}

TEST(CriticalPathTest, SanitiseCasesEndToEnd) {
  EXPECT_THAT(OneChild(120, 30),
              ElementsAre(Sec{"p", 100, 120}, Sec{"c", 120, 150}, Sec{"p", 150, 200}));
  EXPECT_THAT(OneChild(200, 10), ElementsAre(Sec{"p", 100, 200}));
  EXPECT_THAT(OneChild(150, 100), ElementsAre(Sec{"p", 100, 150}, Sec{"c", 150, 200}));
  EXPECT_THAT(OneChild(50, 50), ElementsAre(Sec{"p", 100, 200}));
  EXPECT_THAT(OneChild(50, 100), ElementsAre(Sec{"c", 100, 150}, Sec{"p", 150, 200}));
  EXPECT_THAT(OneChild(50, 200), ElementsAre(Sec{"c", 100, 200}));
}

TEST(CriticalPathTest, ZeroDurationParentDropsChildrenButTruncatesCoveringOne) {
  // q is zero-length at 150; q1 covers it (truncated to [150,150]), q2 starts
  // at its end (dropped). Untruncated, q1 would put [140,160] on the path.
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 100, 100)
                .Span("q", "p", "s", "q", 150, 0)
                .Span("q1", "q", "s", "q1", 140, 20)
                .Span("q2", "q", "s", "q2", 150, 5)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)), ElementsAre(Sec{"p", 100, 150}, Sec{"p", 150, 200}));
}

TEST(CriticalPathTest, ConsumerUnderNonProducerBlocks) {
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 100, 100, kServer)
                .Span("c", "p", "s", "c", 120, 30, kConsumer)
                .Build();
  EXPECT_THAT(JaegerSections(std::move(t)),
              ElementsAre(Sec{"p", 100, 120}, Sec{"c", 120, 150}, Sec{"p", 150, 200}));
}

TEST(CriticalPathTest, DuplicateIdRenamedAndReferencesAttachToFirstCopy) {
  Trace t = TraceBuilder()
                .Span("a", "", "s", "first", 10, 100)
                .Span("a", "", "s", "second", 20, 30)
                .Span("b", "a", "s", "child", 30, 30)
                .Build();
  const CriticalPath p = RunJaeger(t);
  EXPECT_THAT(Sections(t, p), ElementsAre(Sec{"a", 10, 30}, Sec{"a_1", 20, 50}, Sec{"b", 30, 60},
                                          Sec{"a", 60, 110}));
  EXPECT_EQ(p.roots.size(), 2u);
}

Trace MissingStartInTheMiddle() {
  return TraceBuilder()
      .Span("r", "", "s", "r", 100, 100)
      .Span("x", "r", "s", "x", 0, 50)
      .NoStart()
      .Span("y", "x", "s", "y", 120, 20)
      .Build();
}

TEST(CriticalPathTest, SpanWithoutStartDroppedInJaegerChildrenBecomeOrphans) {
  Trace t = MissingStartInTheMiddle();
  const CriticalPath p = RunJaeger(t);
  EXPECT_THAT(Sections(t, p), ElementsAre(Sec{"r", 100, 200}));
  EXPECT_EQ(t.quality.orphan_spans, 1u);
  EXPECT_EQ(p.roots.size(), 1u);
}

TEST(CriticalPathTest, SpanWithoutStartRepairedInCausal) {
  EXPECT_THAT(
      CausalSections(MissingStartInTheMiddle()),
      ElementsAre(Sec{"x", 100, 120}, Sec{"y", 120, 140}, Sec{"x", 140, 150}, Sec{"r", 150, 200}));
}

// `if (t)` in Jaeger's walk treats a child start of 0 as "no t". Starts of 0
// are dropped by Normalize, but clock-skew adjustment can move a child to 0
// (here: negative epoch times): b is centred in r, at [0, 40].
Trace ChildShiftedToZero() {
  Trace t = TraceBuilder()
                .Span("r", "", "s", "r", -60, 160)
                .Host("h1")
                .Span("a", "r", "s", "a", -50, 30)
                .Host("h1")
                .Span("b", "r", "s", "b", 500, 40)
                .Host("h2")
                .Build();
  Normalize(t, NormalizeOptions{.drop_spans_without_start = false});
  AdjustClockSkew(t);
  return t;
}

TEST(CriticalPathTest, JaegerTreatsZeroReturnTimeAsNoTime) {
  Trace t = ChildShiftedToZero();
  ASSERT_EQ(t.spans[2].start_us, 0);
  // Coming back from b with t = 0, Jaeger restarts r from scratch and would
  // recurse forever; the walk stops there, so a and r's [-60, 0) are lost.
  EXPECT_THAT(Sections(t, ComputeCriticalPath(t)), ElementsAre(Sec{"b", 0, 40}, Sec{"r", 40, 100}));
}

TEST(CriticalPathTest, CausalTreatsZeroReturnTimeAsATime) {
  Trace t = ChildShiftedToZero();
  EXPECT_THAT(Sections(t, ComputeCriticalPath(t, CausalOptions())),
              ElementsAre(Sec{"r", -60, -50}, Sec{"a", -50, -20}, Sec{"r", -20, 0}, Sec{"b", 0, 40},
                          Sec{"r", 40, 100}));
}

TEST(CriticalPathTest, ParentCycleBrokenAndWalked) {
  // a -> b -> a; c under b. a starts first, so it becomes the root.
  Trace t = TraceBuilder()
                .Span("a", "b", "s", "a", 10, 100)
                .Span("b", "a", "s", "b", 20, 50)
                .Span("c", "b", "s", "c", 30, 10)
                .Build();
  const CriticalPath p = RunJaeger(t);
  EXPECT_EQ(t.quality.parent_cycles, 1u);
  EXPECT_THAT(Sections(t, p), ElementsAre(Sec{"a", 10, 20}, Sec{"b", 20, 30}, Sec{"c", 30, 40},
                                          Sec{"b", 40, 70}, Sec{"a", 70, 110}));
}

TEST(CriticalPathTest, DisagreeingParentLinksTerminate) {
  // x's tree parent is a (its first reference), but its parentSpanID is its
  // own child b, whose parentSpanID is x: Jaeger bounces between x and b until
  // the stack overflows, emitting only zero-length sections after b's.
  Trace t = TraceBuilder()
                .Span("a", "", "s", "a", 0 + 1000, 100)
                .Span("x", "a", "s", "x", 10 + 1000, 50, kNone, kFollowsFrom)
                .Ref(RefType::kChildOf, "b")
                .Span("b", "x", "s", "b", 20 + 1000, 20)
                .Build();
  Normalize(t);
  ASSERT_EQ(t.topology.tree_parent[1], 0u);
  ASSERT_EQ(t.topology.parent[1], 2u);
  EXPECT_THAT(Sections(t, ComputeCriticalPath(t), 1000),
              ElementsAre(Sec{"b", 20, 40}, Sec{"a", 40, 100}));
}

TEST(CriticalPathTest, CausalToleratesSmallSiblingOverlap) {
  // Parent 1000 µs: 1% = 10 µs. a overlaps b by 5 µs: chained, cut at 300.
  auto make = [](int64_t a_start, int64_t a_duration) {
    return TraceBuilder()
        .Span("p", "", "s", "p", 1000, 1000)
        .Span("a", "p", "s", "a", 1000 + a_start, a_duration)
        .Span("b", "p", "s", "b", 1300, 300)
        .Build();
  };
  EXPECT_THAT(
      CausalSections(make(100, 205), 1000),
      ElementsAre(Sec{"p", 0, 100}, Sec{"a", 100, 300}, Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
  // Jaeger's strict "<" never chains an overlapping sibling.
  EXPECT_THAT(JaegerSections(make(100, 205), 1000),
              ElementsAre(Sec{"p", 0, 300}, Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
  // 20 µs of overlap is more than the tolerance.
  EXPECT_THAT(CausalSections(make(100, 220), 1000),
              ElementsAre(Sec{"p", 0, 300}, Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
  // Tolerance 0: only back-to-back siblings are chained.
  EXPECT_THAT(CausalSections(make(100, 205), 1000, 0.0),
              ElementsAre(Sec{"p", 0, 300}, Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
  // A sibling starting with b is parallel to it, not before it.
  EXPECT_THAT(CausalSections(make(300, 5), 1000),
              ElementsAre(Sec{"p", 0, 300}, Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
}

TEST(CriticalPathTest, CausalOverlapCutAlsoAppliesToGrandchildren) {
  // a overlaps b by 5 µs; a's own child a1 ends inside the overlap and is cut
  // too, so sections still tile p.
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 1000, 1000)
                .Span("a", "p", "s", "a", 1100, 205)
                .Span("a1", "a", "s", "a1", 1200, 104)
                .Span("b", "p", "s", "b", 1300, 300)
                .Build();
  EXPECT_THAT(CausalSections(std::move(t), 1000),
              ElementsAre(Sec{"p", 0, 100}, Sec{"a", 100, 200}, Sec{"a1", 200, 300},
                          Sec{"b", 300, 600}, Sec{"p", 600, 1000}));
}

TEST(CriticalPathTest, CausalZeroLengthSiblingsChosenOnce) {
  // With "<=", zero-length children at the same instant must not loop.
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 100, 100)
                .Span("z1", "p", "s", "z1", 150, 0)
                .Span("z2", "p", "s", "z2", 150, 0)
                .Span("a", "p", "s", "a", 120, 30)
                .Build();
  EXPECT_THAT(CausalSections(std::move(t)),
              ElementsAre(Sec{"p", 100, 120}, Sec{"a", 120, 150}, Sec{"p", 150, 200}));
}

TEST(CriticalPathTest, CriticalAndSelfTimePerSpan) {
  Trace t = TraceBuilder("test1-trace")
                .Span("e", "c", "s", "E", 50, 10)
                .Span("c", "", "s", "C", 1, 100)
                .Span("d", "c", "s", "D", 20, 20)
                .Build();
  const CriticalPath p = RunJaeger(t);
  EXPECT_EQ(p.total_us, 100);
  EXPECT_THAT(CriticalTimePerSpan(t, p), ElementsAre(10, 70, 20));
  EXPECT_THAT(SelfTimePerSpan(t), ElementsAre(10, 70, 20));
}

TEST(CriticalPathTest, SelfTimeIsDurationMinusUnionOfClippedChildren) {
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 0 + 1, 100)
                .Span("a", "p", "s", "a", 10 + 1, 20)   // [10,30]
                .Span("b", "p", "s", "b", 20 + 1, 30)   // [20,50] overlaps a
                .Span("c", "p", "s", "c", 40 + 1, 5)    // inside b
                .Span("d", "p", "s", "d", 90 + 1, 30)   // clipped to [90,100]
                .Span("e", "p", "s", "e", 150 + 1, 10)  // outside
                .Span("f", "b", "s", "f", 0 + 1, 200)   // covers b
                .Build();
  Normalize(t);
  EXPECT_THAT(SelfTimePerSpan(t), ElementsAre(50, 20, 0, 5, 30, 10, 200));
}

// ---------------------------------------------------------------------------
// Scale: a chain a million deep and a million siblings (no timing asserts;
// a recursive or quadratic walk would not finish in the test timeout).

// Builds span k with parent `parent(k)` (kNoSpan = root) directly, without
// TraceBuilder's per-span strings.
Trace BigTrace(uint32_t n, const std::function<uint32_t(uint32_t)>& parent,
               const std::function<std::pair<int64_t, int64_t>(uint32_t)>& times) {
  Trace t;
  t.trace_id = t.arena.Store("big");
  t.spans.resize(n);
  t.references.reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    Span& s = t.spans[k];
    s.span_id = t.arena.Store(std::to_string(k));
    std::tie(s.start_us, s.duration_us) = times(k);
    s.refs_begin = static_cast<uint32_t>(t.references.size());
    if (parent(k) != kNoSpan) {
      t.references.push_back({RefType::kChildOf, t.trace_id, t.spans[parent(k)].span_id});
      s.refs_count = 1;
    }
  }
  return t;
}

constexpr uint32_t kMillion = 1'000'000;

TEST(CriticalPathScaleTest, ChainOfAMillion) {
  // Span k: [k + 1, 2N - k + 2], nested; every level gives 1 µs at each end.
  const int64_t n = kMillion;
  Trace t = BigTrace(
      kMillion, [](uint32_t k) { return k == 0 ? kNoSpan : k - 1; },
      [n](uint32_t k) {
        return std::pair<int64_t, int64_t>{k + 1, 2 * (n - k) + 1};
      });
  Normalize(t);
  for (CpMode mode : {CpMode::kJaeger, CpMode::kCausal}) {
    CpOptions o;
    o.mode = mode;
    const CriticalPath p = ComputeCriticalPath(t, o);
    EXPECT_EQ(p.sections.size(), 2 * kMillion - 1);
    EXPECT_EQ(p.total_us, 2 * n + 1);
    EXPECT_TRUE(std::is_sorted(
        p.sections.begin(), p.sections.end(),
        [](const CpSection& a, const CpSection& b) { return a.start_us < b.start_us; }));
  }
}

TEST(CriticalPathScaleTest, FanOutOfAMillionBackToBack) {
  // Root [1, N + 1]; child k at [N - k + 1, N - k + 2]: back to back, input
  // order reversed.
  const int64_t n = kMillion;
  Trace t = BigTrace(
      kMillion, [](uint32_t k) { return k == 0 ? kNoSpan : 0u; },
      [n](uint32_t k) {
        return k == 0 ? std::pair<int64_t, int64_t>{1, n}
                      : std::pair<int64_t, int64_t>{n - k + 1, 1};
      });
  Normalize(t);
  // Jaeger: every other child is skipped (strict "<"); the root covers their
  // time, one section each.
  const CriticalPath jaeger = ComputeCriticalPath(t);
  EXPECT_EQ(jaeger.total_us, n);
  EXPECT_EQ(jaeger.sections.size(), static_cast<size_t>(n));
  EXPECT_EQ(CriticalTimePerSpan(t, jaeger)[0], n / 2);
  // Causal: 1 µs of root, then every child.
  const CriticalPath causal = ComputeCriticalPath(t, CausalOptions());
  EXPECT_EQ(causal.total_us, n);
  EXPECT_EQ(causal.sections.size(), static_cast<size_t>(n));
  EXPECT_EQ(CriticalTimePerSpan(t, causal)[0], 1);
}

// ---------------------------------------------------------------------------
// Random traces (fixed seed): the tiling invariant, and kJaeger against a
// literal transcription of §1.2 (recursive, unoptimised).

// Literal §1.2 over the Normalize()d topology; small traces only.
std::vector<CpSection> NaiveJaeger(const Trace& t) {
  const Topology& topo = t.topology;
  std::vector<CpSection> all;
  for (SpanIndex root : topo.roots) {
    std::map<SpanIndex, std::pair<int64_t, int64_t>> m;  // the copy
    std::vector<SpanIndex> order;                        // insertion order
    std::map<SpanIndex, std::vector<SpanIndex>> kids;
    std::function<void(SpanIndex)> copy = [&](SpanIndex s) {
      m[s] = {t.spans[s].start_us, t.spans[s].end_us()};
      order.push_back(s);
      for (SpanIndex c : topo.ChildrenOf(s)) {
        if (t.spans[s].kind == kProducer && t.spans[c].kind == kConsumer) continue;
        kids[s].push_back(c);
        copy(c);
      }
    };
    copy(root);
    for (SpanIndex s : order) {
      const bool has_parent_id = topo.parent[s] != kNoSpan || topo.parent_missing[s];
      if (!m.contains(s) || !has_parent_id) continue;
      auto p = m.find(topo.parent[s]);
      if (topo.parent_missing[s] || p == m.end()) {
        m.erase(s);
        continue;
      }
      auto [ps, pe] = p->second;
      auto& [cs, ce] = m[s];
      if (cs >= ps) {
        if (cs >= pe) {
          m.erase(s);
        } else if (ce > pe) {
          ce = pe;
        }
      } else if (ce <= ps) {
        m.erase(s);
      } else if (ce <= pe) {
        cs = ps;
      } else {
        cs = ps;
        ce = pe;
      }
    }
    std::vector<CpSection> out;
    std::function<void(SpanIndex, int64_t)> walk = [&](SpanIndex s, int64_t t_ret) {
      if (!m.contains(s)) return;
      SpanIndex lfc = kNoSpan;
      int64_t best = -1;
      for (SpanIndex c : kids[s]) {
        if (!m.contains(c)) continue;
        const int64_t ce = m[c].second;
        if ((!t_ret || ce < t_ret) && ce > best) {
          best = ce;
          lfc = c;
        }
      }
      const int64_t end = t_ret ? t_ret : m[s].second;
      if (lfc != kNoSpan) {
        if (best != end) out.push_back({s, best, end});
        walk(lfc, 0);
      } else {
        if (m[s].first != end) out.push_back({s, m[s].first, end});
        if (topo.parent[s] != kNoSpan) walk(topo.parent[s], m[s].first);
      }
    };
    walk(root, 0);
    all.insert(all.end(), out.rbegin(), out.rend());
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const CpSection& a, const CpSection& b) { return a.start_us < b.start_us; });
  return all;
}

std::string SpanName(int k) {
  std::string name = "s";
  name += std::to_string(k);
  return name;
}

Trace RandomTrace(std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  TraceBuilder b;
  const int n = uniform(1, 25);
  for (int k = 0; k < n; ++k) {
    // Parents come earlier in the input, so links agree and there are no
    // cycles; a few reference a missing span (orphans) or nothing (roots).
    std::string parent;
    const int r = uniform(0, 19);
    if (k > 0 && r > 1) parent = SpanName(uniform(0, k - 1));
    if (k > 0 && r == 1) parent = "missing";
    const SpanKind kinds[] = {kNone, kServer, kClient, kProducer, kConsumer};
    b.Span(SpanName(k), parent, "svc", "op", uniform(1, 80),
           uniform(0, 4) == 0 ? 0 : uniform(1, 60), kinds[uniform(0, 4)],
           uniform(0, 4) == 0 ? kFollowsFrom : RefType::kChildOf);
  }
  return b.Build();
}

// Sections of each walked root, which must tile [root.start, root.end].
void ExpectTiling(const Trace& t, const CriticalPath& p) {
  std::map<SpanIndex, std::vector<CpSection>> by_root;
  for (const CpSection& s : p.sections) {
    SpanIndex r = s.span;
    while (t.topology.tree_parent[r] != kNoSpan) r = t.topology.tree_parent[r];
    by_root[r].push_back(s);
  }
  for (const auto& [root, sections] : by_root) {
    ASSERT_NE(std::find(p.roots.begin(), p.roots.end(), root), p.roots.end());
  }
  int64_t total = 0;
  for (SpanIndex r : p.roots) {
    int64_t at = t.spans[r].start_us;
    for (const CpSection& s : by_root[r]) {
      ASSERT_EQ(s.start_us, at);
      ASSERT_LT(s.start_us, s.end_us);
      at = s.end_us;
    }
    ASSERT_EQ(at, t.spans[r].end_us());
    total += t.spans[r].duration_us;
  }
  ASSERT_EQ(p.total_us, total);
}

TEST(CriticalPathRandomTest, JaegerMatchesLiteralAlgorithmAndTiles) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 3000; ++i) {
    Trace t = RandomTrace(rng);
    const CriticalPath p = RunJaeger(t);
    SCOPED_TRACE(i);
    ASSERT_NO_FATAL_FAILURE(ExpectTiling(t, p));
    const std::vector<CpSection> want = NaiveJaeger(t);
    ASSERT_EQ(Sections(t, p), Sections(t, CriticalPath{want, {}, 0}));
    for (SpanIndex r : t.topology.roots) {
      const bool walked = std::find(p.roots.begin(), p.roots.end(), r) != p.roots.end();
      EXPECT_EQ(walked, !t.topology.parent_missing[r]);
    }
  }
}

TEST(CriticalPathRandomTest, CausalTilesEveryRoot) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    Trace t = RandomTrace(rng);
    const CriticalPath p = RunCausal(t, i % 2 ? 0.05 : 0.01);
    SCOPED_TRACE(i);
    ASSERT_NO_FATAL_FAILURE(ExpectTiling(t, p));
    EXPECT_EQ(p.roots, t.topology.roots);
  }
}

// One CriticalPathComputer reused over traces of random sizes, alternating
// modes, gives exactly what a fresh computation gives: nothing is carried
// from one trace to the next in its buffers or in the reused path.
TEST(CriticalPathRandomTest, ReusedComputerEqualsFreshComputation) {
  std::mt19937 rng(99);
  CriticalPathComputer computer;
  CriticalPath reused;
  for (int i = 0; i < 3000; ++i) {
    Trace t = RandomTrace(rng);
    Normalize(t);
    const CpOptions options = i % 3 == 0 ? CausalOptions(0.05) : CpOptions{};
    SCOPED_TRACE(i);
    computer.Compute(t, options, &reused);
    const CriticalPath fresh = ComputeCriticalPath(t, options);
    ASSERT_EQ(Sections(t, reused), Sections(t, fresh));
    ASSERT_EQ(reused.roots, fresh.roots);
    ASSERT_EQ(reused.total_us, fresh.total_us);
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
