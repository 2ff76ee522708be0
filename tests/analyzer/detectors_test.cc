// The bottleneck detectors on hand-built traces: each rule and each piece of
// evidence (docs/detectors.md).
#include "analyzer/detectors.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analyzer/analysis.h"
#include "analyzer/detector.h"
#include "tests/analyzer/findings_test_util.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using ::testing::HasSubstr;
// Every trace starts at this epoch (µs), so no span starts at 0.
constexpr int64_t kEpoch = 1'700'000'000'000'000;

testing::TraceBuilder TraceBuilder(const std::string& id) {
  return testing::TraceBuilder(id, kEpoch);
}

// P [0,1100] runs A, B, C back to back (10 µs gaps), 300 µs each.
// `order` gives which operation runs first, second, third.
testing::TraceBuilder Chain(const std::string& id,
                            std::vector<std::string> order = {"A", "B", "C"}) {
  testing::TraceBuilder b = TraceBuilder(id);
  b.Span("p", "", "api", "handle", 0, 1100);
  const int64_t starts[] = {100, 410, 720};
  for (size_t i = 0; i < 3; ++i) b.Span("c" + order[i], "p", "svc", order[i], starts[i], 300);
  return b;
}

std::vector<Finding> Detect(const std::vector<Trace*>& traces, const DetectorConfig& config = {},
                            CpMode mode = CpMode::kJaeger) {
  AnalysisOptions options;
  options.detectors = config;
  options.cp.mode = mode;
  TraceAnalyzer analyzer(options);
  for (Trace* t : traces) analyzer.Analyze(*t);
  return analyzer.findings().Build(config);
}

using testing::OfKind;

// What a span calls (the N+1 and repeated-call key): the most preferred
// attribute with a value, the first occurrence of each key counting (as
// Trace::FindAttr), else the operation name.
TEST(CallOfTest, PrefersStatementThenUrlFirstOccurrenceElseOperation) {
  Trace t = TraceBuilder("t1")
                .Span("a", "", "svc", "op-a", 0, 10)
                .Attr("http.url", "/u/1")
                .Attr("db.statement", "SELECT 1")
                .Span("b", "a", "svc", "op-b", 1, 5)
                .Attr("db.statement", "")          // first db.statement is empty:
                .Attr("db.statement", "SELECT 2")  // a later one does not count
                .Attr("url.path", "/p")
                .Span("c", "a", "svc", "op-c", 2, 5)
                .Attr("peer.service", "x")
                .Span("d", "a", "svc", "op-d", 3, 5)
                .Attr("url.full", "https://h/q")
                .Attr("http.url", "/first-preferred")
                .Build();
  auto call = [&](size_t i) { return internal::CallOf(t, t.spans[i]); };
  ASSERT_EQ(t.spans.size(), 4u);
  EXPECT_EQ(call(0).text(), "SELECT 1");
  EXPECT_TRUE(call(0).from_attribute());
  EXPECT_EQ(call(1).text(), "/p");
  EXPECT_TRUE(call(1).from_attribute());
  EXPECT_EQ(call(2).text(), "op-c");
  EXPECT_FALSE(call(2).from_attribute());
  EXPECT_EQ(call(3).text(), "/first-preferred");  // http.url is preferred to url.full
}

TEST(SequentialDetectorTest, FlagsBackToBackChainWithSavings) {
  Trace t = Chain("t1").Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.parent, (OpName{"api", "handle"}));
  EXPECT_EQ(f.sequence, (std::vector<OpName>{{"svc", "A"}, {"svc", "B"}, {"svc", "C"}}));
  EXPECT_EQ(f.instances, 1u);
  EXPECT_EQ(f.traces, 1u);
  // Σ 900 − max 300.
  EXPECT_EQ(f.optimistic.p50_us, 600);
  // Re-timed: the chain ends at 400 instead of 1020, the parent at 480: the
  // critical path drops from 1100 to 480, capped by the optimistic bound.
  EXPECT_EQ(f.realistic.p50_us, 600);
  EXPECT_NEAR(f.realistic.p50_share, 600.0 / 1100.0, 1e-6);  // stored in parts per million
  EXPECT_EQ(f.confidence, Confidence::kMedium);
  EXPECT_EQ(f.example_trace_ids, (std::vector<std::string>{"t1"}));
  EXPECT_EQ(f.fingerprint.size(), 16u);
}

TEST(SequentialDetectorTest, RealisticSavingIsBoundedByTheCriticalPath) {
  // A long concurrent sibling L [50,1050] dominates: making A, B, C
  // concurrent cannot shorten the trace.
  Trace t = Chain("t1").Span("l", "p", "svc", "L", 50, 1000).Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].optimistic.p50_us, 600);
  EXPECT_EQ(found[0].realistic.p50_us, 0);
}

// Making A, B and C concurrent ends them at 400, but the parent cannot end
// before its other child L (ends at 850): re-timing bounds the saving where
// the members' critical time alone (at least 2 × 300) would overstate it.
TEST(SequentialDetectorTest, ReTimingBoundsTheRealisticSaving) {
  Trace t = Chain("t1").Span("l", "p", "other", "L", 50, 800).Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].optimistic.p50_us, 600);
  EXPECT_EQ(found[0].realistic.p50_us, 1100 - 850);
}

TEST(SequentialDetectorTest, OrderPermutationAcrossTracesIsStrongEvidence) {
  Trace t1 = Chain("t1", {"A", "B", "C"}).Build();
  Trace t2 = Chain("t2", {"C", "B", "A"}).Build();
  const auto found = OfKind(Detect({&t1, &t2}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u) << "permutations share one fingerprint";
  EXPECT_EQ(found[0].orders, 2u);
  EXPECT_EQ(found[0].instances, 2u);
  EXPECT_EQ(found[0].traces, 2u);
  EXPECT_EQ(found[0].confidence, Confidence::kHigh);
  EXPECT_THAT(found[0].reasons[1], HasSubstr("ran in both orders"));
  EXPECT_THAT(found[0].reasons[1], HasSubstr("2 orders"));
}

// Order evidence is pairwise: C always runs last, so A and B being
// interchangeable does not make the whole run independent.
TEST(SequentialDetectorTest, OrderEvidenceIsPairwise) {
  std::vector<Trace> traces;
  for (int i = 0; i < 10; ++i) {
    traces.push_back(Chain(fmt::format("t{}", i), i < 7 ? std::vector<std::string>{"A", "B", "C"}
                                                        : std::vector<std::string>{"B", "A", "C"})
                         .Build());
  }
  std::vector<Trace*> all;
  for (Trace& t : traces) all.push_back(&t);
  const auto found = OfKind(Detect(all), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].instances, 10u);
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
  EXPECT_EQ(found[0].reasons[1],
            "Ran in both orders (independent of each other): svc A and svc B. Always in the same "
            "order: svc B before svc C; timing alone cannot show whether the later one needs the "
            "earlier one's result.");
}

// With keep_examples, a sequential finding carries one instance as a
// picture: the parent's children in start order, the run's calls marked, and
// the same instance re-timed as if they had started together.
TEST(SequentialDetectorTest, KeepsAnExampleOnlyWhenAsked) {
  Trace t1 = Chain("t1").Span("x", "p", "svc", "after", 1050, 40).Build();
  Trace t2 = Chain("t2").Build();
  EXPECT_FALSE(OfKind(Detect({&t1, &t2}), FindingKind::kSequential).at(0).example.has_value());
  Trace u1 = Chain("t1").Span("x", "p", "svc", "after", 1050, 40).Build();
  Trace u2 = Chain("t2").Build();
  DetectorConfig config;
  config.keep_examples = true;
  const auto found = OfKind(Detect({&u1, &u2}, config), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_TRUE(found[0].example.has_value());
  const FindingExample& e = *found[0].example;
  // Both traces' chains save as much; ties go to the smaller trace id.
  EXPECT_EQ(e.trace_id, "t1");
  EXPECT_EQ(e.parent, (OpName{"api", "handle"}));
  EXPECT_EQ(e.parent_duration_us, 1100);
  ASSERT_EQ(e.children.size(), 4u);
  EXPECT_EQ(e.children_total, 4u);
  const std::vector<std::string> ops = {"A", "B", "C", "after"};
  const std::vector<int64_t> starts = {100, 410, 720, 1050}, retimed = {100, 100, 100, 430};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(e.children[i].name.operation, ops[i]);
    EXPECT_EQ(e.children[i].member, i < 3) << ops[i];
    EXPECT_EQ(e.children[i].start_us, starts[i]) << ops[i];
    EXPECT_EQ(e.children[i].retimed_start_us, retimed[i]) << ops[i];
    EXPECT_GT(e.children[i].critical_us, 0) << ops[i];
  }
  // The run ended at 1020, now at 400: 620 µs earlier; "after" follows.
  EXPECT_EQ(e.retimed_parent_duration_us, 1100 - 620);
}

// The parent-level re-timing: a loop moves as a block, children after the
// run move earlier by the time gained, the parent ends no earlier than its
// last child.
TEST(ExampleRetimeTest, LoopsMoveAsBlocksAndTheParentShrinks) {
  FindingExample e;
  e.parent_duration_us = 100;
  auto span = [](std::string op, int64_t start, int64_t duration, bool member) {
    return ExampleSpan{{"svc", std::move(op)}, start, duration, 0, member, 0};
  };
  e.children = {span("A", 10, 10, true), span("noise", 20, 1, false), span("A", 21, 9, true),
                span("B", 30, 30, true), span("C", 70, 5, false),     span("D", 5, 90, false)};
  ExampleRetime(e);
  // A ×2 [10, 30] stays, B [30, 60] moves to 10: the run ends at 40, not 60.
  EXPECT_EQ(e.children[0].retimed_start_us, 10);
  EXPECT_EQ(e.children[1].retimed_start_us, 20);  // not a member: stays
  EXPECT_EQ(e.children[2].retimed_start_us, 21);
  EXPECT_EQ(e.children[3].retimed_start_us, 10);
  EXPECT_EQ(e.children[4].retimed_start_us, 50);  // started after the run: 20 earlier
  EXPECT_EQ(e.children[5].retimed_start_us, 5);
  // 100 − 20 = 80, but D runs until 95.
  EXPECT_EQ(e.retimed_parent_duration_us, 95);
  // No member: nothing moves.
  FindingExample none;
  none.parent_duration_us = 50;
  none.children = {span("A", 0, 10, false)};
  ExampleRetime(none);
  EXPECT_EQ(none.retimed_parent_duration_us, 50);
  EXPECT_EQ(none.children[0].retimed_start_us, 0);
}

// kBatch (n+1): every call starts with the first; kCache (repeated calls):
// the repeats take no time and what followed each moves earlier.
TEST(ExampleRetimeTest, BatchAndCacheModels) {
  auto span = [](std::string op, int64_t start, int64_t duration, bool member) {
    return ExampleSpan{{"svc", std::move(op)}, start, duration, 0, member, 0, 0};
  };
  FindingExample batch;
  batch.model = RetimeModel::kBatch;
  batch.parent_duration_us = 100;
  batch.children = {span("Q", 10, 20, true), span("Q", 30, 20, true), span("Q", 50, 30, true),
                    span("after", 85, 10, false)};
  ExampleRetime(batch);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(batch.children[i].retimed_start_us, 10) << i;
  // The loop ended at 80, the batch at 40: "after" moves 40 earlier.
  EXPECT_EQ(batch.children[3].retimed_start_us, 45);
  EXPECT_EQ(batch.retimed_parent_duration_us, 60);

  FindingExample cache;
  cache.model = RetimeModel::kCache;
  cache.parent_duration_us = 100;
  cache.children = {span("GET", 10, 20, true), span("other", 32, 5, false),
                    span("GET", 40, 20, true), span("after", 70, 10, false)};
  ExampleRetime(cache);
  EXPECT_EQ(cache.children[0].retimed_start_us, 10);
  EXPECT_EQ(cache.children[0].retimed_duration_us, 20);  // the first call is made
  EXPECT_EQ(cache.children[1].retimed_start_us, 32);
  EXPECT_EQ(cache.children[2].retimed_start_us, 40);
  EXPECT_EQ(cache.children[2].retimed_duration_us, 0);  // served from the cache
  EXPECT_EQ(cache.children[3].retimed_start_us, 50);    // 20 µs earlier
  EXPECT_EQ(cache.retimed_parent_duration_us, 80);
}

TEST(SequentialDetectorTest, StableOrderIsMediumConfidence) {
  Trace t1 = Chain("t1").Build();
  Trace t2 = Chain("t2").Build();
  const auto found = OfKind(Detect({&t1, &t2}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].orders, 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
  EXPECT_EQ(found[0].optimistic.total_us, 1200);
}

TEST(SequentialDetectorTest, ValueFlowIsEvidenceOfDependence) {
  testing::TraceBuilder b = TraceBuilder("t1");
  b.Span("p", "", "api", "handle", 0, 1400)
      .Span("a", "p", "users", "lookup", 100, 600)
      .Attr("http.url", "/users/by-email?e=x")
      .Attr("user.id", "48213")
      .Span("b", "p", "orders", "list", 710, 600)
      .Attr("db.statement", "SELECT * FROM orders WHERE user_id = 48213");
  Trace t = b.Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kLow);
  EXPECT_THAT(found[0].reasons[2], HasSubstr("value '48213' from lookup appears in list"));
}

TEST(SequentialDetectorTest, ValueTheParentAlreadyHadIsNotFlow) {
  testing::TraceBuilder b = TraceBuilder("t1");
  b.Span("p", "", "api", "handle", 0, 1400)
      .Attr("http.url", "/cart/48213")
      .Span("a", "p", "users", "lookup", 100, 600)
      .Attr("user.id", "48213")
      .Span("b", "p", "orders", "list", 710, 600)
      .Attr("db.statement", "SELECT * FROM orders WHERE user_id = 48213");
  Trace t = b.Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
}

// Both calls answered HTTP 200 and ran on the same protocol: outcomes and
// enumerations are not data handed from one call to the next.
TEST(SequentialDetectorTest, SharedStatusCodeIsNotFlow) {
  testing::TraceBuilder b = TraceBuilder("t1");
  b.Span("p", "", "api", "handle", 0, 1400)
      .Span("a", "p", "users", "lookup", 100, 600)
      .Attr("http.status_code", "200")
      .Attr("rpc.grpc.status_code", "404")
      .Attr("network.protocol.version", "1.1")
      .Span("b", "p", "orders", "list", 710, 600)
      .Attr("http.response.status_code", "200")
      .Attr("rpc.grpc.status_code", "404")
      .Attr("note", "retry after 404");
  Trace t = b.Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
  EXPECT_THAT(found[0].reasons[2], HasSubstr("No value of an earlier member reappears"));
  // The same value in an ordinary attribute of both is flow.
  testing::TraceBuilder c = TraceBuilder("t2");
  c.Span("p", "", "api", "handle", 0, 1400)
      .Span("a", "p", "users", "lookup", 100, 600)
      .Attr("http.status_code", "200")
      .Attr("order", "404")
      .Span("b", "p", "orders", "list", 710, 600)
      .Attr("note", "retry after 404");
  Trace u = c.Build();
  const auto flows = OfKind(Detect({&u}), FindingKind::kSequential);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].confidence, Confidence::kLow);
  EXPECT_THAT(flows[0].reasons[2], HasSubstr("value '404' from lookup appears in list (note)"));
}

TEST(SequentialDetectorTest, InterveningParentWorkLowersConfidence) {
  // A 5 µs child between A and B: too short to be a member, but the later
  // child may wait for it.
  Trace t = Chain("t1").Span("x", "p", "api", "compute", 402, 5).Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kLow);
  EXPECT_THAT(found[0].reasons.back(), HasSubstr("other work of the parent ran between"));
}

TEST(SequentialDetectorTest, OverlappingSiblingsAreNotFlagged) {
  Trace t = TraceBuilder("t1")
                .Span("p", "", "api", "handle", 0, 1100)
                .Span("a", "p", "svc", "A", 100, 400)
                .Span("b", "p", "svc", "B", 200, 400)
                .Span("c", "p", "svc", "C", 250, 500)
                .Build();
  EXPECT_TRUE(OfKind(Detect({&t}), FindingKind::kSequential).empty());
}

TEST(SequentialDetectorTest, AsyncChildrenAreNotFlagged) {
  const auto two = [](RefType ref, SpanKind parent_kind, SpanKind child_kind) {
    return TraceBuilder("t1")
        .Span("p", "", "api", "handle", 0, 1400, parent_kind)
        .Span("a", "p", "svc", "A", 100, 600, child_kind)
        .Span("b", "p", "svc", "B", 710, 600, child_kind, ref)
        .Build();
  };
  for (CpMode mode : {CpMode::kJaeger, CpMode::kCausal}) {
    // The same shape with blocking children is flagged...
    Trace blocking = two(RefType::kChildOf, SpanKind::kServer, SpanKind::kClient);
    EXPECT_EQ(OfKind(Detect({&blocking}, {}, mode), FindingKind::kSequential).size(), 1u);
    // ...but not when the later child is FOLLOWS_FROM, or both are consumers
    // of a producer.
    Trace follows = two(RefType::kFollowsFrom, SpanKind::kServer, SpanKind::kClient);
    EXPECT_TRUE(OfKind(Detect({&follows}, {}, mode), FindingKind::kSequential).empty());
    Trace consumer = two(RefType::kChildOf, SpanKind::kProducer, SpanKind::kConsumer);
    EXPECT_TRUE(OfKind(Detect({&consumer}, {}, mode), FindingKind::kSequential).empty());
  }
}

TEST(SequentialDetectorTest, LargeGapsBreakTheChain) {
  // B starts 2 ms after A ends: more than the allowed 1000 + 0.25 × 300 µs.
  Trace t = TraceBuilder("t1")
                .Span("p", "", "api", "handle", 0, 5000)
                .Span("a", "p", "svc", "A", 100, 600)
                .Span("b", "p", "svc", "B", 2700, 600)
                .Build();
  EXPECT_TRUE(OfKind(Detect({&t}), FindingKind::kSequential).empty());
}

TEST(SequentialDetectorTest, DependencyHintsDecideConfidence) {
  DetectorConfig config;
  config.dependencies.push_back({"svc:A", "B", true, "B reads what A writes"});
  Trace t1 = Chain("t1", {"A", "B", "C"}).Build();
  Trace t2 = Chain("t2", {"C", "B", "A"}).Build();
  auto found = OfKind(Detect({&t1, &t2}, config), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kLow);
  EXPECT_THAT(found[0].reasons[1], HasSubstr("declares svc:A and B dependent: B reads"));

  config.dependencies[0].dependent = false;
  Trace t3 = Chain("t3").Build();
  found = OfKind(Detect({&t3}, config), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kHigh);
}

TEST(SequentialDetectorTest, MinSavingThreshold) {
  DetectorConfig config;
  config.sequential.min_saving_us = 601;
  Trace t = Chain("t1").Build();
  EXPECT_TRUE(OfKind(Detect({&t}, config), FindingKind::kSequential).empty());
}

// P runs 6 queries for different ids, each preceded by a 1 µs pool acquire.
Trace NPlusOneTrace(const std::string& id, int queries = 6) {
  testing::TraceBuilder b = TraceBuilder(id);
  b.Span("p", "", "api", "list", 0, 1000);
  for (int i = 0; i < queries; ++i) {
    const int64_t t = 10 + i * 102;
    b.Span(fmt::format("acq{}", i), "p", "api", "pool.acquire", t, 1);
    b.Span(fmt::format("q{}", i), "p", "db", "SELECT", t + 1, 100)
        .Attr("db.statement", "SELECT * FROM items WHERE id = " + std::to_string(100 + i));
  }
  return b.Build();
}

TEST(NPlusOneDetectorTest, FlagsLoopDespiteInterleavedNoise) {
  Trace t = NPlusOneTrace("t1");
  const auto all = Detect({&t});
  const auto found = OfKind(all, FindingKind::kNPlusOne);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.parent, (OpName{"api", "list"}));
  EXPECT_EQ(f.sequence, (std::vector<OpName>{{"db", "SELECT"}}));
  EXPECT_EQ(f.calls_p50, 6);
  EXPECT_EQ(f.example_key, "SELECT * FROM items WHERE id = {n}");
  // Union 600 µs − the longest call 100 µs.
  EXPECT_EQ(f.optimistic.p50_us, 500);
  EXPECT_GT(f.realistic.p50_us, 0);
  EXPECT_LE(f.realistic.p50_us, 500);
  EXPECT_EQ(f.confidence, Confidence::kHigh);
  // The loop is not also reported as a sequential chain, nor the acquires.
  EXPECT_TRUE(OfKind(all, FindingKind::kSequential).empty());
  EXPECT_TRUE(OfKind(all, FindingKind::kRepeatedCall).empty());
}

// With keep_examples, the loop is drawn: its six queries members, the pool
// acquires not, and re-timed as one batch of calls starting together.
TEST(NPlusOneDetectorTest, KeepsTheLoopAsABatchPicture) {
  Trace t1 = NPlusOneTrace("t1");
  Trace t2 = NPlusOneTrace("t2");
  DetectorConfig config;
  config.keep_examples = true;
  const auto found = OfKind(Detect({&t2, &t1}, config), FindingKind::kNPlusOne);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_TRUE(found[0].example.has_value());
  const FindingExample& e = *found[0].example;
  EXPECT_EQ(e.model, RetimeModel::kBatch);
  EXPECT_EQ(e.trace_id, "t1");  // equal savings: the smaller id, whatever the order
  EXPECT_EQ(e.parent, (OpName{"api", "list"}));
  ASSERT_EQ(e.children.size(), 12u);
  size_t members = 0;
  for (const ExampleSpan& s : e.children) {
    EXPECT_EQ(s.member, s.name.operation == "SELECT") << s.name.operation;
    if (s.member) {
      ++members;
      EXPECT_EQ(s.retimed_start_us, 11);  // the first query's start
    }
  }
  EXPECT_EQ(members, 6u);
  // The loop ran 11..621, as a batch 11..111: 510 µs gained, but the last
  // pool acquire started inside the loop (520) and stays: the parent ends
  // at 521, not 490.
  EXPECT_EQ(e.retimed_parent_duration_us, 521);
}

TEST(NPlusOneDetectorTest, BelowMinCallsIsNotALoop) {
  Trace t = NPlusOneTrace("t1", 4);
  EXPECT_TRUE(OfKind(Detect({&t}), FindingKind::kNPlusOne).empty());
  DetectorConfig config;
  config.n_plus_one.min_calls = 4;
  EXPECT_EQ(OfKind(Detect({&t}, config), FindingKind::kNPlusOne).size(), 1u);
}

TEST(NPlusOneDetectorTest, ConcurrentLoopIsMediumConfidence) {
  testing::TraceBuilder b = TraceBuilder("t1");
  b.Span("p", "", "api", "list", 0, 1000);
  for (int i = 0; i < 5; ++i) {
    b.Span(fmt::format("q{}", i), "p", "cat", fmt::format("GET /items/{}", i + 1), 10, 100);
  }
  Trace t = b.Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kNPlusOne);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sequence[0].operation, "GET /items/{n}");
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
  EXPECT_EQ(found[0].optimistic.p50_us, 0);  // already concurrent: union 100 − 100
}

TEST(RepeatedCallDetectorTest, IdenticalReadsAreCacheCandidates) {
  Trace t = TraceBuilder("t1")
                .Span("p", "", "api", "page", 0, 1000)
                .Span("a", "p", "cfg", "GET", 10, 100)
                .Attr("http.url", "/config/flags")
                .Attr("http.method", "GET")
                .Span("b", "p", "cfg", "GET", 200, 120)
                .Attr("http.url", "/config/flags")
                .Attr("http.method", "GET")
                .Span("c", "p", "cfg", "GET", 400, 90)
                .Attr("http.url", "/config/other")
                .Attr("http.method", "GET")
                .Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kRepeatedCall);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].calls_p50, 2);
  EXPECT_EQ(found[0].example_key, "/config/flags");
  EXPECT_EQ(found[0].optimistic.p50_us, 120);  // every call after the first
  EXPECT_EQ(found[0].confidence, Confidence::kHigh);
}

// One repeated call under different parents in different traces: the
// finding names the smallest parent, in whichever order the traces come.
TEST(RepeatedCallDetectorTest, ParentShownDoesNotDependOnTraceOrder) {
  auto page = [](const std::string& id, const std::string& parent_op) {
    return TraceBuilder(id)
        .Span("p", "", "api", parent_op, 0, 1000)
        .Span("a", "p", "cfg", "GET", 10, 100)
        .Attr("http.url", "/config/flags")
        .Span("b", "p", "cfg", "GET", 200, 120)
        .Attr("http.url", "/config/flags")
        .Build();
  };
  for (bool reversed : {false, true}) {
    Trace home = page("t1", "home");
    Trace cart = page("t2", "cart");
    const auto found = OfKind(reversed ? Detect({&cart, &home}) : Detect({&home, &cart}),
                              FindingKind::kRepeatedCall);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].parent, (OpName{"api", "cart"})) << reversed;
    EXPECT_EQ(found[0].instances, 2u);
  }
}

TEST(RepeatedCallDetectorTest, OneCallSeenByTwoInstrumentationLayersIsNotARepeat) {
  // A proxy span and its handler child carry the same operation and URL.
  Trace t = TraceBuilder("t1")
                .Span("p", "", "nginx", "/compose", 0, 1000)
                .Attr("http.url", "http://h/compose")
                .Span("c", "p", "nginx", "/compose", 10, 900)
                .Attr("http.url", "http://h/compose")
                .Build();
  EXPECT_TRUE(OfKind(Detect({&t}), FindingKind::kRepeatedCall).empty());
}

TEST(RepeatedCallDetectorTest, RepeatedWritesAreMediumConfidence) {
  Trace t = TraceBuilder("t1")
                .Span("p", "", "api", "page", 0, 1000)
                .Span("a", "p", "db", "INSERT", 10, 100)
                .Attr("db.statement", "INSERT INTO log VALUES (1)")
                .Span("b", "p", "db", "INSERT", 200, 100)
                .Attr("db.statement", "INSERT INTO log VALUES (1)")
                .Build();
  const auto found = OfKind(Detect({&t}), FindingKind::kRepeatedCall);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].confidence, Confidence::kMedium);
}

TEST(FindingsTest, IgnoreRulesSuppressWithReason) {
  DetectorConfig config;
  config.ignore.push_back({"", "db", "", "known loop, batched in PERF-12"});
  Trace t1 = NPlusOneTrace("t1");
  Trace t2 = Chain("t2").Build();
  const auto found = Detect({&t1, &t2}, config);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_FALSE(found[0].suppressed);
  EXPECT_EQ(found[0].kind, FindingKind::kSequential);
  EXPECT_TRUE(found[1].suppressed);
  EXPECT_EQ(found[1].suppressed_reason, "known loop, batched in PERF-12");

  config.ignore = {{found[0].fingerprint, "", "", ""}};
  const auto again = Detect({&t1, &t2}, config);
  EXPECT_TRUE(again[1].suppressed);
  EXPECT_EQ(again[1].kind, FindingKind::kSequential);
}

TEST(FindingsTest, RankedByTotalRealisticSaving) {
  Trace a1 = Chain("a1").Build();
  Trace a2 = Chain("a2").Build();
  Trace n1 = NPlusOneTrace("n1");
  const auto found = Detect({&n1, &a1, &a2});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_GE(found[0].realistic.total_us, found[1].realistic.total_us);
  EXPECT_EQ(found[0].kind, FindingKind::kSequential);
}

TEST(FindingsTest, MergeOfShardsEqualsOneCollector) {
  DetectorConfig config;
  AnalysisOptions options;
  TraceAnalyzer all(options), a(options), b(options);
  for (int i = 0; i < 6; ++i) {
    const std::string id = fmt::format("t{}", i);
    Trace x = i % 2 ? Chain(id, {"B", "A", "C"}).Build() : NPlusOneTrace(id);
    Trace y = i % 2 ? Chain(id, {"B", "A", "C"}).Build() : NPlusOneTrace(id);
    all.Analyze(x);
    (i < 3 ? a : b).Analyze(y);
  }
  FindingsCollector merged = a.findings();
  merged.Merge(b.findings());
  const auto expected = all.findings().Build(config);
  const auto actual = merged.Build(config);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].fingerprint, expected[i].fingerprint);
    EXPECT_EQ(actual[i].instances, expected[i].instances);
    EXPECT_EQ(actual[i].realistic.p95_us, expected[i].realistic.p95_us);
    EXPECT_EQ(actual[i].example_trace_ids, expected[i].example_trace_ids);
    EXPECT_EQ(actual[i].reasons, expected[i].reasons);
  }
}

TEST(FindingsTest, BuildWithLimitIsTheHeadOfTheFullRanking) {
  DetectorConfig config;
  AnalysisOptions options;
  TraceAnalyzer analyzer(options);
  for (int i = 0; i < 6; ++i) {
    const std::string id = fmt::format("t{}", i);
    Trace t = i % 3 == 0   ? NPlusOneTrace(id)
              : i % 3 == 1 ? Chain(id, {"C", "B", "A"}).Build()
                           : Chain(id).Build();
    analyzer.Analyze(t);
  }
  config.ignore = {{"", "", "^A$", "a reason"}};  // suppresses the chains: ranked last
  const auto all = analyzer.findings().Build(config);
  ASSERT_GE(all.size(), 2u);
  EXPECT_TRUE(all.back().suppressed);
  for (size_t limit = 1; limit <= all.size() + 1; ++limit) {
    const auto head = analyzer.findings().Build(config, limit);
    ASSERT_EQ(head.size(), std::min(limit, all.size()));
    for (size_t i = 0; i < head.size(); ++i) {
      EXPECT_EQ(head[i].fingerprint, all[i].fingerprint);
      EXPECT_EQ(head[i].suppressed, all[i].suppressed);
      EXPECT_EQ(head[i].suppressed_reason, all[i].suppressed_reason);
      EXPECT_EQ(head[i].confidence, all[i].confidence);
      EXPECT_EQ(head[i].reasons, all[i].reasons);
      EXPECT_EQ(head[i].sequence, all[i].sequence);
      EXPECT_EQ(head[i].realistic.p50_us, all[i].realistic.p50_us);
      EXPECT_EQ(head[i].calls_p50, all[i].calls_p50);
      EXPECT_EQ(head[i].example_trace_ids, all[i].example_trace_ids);
    }
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
