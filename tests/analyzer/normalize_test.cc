#include "analyzer/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using ::testing::ElementsAre;
using trace_analyze::testing::TraceBuilder;

NormalizeOptions KeepSpansWithoutStart() {
  NormalizeOptions o;
  o.drop_spans_without_start = false;
  return o;
}

std::vector<std::string> Ids(const Trace& t, std::span<const SpanIndex> spans) {
  std::vector<std::string> out;
  for (SpanIndex i : spans) out.emplace_back(t.spans[i].span_id);
  return out;
}

std::vector<std::string> AllIds(const Trace& t) {
  std::vector<std::string> out;
  for (const Span& s : t.spans) out.emplace_back(s.span_id);
  return out;
}

SpanIndex IndexOf(const Trace& t, std::string_view id) {
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (t.spans[i].span_id == id) return i;
  }
  ADD_FAILURE() << "no span " << id;
  return kNoSpan;
}

std::string TreeParentId(const Trace& t, std::string_view id) {
  const SpanIndex p = t.topology.tree_parent[IndexOf(t, id)];
  return p == kNoSpan ? "" : std::string(t.spans[p].span_id);
}

TEST(NormalizeTest, TimingCounters) {
  TraceBuilder b;
  b.Span("r", "", "s", "r", 100, 100)
      .Span("zero", "r", "s", "op", 110, 0)
      .Span("negative", "r", "s", "op", 150, -20)
      .Span("nostart", "r", "s", "op", 0, 10)
      .Span("nostart2", "r", "s", "op", 120, 10)
      .NoStart();
  Trace t = b.Build();
  Trace no_duration = TraceBuilder().Span("a", "", "s", "op", 5, 0).Build();
  no_duration.spans[0].has_duration = false;

  Normalize(t, KeepSpansWithoutStart());
  EXPECT_EQ(t.quality.zero_durations, 1u);
  EXPECT_EQ(t.quality.negative_durations, 1u);
  EXPECT_EQ(t.quality.missing_start_times, 2u);
  EXPECT_EQ(t.quality.missing_durations, 0u);
  EXPECT_EQ(t.spans[IndexOf(t, "negative")].duration_us, 0);
  EXPECT_FALSE(t.spans[IndexOf(t, "nostart")].has_start);

  Normalize(no_duration);
  EXPECT_EQ(no_duration.quality.missing_durations, 1u);
  EXPECT_EQ(no_duration.quality.zero_durations, 0u);
}

TEST(NormalizeTest, DropModeRemovesSpansWithoutStartAndOrphansTheirChildren) {
  Trace t = TraceBuilder()
                .Span("r", "", "s", "r", 100, 100)
                .Span("x", "r", "s", "x", 0, 50)  // start 0 counts as missing
                .Span("y", "x", "s", "y", 120, 20)
                .Span("z", "r", "s", "z", 130, 10)
                .NoStart()
                .Build();
  Normalize(t);
  EXPECT_THAT(AllIds(t), ElementsAre("r", "y"));
  EXPECT_EQ(t.quality.missing_start_times, 2u);
  EXPECT_EQ(t.quality.spans, 2u);
  EXPECT_EQ(t.quality.traces, 1u);
  EXPECT_EQ(t.quality.orphan_spans, 1u);
  EXPECT_EQ(t.quality.multi_root_traces, 1u);
  EXPECT_THAT(Ids(t, t.topology.roots), ElementsAre("r", "y"));
  EXPECT_EQ(t.topology.parent_missing[IndexOf(t, "y")], 1);
}

TEST(NormalizeTest, KeepModeInheritsTheTreeParentsStart) {
  Trace t = TraceBuilder()
                .Span("r", "", "s", "r", 0, 100)  // a root without start
                .NoStart()
                .Span("a", "r", "s", "a", 500, 10)
                .Span("b", "r", "s", "b", 0, 50)
                .NoStart()
                .Span("c", "b", "s", "c", 0, 5)  // inherits b's repaired start
                .Span("d", "", "s", "d", 450, 5)
                .Build();
  Normalize(t, KeepSpansWithoutStart());
  // The root takes the trace's earliest known start; b and c chain down from it.
  EXPECT_EQ(t.spans[IndexOf(t, "r")].start_us, 450);
  EXPECT_EQ(t.spans[IndexOf(t, "b")].start_us, 450);
  EXPECT_EQ(t.spans[IndexOf(t, "c")].start_us, 450);
  EXPECT_EQ(t.spans[IndexOf(t, "a")].start_us, 500);
  EXPECT_EQ(t.quality.missing_start_times, 3u);
  EXPECT_FALSE(t.spans[IndexOf(t, "c")].has_start);
  EXPECT_THAT(Ids(t, t.topology.ChildrenOf(IndexOf(t, "r"))), ElementsAre("b", "a"));
}

TEST(NormalizeTest, ByteIdenticalDuplicatesRemoved) {
  Trace t = TraceBuilder()
                .Span("a", "", "s", "op", 10, 100)
                .Attr("k", "v")
                .Span("b", "a", "s", "op", 20, 10)
                .Span("a", "", "s", "op", 10, 100)
                .Attr("k", "v")
                .Span("b", "a", "s", "op", 20, 10)
                .Span("b", "a", "s", "op", 20, 10)
                .Build();
  Normalize(t);
  EXPECT_THAT(AllIds(t), ElementsAre("a", "b"));
  EXPECT_EQ(t.quality.duplicate_spans, 3u);
  EXPECT_EQ(t.quality.duplicate_span_ids, 0u);
  EXPECT_EQ(t.quality.spans, 2u);
}

TEST(NormalizeTest, DistinctSpansSharingAnIdAreRenamed) {
  Trace t = TraceBuilder()
                .Span("a", "", "s", "first", 10, 100)
                .Span("b", "a", "s", "child", 20, 10)
                .Span("a", "", "s", "second", 30, 10)  // no refs: a root
                .Span("a", "b", "s", "third", 40, 10)  // keeps its own parent
                .Span("a", "", "s", "second", 30, 10)  // identical to the second
                .Span("a", "", "s", "attr differs", 10, 100)
                .Attr("k", "v")
                .Build();
  Normalize(t);
  EXPECT_THAT(AllIds(t), ElementsAre("a", "b", "a_1", "a_2", "a_3"));
  EXPECT_EQ(t.quality.duplicate_span_ids, 3u);
  EXPECT_EQ(t.quality.duplicate_spans, 1u);
  // References to "a" attach to the first copy.
  EXPECT_EQ(TreeParentId(t, "b"), "a");
  EXPECT_EQ(TreeParentId(t, "a_1"), "");
  EXPECT_EQ(TreeParentId(t, "a_2"), "b");
  EXPECT_THAT(Ids(t, t.topology.roots), ElementsAre("a", "a_3", "a_1"));
}

TEST(NormalizeTest, RenamingSkipsNamesAlreadyTaken) {
  Trace t = TraceBuilder()
                .Span("a", "", "s", "one", 10, 100)
                .Span("a", "", "s", "two", 20, 10)
                .Span("a_1", "", "s", "three", 30, 10)
                .Build();
  Normalize(t);
  EXPECT_THAT(AllIds(t), ElementsAre("a", "a_2", "a_1"));
}

TEST(NormalizeTest, TreeParentAndParentSpanIdFollowJaegerRules) {
  Trace t = TraceBuilder("t1")
                .Span("a", "", "s", "a", 10, 100)
                .Span("b", "", "s", "b", 20, 50)
                // First reference FOLLOWS_FROM a, then CHILD_OF b: the tree
                // parent is a, Jaeger's parentSpanID is b.
                .Span("x", "a", "s", "x", 30, 10, SpanKind::kUnspecified, RefType::kFollowsFrom)
                .Ref(RefType::kChildOf, "b")
                // A reference into another trace whose span id exists here:
                // used for the tree (trace id not checked), not for parentSpanID.
                .Span("y", "", "s", "y", 40, 10)
                .Ref(RefType::kChildOf, "a", "other-trace")
                // Only FOLLOWS_FROM: that is the parentSpanID.
                .Span("z", "b", "s", "z", 50, 10, SpanKind::kUnspecified, RefType::kFollowsFrom)
                // First CHILD_OF is missing: an orphan by parentSpanID even though
                // its second reference gives it a tree parent.
                .Span("w", "missing", "s", "w", 60, 10)
                .Ref(RefType::kFollowsFrom, "a")
                .Build();
  Normalize(t);
  const Topology& topo = t.topology;
  const SpanIndex a = IndexOf(t, "a"), b = IndexOf(t, "b");
  EXPECT_EQ(topo.tree_parent[IndexOf(t, "x")], a);
  EXPECT_EQ(topo.tree_parent_ref[IndexOf(t, "x")], RefType::kFollowsFrom);
  EXPECT_EQ(topo.parent[IndexOf(t, "x")], b);
  EXPECT_EQ(topo.tree_parent[IndexOf(t, "y")], a);
  EXPECT_EQ(topo.parent[IndexOf(t, "y")], kNoSpan);
  EXPECT_EQ(topo.parent_missing[IndexOf(t, "y")], 0);
  EXPECT_EQ(topo.parent[IndexOf(t, "z")], b);
  EXPECT_EQ(topo.tree_parent[IndexOf(t, "w")], a);
  EXPECT_EQ(topo.tree_parent_ref[IndexOf(t, "w")], RefType::kFollowsFrom);
  EXPECT_EQ(topo.parent[IndexOf(t, "w")], kNoSpan);
  EXPECT_EQ(topo.parent_missing[IndexOf(t, "w")], 1);
  EXPECT_EQ(t.quality.follows_from_refs, 3u);
  EXPECT_EQ(t.quality.cross_trace_refs, 1u);
  EXPECT_EQ(t.quality.orphan_spans, 1u);
  EXPECT_EQ(t.quality.multi_root_traces, 1u);
}

TEST(NormalizeTest, ChildrenAndRootsSortedByStartThenInputOrder) {
  Trace t = TraceBuilder()
                .Span("r2", "", "s", "r", 50, 10)
                .Span("r1", "", "s", "r", 10, 100)
                .Span("c3", "r1", "s", "c", 30, 10)
                .Span("c1", "r1", "s", "c", 20, 10)
                .Span("c2b", "r1", "s", "c", 25, 10)
                .Span("c2a", "r1", "s", "c", 25, 10)
                .Span("r0", "", "s", "r", 50, 10)
                .Build();
  Normalize(t);
  EXPECT_THAT(Ids(t, t.topology.roots), ElementsAre("r1", "r2", "r0"));
  EXPECT_THAT(Ids(t, t.topology.ChildrenOf(IndexOf(t, "r1"))),
              ElementsAre("c1", "c2b", "c2a", "c3"));
  EXPECT_TRUE(t.topology.ChildrenOf(IndexOf(t, "r2")).empty());
  EXPECT_EQ(t.topology.child_begin.size(), t.spans.size() + 1);
}

TEST(NormalizeTest, ParentCyclesBrokenAtTheEarliestMember) {
  Trace t = TraceBuilder()
                .Span("root", "", "s", "root", 1, 1000)
                .Span("a", "c", "s", "a", 30, 10)
                .Span("b", "a", "s", "b", 20, 10)  // earliest of the a-b-c cycle
                .Span("c", "b", "s", "c", 25, 10)
                .Span("d", "c", "s", "d", 26, 1)  // hangs off the cycle
                .Span("self", "self", "s", "self", 40, 10)
                .Build();
  Normalize(t);
  EXPECT_EQ(t.quality.parent_cycles, 2u);
  EXPECT_THAT(Ids(t, t.topology.roots), ElementsAre("root", "b", "self"));
  EXPECT_EQ(TreeParentId(t, "c"), "b");
  EXPECT_EQ(TreeParentId(t, "a"), "c");
  EXPECT_EQ(TreeParentId(t, "d"), "c");
  // parentSpanID is left as the data says.
  EXPECT_EQ(t.topology.parent[IndexOf(t, "b")], IndexOf(t, "a"));
  EXPECT_EQ(t.quality.orphan_spans, 0u);
}

TEST(NormalizeTest, ChildrenOutsideParentCounted) {
  Trace t = TraceBuilder()
                .Span("p", "", "s", "p", 100, 100)
                .Span("inside", "p", "s", "c", 100, 100)
                .Span("late", "p", "s", "c", 150, 100)
                .Span("early", "p", "s", "c", 50, 100)
                .Build();
  Normalize(t);
  EXPECT_EQ(t.quality.children_outside_parent, 2u);
}

TEST(NormalizeTest, ReferenceWithoutTraceIdIsSameTrace) {
  Trace t =
      TraceBuilder("t1").Span("a", "", "s", "a", 10, 100).Span("b", "", "s", "b", 20, 10).Build();
  t.references.push_back({RefType::kChildOf, "", "a"});
  t.spans[1].refs_begin = static_cast<uint32_t>(t.references.size() - 1);
  t.spans[1].refs_count = 1;
  Normalize(t);
  EXPECT_EQ(t.topology.parent[1], 0u);
  EXPECT_EQ(t.quality.cross_trace_refs, 0u);
}

void ExpectSameNormalizedTrace(const Trace& a, const Trace& b) {
  ASSERT_EQ(AllIds(a), AllIds(b));
  for (size_t i = 0; i < a.spans.size(); ++i) {
    EXPECT_EQ(a.spans[i].start_us, b.spans[i].start_us) << i;
    EXPECT_EQ(a.spans[i].duration_us, b.spans[i].duration_us) << i;
    EXPECT_EQ(a.spans[i].has_start, b.spans[i].has_start) << i;
  }
  EXPECT_EQ(a.topology.tree_parent, b.topology.tree_parent);
  EXPECT_EQ(a.topology.tree_parent_ref, b.topology.tree_parent_ref);
  EXPECT_EQ(a.topology.parent, b.topology.parent);
  EXPECT_EQ(a.topology.parent_missing, b.topology.parent_missing);
  EXPECT_EQ(a.topology.child_begin, b.topology.child_begin);
  EXPECT_EQ(a.topology.children, b.topology.children);
  EXPECT_EQ(a.topology.roots, b.topology.roots);
  a.quality.ForEach([&](std::string_view name, uint64_t value) {
    uint64_t other = 0;
    b.quality.ForEach([&](std::string_view n, uint64_t v) {
      if (n == name) other = v;
    });
    EXPECT_EQ(value, other) << name;
  });
}

Trace MessyTrace() {
  return TraceBuilder()
      .Span("r", "", "s", "r", 100, 100)
      .Span("a", "r", "s", "a", 0, 10)
      .Span("b", "a", "s", "b", 130, -5)
      .Span("b", "a", "s", "b", 130, -5)
      .Span("b", "r", "s", "b2", 140, 0)
      .Span("c", "d", "s", "c", 150, 10)
      .Span("d", "c", "s", "d", 160, 10)
      .Span("e", "gone", "s", "e", 300, 10)
      .Ref(RefType::kFollowsFrom, "r", "elsewhere")
      .Build();
}

TEST(NormalizeTest, IdempotentInBothModes) {
  for (bool drop : {true, false}) {
    NormalizeOptions o;
    o.drop_spans_without_start = drop;
    Trace once = MessyTrace();
    Normalize(once, o);
    Trace twice = MessyTrace();
    Normalize(twice, o);
    Normalize(twice, o);
    SCOPED_TRACE(drop);
    ExpectSameNormalizedTrace(once, twice);
    EXPECT_EQ(once.quality.duplicate_spans, 1u);
    EXPECT_EQ(once.quality.duplicate_span_ids, 1u);
    EXPECT_EQ(once.quality.negative_durations, 1u);
    EXPECT_EQ(once.quality.zero_durations, 1u);
    EXPECT_EQ(once.quality.missing_start_times, 1u);
    EXPECT_EQ(once.quality.parent_cycles, 1u);
  }
}

// Million-span shapes, built without TraceBuilder's per-span strings. No
// timing asserts: a recursive or quadratic pass would not finish in the
// test timeout (or would overflow the stack).
Trace Chain(uint32_t n) {
  Trace t;
  t.trace_id = t.arena.Store("big");
  t.spans.resize(n);
  t.references.reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    Span& s = t.spans[k];
    s.span_id = t.arena.Store(std::to_string(k));
    s.start_us = 1 + k;
    s.duration_us = 2 * (int64_t{n} - k);
    s.refs_begin = k == 0 ? 0 : k - 1;
    if (k > 0) {
      t.references.push_back({RefType::kChildOf, t.trace_id, t.spans[k - 1].span_id});
      s.refs_count = 1;
    }
  }
  return t;
}

TEST(NormalizeScaleTest, ChainOfAMillion) {
  Trace t = Chain(1'000'000);
  Normalize(t);
  EXPECT_EQ(t.topology.roots.size(), 1u);
  EXPECT_EQ(t.topology.children.size(), 999'999u);
  EXPECT_EQ(t.topology.tree_parent[999'999], 999'998u);
  EXPECT_EQ(t.quality.children_outside_parent, 0u);
}

TEST(NormalizeScaleTest, CycleOfAMillion) {
  Trace t = Chain(1'000'000);
  // Close the chain into a cycle: span 0 becomes a child of the last one.
  t.references.push_back({RefType::kChildOf, t.trace_id, t.spans.back().span_id});
  t.spans[0].refs_begin = static_cast<uint32_t>(t.references.size() - 1);
  t.spans[0].refs_count = 1;
  Normalize(t);
  EXPECT_EQ(t.quality.parent_cycles, 1u);
  EXPECT_THAT(t.topology.roots, ElementsAre(0u));
}

TEST(NormalizeScaleTest, FanOutOfAMillionWithOneDuplicateId) {
  const uint32_t n = 1'000'000;
  Trace t;
  t.trace_id = t.arena.Store("big");
  t.spans.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    Span& s = t.spans[k];
    s.span_id = t.arena.Store(k == n - 1 ? "1" : std::to_string(k));  // last reuses "1"
    s.start_us = n - k + 1;  // children in reverse start order
    s.duration_us = 1;
    s.refs_begin = static_cast<uint32_t>(t.references.size());
    if (k > 0) {
      t.references.push_back({RefType::kChildOf, t.trace_id, t.spans[0].span_id});
      s.refs_count = 1;
    }
  }
  t.spans[0].start_us = 1;
  t.spans[0].duration_us = n + 1;
  Normalize(t);
  EXPECT_EQ(t.quality.duplicate_span_ids, 1u);
  EXPECT_EQ(t.spans[n - 1].span_id, "1_1");
  const auto kids = t.topology.ChildrenOf(0);
  ASSERT_EQ(kids.size(), n - 1);
  EXPECT_TRUE(std::is_sorted(kids.begin(), kids.end(), [&](SpanIndex a, SpanIndex b) {
    return t.spans[a].start_us < t.spans[b].start_us;
  }));
  EXPECT_EQ(kids.front(), n - 1);
}

}  // namespace
}  // namespace trace_analyze::analyzer
