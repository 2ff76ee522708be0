#include "analyzer/retime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "analyzer/normalize.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using trace_analyze::testing::TraceBuilder;

constexpr int64_t kEpoch = 1'000'000;

// Re-times `elements` (children of `parent`) both ways; returns the saving.
int64_t FullSaving(const Trace& t, const CriticalPath& path, SpanIndex parent,
                   const std::vector<std::vector<SpanIndex>>& elements, const CpOptions& cp) {
  return std::max<int64_t>(0, path.total_us - CriticalPathIfConcurrent(t, parent, elements, cp));
}

SpanIndex IndexOf(const Trace& t, std::string_view id) {
  for (SpanIndex i = 0; i < t.spans.size(); ++i) {
    if (t.spans[i].span_id == id) return i;
  }
  return kNoSpan;
}

// gw GET / [0, 400] → api handle [10, 390] → A [20, 120], B [120, 220], C
// [230, 330], then D [330, 380] (after the chain, moves earlier with it).
TEST(RetimeTest, ChainUnderNestedParentShortensTheRoot) {
  Trace t = TraceBuilder("t1", kEpoch)
                .Span("r", "", "gw", "GET /", 0, 400)
                .Span("h", "r", "api", "handle", 10, 380)
                .Span("a", "h", "api", "A", 20, 100)
                .Span("b", "h", "api", "B", 120, 100)
                .Span("c", "h", "api", "C", 230, 100)
                .Span("d", "h", "api", "D", 330, 50)
                .Build();
  Normalize(t);
  const CpOptions cp;
  const CriticalPath path = ComputeCriticalPath(t, cp);
  ASSERT_EQ(path.total_us, 400);
  const SpanIndex h = IndexOf(t, "h");
  const std::vector<std::vector<SpanIndex>> chain = {
      {IndexOf(t, "a")}, {IndexOf(t, "b")}, {IndexOf(t, "c")}};
  // The chain ends at 120 instead of 330: D moves 210 earlier, ends at 170;
  // the handler ends at 180 (390 − 210), the root at 190 (400 − 210).
  EXPECT_EQ(CriticalPathSavingIfConcurrent(t, path, h, chain, cp), 210);
  EXPECT_EQ(FullSaving(t, path, h, chain, cp), 210);
}

// The handler ends 100 µs earlier, but a sibling running until 390 holds the
// root: it ends at 390, 10 µs earlier, not 100.
TEST(RetimeTest, LaterSiblingOfTheParentBoundsTheSaving) {
  Trace t = TraceBuilder("t1", kEpoch)
                .Span("r", "", "gw", "GET /", 0, 400)
                .Span("h", "r", "api", "handle", 10, 300)
                .Span("a", "h", "api", "A", 20, 100)
                .Span("b", "h", "api", "B", 120, 100)
                .Span("s", "r", "api", "slow", 10, 380)
                .Build();
  Normalize(t);
  const CpOptions cp;
  const CriticalPath path = ComputeCriticalPath(t, cp);
  const std::vector<std::vector<SpanIndex>> chain = {{IndexOf(t, "a")}, {IndexOf(t, "b")}};
  EXPECT_EQ(CriticalPathSavingIfConcurrent(t, path, IndexOf(t, "h"), chain, cp), 10);
  EXPECT_EQ(FullSaving(t, path, IndexOf(t, "h"), chain, cp), 10);
}

// The fast Jaeger-mode saving equals re-computing the path of the re-timed
// trace, on random traces with orphans, FOLLOWS_FROM children, children
// outside their parent, loops (elements of several calls) and overlapping
// siblings.
TEST(RetimeTest, JaegerSavingEqualsRecomputedPathOnRandomTraces) {
  std::mt19937 rng(20261207);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int compared = 0, positive = 0;
  for (int i = 0; i < 4000; ++i) {
    TraceBuilder b("t1", kEpoch);
    const int n = uniform(2, 30);
    for (int k = 0; k < n; ++k) {
      std::string parent;
      const int r = uniform(0, 19);
      if (k > 0 && r > 1) parent = "s" + std::to_string(uniform(0, std::min(k - 1, 4)));
      if (k > 0 && r == 1) parent = "missing";
      b.Span("s" + std::to_string(k), parent, "svc", "op" + std::to_string(uniform(0, 3)),
             uniform(0, 300), uniform(1, 150), SpanKind::kUnspecified,
             uniform(0, 4) == 0 ? RefType::kFollowsFrom : RefType::kChildOf);
    }
    Trace t = b.Build();
    Normalize(t);
    const CpOptions cp;
    const CriticalPath path = ComputeCriticalPath(t, cp);
    for (SpanIndex p = 0; p < t.spans.size(); ++p) {
      const auto children = t.topology.ChildrenOf(p);
      if (children.size() < 2) continue;
      // Consecutive children (start order) in groups of 1–3 make the elements.
      std::vector<std::vector<SpanIndex>> elements;
      size_t k = static_cast<size_t>(uniform(0, static_cast<int>(children.size()) - 2));
      const size_t end = std::min(children.size(), k + static_cast<size_t>(uniform(2, 6)));
      while (k < end) {
        std::vector<SpanIndex>& e = elements.emplace_back();
        const size_t size = static_cast<size_t>(uniform(1, 3));
        for (size_t j = 0; j < size && k < end; ++j) e.push_back(children[k++]);
      }
      SCOPED_TRACE(::testing::Message() << "trace " << i << " parent " << p);
      const int64_t want = FullSaving(t, path, p, elements, cp);
      ASSERT_EQ(CriticalPathSavingIfConcurrent(t, path, p, elements, cp), want);
      ++compared;
      positive += want > 0;
    }
  }
  // The comparison covered real savings, not only zeros.
  EXPECT_GT(compared, 2000);
  EXPECT_GT(positive, 300);
}

}  // namespace
}  // namespace trace_analyze::analyzer
