// Extreme and hostile trace shapes through the whole per-trace pipeline
// (TraceAnalyzer: Normalize, clock skew, critical path, summary, detectors):
// each must finish in bounded time and memory without recursion or signed
// overflow (the sanitizer build runs these too), and every repair must be
// counted in DataQuality.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/normalize.h"
#include "analyzer/profile.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using trace_analyze::testing::TraceBuilder;

constexpr int64_t kEpoch = 1'700'000'000'000'000;  // µs, 2023
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// A trace of `n` spans built without per-span std::strings (a million spans
// through TraceBuilder would dominate the test's time). parent(i) is the index
// of span i's CHILD_OF parent, or -1.
template <class ParentFn, class TimeFn>
Trace MakeTrace(uint32_t n, ParentFn parent, TimeFn times) {
  Trace t;
  t.trace_id = t.arena.Store("big");
  t.spans.reserve(n);
  t.references.reserve(n);
  std::vector<std::string_view> ids(n);
  char buf[16];
  for (uint32_t i = 0; i < n; ++i) {
    const int len = std::snprintf(buf, sizeof buf, "%x", i + 1);
    ids[i] = t.arena.Store(std::string_view(buf, static_cast<size_t>(len)));
  }
  const std::string_view service = t.arena.Store("svc");
  const std::string_view op = t.arena.Store("op");
  for (uint32_t i = 0; i < n; ++i) {
    Span s;
    s.span_id = ids[i];
    s.service = service;
    s.operation = op;
    const auto [start, duration] = times(i);
    s.start_us = start;
    s.duration_us = duration;
    s.refs_begin = static_cast<uint32_t>(t.references.size());
    const int64_t p = parent(i);
    if (p >= 0) {
      t.references.push_back({RefType::kChildOf, t.trace_id, ids[static_cast<size_t>(p)]});
      s.refs_count = 1;
    }
    t.spans.push_back(s);
  }
  return t;
}

// Runs the whole per-trace pipeline in both critical-path modes, with and
// without clock-skew adjustment (`all_variants`; else Jaeger mode as is and
// causal mode with adjustment), and returns the first (Jaeger-mode) result.
struct Analyzed {
  DataQuality quality;
  int64_t critical_path_us = 0;
  size_t sections = 0;
  ProfileReport profile;
};

Analyzed AnalyzeAllModes(const Trace& input, bool all_variants = true) {
  Analyzed first;
  bool have_first = false;
  for (const CpMode mode : {CpMode::kJaeger, CpMode::kCausal}) {
    for (const bool skew : {false, true}) {
      if (!all_variants && skew != (mode == CpMode::kCausal)) continue;
      Trace trace;
      trace.trace_id = input.trace_id;
      trace.spans = input.spans;
      trace.references = input.references;
      trace.attributes = input.attributes;
      AnalysisOptions options;
      options.cp.mode = mode;
      options.adjust_clock_skew = skew;
      TraceAnalyzer analyzer(options);
      const CriticalPath& path = analyzer.Analyze(trace);
      int64_t total = 0;
      for (const CpSection& s : path.sections) {
        EXPECT_LT(s.start_us, s.end_us);
        total += s.end_us - s.start_us;
      }
      EXPECT_EQ(total, path.total_us);
      (void)analyzer.findings().Build(options.detectors);
      if (!have_first) {
        // What `critical-path` renders; once is enough (it is pure).
        const TracePath resolved = MakeTracePath(trace, path);
        EXPECT_EQ(resolved.critical_path_us, path.total_us);
        have_first = true;
        first.quality = trace.quality;
        first.critical_path_us = path.total_us;
        first.sections = path.sections.size();
        first.profile = BuildProfileReport(analyzer.profile(), 10);
      }
    }
  }
  return first;
}

TEST(HostileTracesTest, MillionSpansDeepChain) {
  // span i is the only child of span i-1 and ends 1 µs before it.
  constexpr uint32_t kN = 1'000'000;
  const Trace t = MakeTrace(
      kN, [](uint32_t i) { return static_cast<int64_t>(i) - 1; },
      [](uint32_t i) {
        return std::pair<int64_t, int64_t>{kEpoch + i, 3 * int64_t{kN} - 2 * int64_t{i}};
      });
  const Analyzed a = AnalyzeAllModes(t, /*all_variants=*/false);
  EXPECT_EQ(a.quality.spans, kN);
  EXPECT_EQ(a.quality.multi_root_traces, 0u);
  // Jaeger mode: the path tiles the root exactly.
  EXPECT_EQ(a.critical_path_us, 3 * int64_t{kN});
  EXPECT_EQ(a.sections, 2 * size_t{kN} - 1);
}

TEST(HostileTracesTest, MillionSpansWideFanOut) {
  // One root with a million children that ran one after another (shorter
  // than the detectors' minSpanUs, so this is about the tree, the path and the
  // summary; the next test feeds the detectors).
  constexpr uint32_t kN = 1'000'000;
  const Trace t = MakeTrace(
      kN, [](uint32_t i) { return i == 0 ? int64_t{-1} : int64_t{0}; },
      [](uint32_t i) {
        if (i == 0) return std::pair<int64_t, int64_t>{kEpoch, 20 * int64_t{kN} + 10};
        return std::pair<int64_t, int64_t>{kEpoch + 20 * int64_t{i}, i % 2 ? 15 : 20};
      });
  const Analyzed a = AnalyzeAllModes(t, /*all_variants=*/false);
  EXPECT_EQ(a.quality.spans, kN);
  EXPECT_EQ(a.critical_path_us, 20 * int64_t{kN} + 10);
}

TEST(HostileTracesTest, WideSequentialFanOutStaysBoundedInTheDetectors) {
  // 200,000 children that each could run in parallel with the others: one
  // huge sequential chain (cut into pieces of 64), value-flow and
  // intervening-work scans, re-timing budget.
  constexpr uint32_t kN = 200'000;
  const Trace t = MakeTrace(
      kN, [](uint32_t i) { return i == 0 ? int64_t{-1} : int64_t{0}; },
      [](uint32_t i) {
        if (i == 0) return std::pair<int64_t, int64_t>{kEpoch, 200 * int64_t{kN} + 10};
        return std::pair<int64_t, int64_t>{kEpoch + 200 * int64_t{i}, i % 2 ? 150 : 200};
      });
  AnalysisOptions options;
  TraceAnalyzer analyzer(options);
  Trace copy;
  copy.trace_id = t.trace_id;
  copy.spans = t.spans;
  copy.references = t.references;
  analyzer.Analyze(copy);
  const std::vector<Finding> findings = analyzer.findings().Build(options.detectors);
  ASSERT_FALSE(findings.empty());
  for (const Finding& f : findings) EXPECT_LE(f.sequence.size(), 64u);
}

TEST(HostileTracesTest, ParentCyclesAndSelfReferencesAreBrokenAndCounted) {
  Trace t = TraceBuilder("t", kEpoch)
                .Span("a", "c", "s", "a", 0, 100)  // a -> c -> b -> a
                .Span("b", "a", "s", "b", 10, 50)
                .Span("c", "b", "s", "c", 20, 10)
                .Span("self", "self", "s", "self", 5, 5)  // its own parent
                .Span("d", "self", "s", "d", 6, 1)
                .Build();
  const Analyzed a = AnalyzeAllModes(t);
  EXPECT_EQ(a.quality.parent_cycles, 2u);
  EXPECT_EQ(a.quality.multi_root_traces, 1u);
  EXPECT_GT(a.critical_path_us, 0);
}

TEST(HostileTracesTest, MillionSpanCycleIsBrokenIteratively) {
  // span i's parent is span i+1, and the last span's is the first.
  constexpr uint32_t kN = 1'000'000;
  const Trace t = MakeTrace(
      kN, [](uint32_t i) { return static_cast<int64_t>((i + 1) % kN); },
      [](uint32_t i) {
        return std::pair<int64_t, int64_t>{kEpoch + i, 10};
      });
  const Analyzed a = AnalyzeAllModes(t, /*all_variants=*/false);
  EXPECT_EQ(a.quality.parent_cycles, 1u);
  EXPECT_EQ(a.quality.spans, kN);
}

TEST(HostileTracesTest, DuplicateIdsAreRemovedOrRenamedAndCounted) {
  TraceBuilder b("t", kEpoch);
  b.Span("root", "", "s", "root", 0, 1000);
  for (int i = 0; i < 1000; ++i) b.Span("x", "root", "s", "same", 10, 10);  // identical copies
  for (int i = 0; i < 1000; ++i) b.Span("y", "root", "s", "op", i, 1);      // distinct, one id
  b.Span("y_1", "root", "s", "taken", 0, 1);  // a name the renaming must skip
  const Analyzed a = AnalyzeAllModes(b.Build());
  EXPECT_EQ(a.quality.duplicate_spans, 999u);
  EXPECT_EQ(a.quality.duplicate_span_ids, 999u);
  EXPECT_EQ(a.quality.spans, 1u + 1u + 1000u + 1u);
}

TEST(HostileTracesTest, MillionTagsOnOneSpan) {
  TraceBuilder b("t", kEpoch);
  b.Span("root", "", "s", "root", 0, 1000);
  b.Span("db", "root", "db", "query", 10, 100);
  for (int i = 0; i < 1'000'000; ++i) b.Attr("k" + std::to_string(i % 1000), std::to_string(i));
  b.Attr("db.statement", "SELECT * FROM t WHERE id = 1");
  b.Span("db2", "root", "db", "query", 200, 100)
      .Attr("db.statement", "SELECT * FROM t WHERE id = 1");
  const Analyzed a = AnalyzeAllModes(b.Build());
  EXPECT_EQ(a.quality.spans, 3u);
  EXPECT_EQ(a.critical_path_us, 1000);
}

TEST(HostileTracesTest, NegativeAndZeroDurationsAreCountedAndClamped) {
  const Trace t = TraceBuilder("t", kEpoch)
                      .Span("a", "", "s", "a", 0, 100)
                      .Span("b", "a", "s", "b", 10, -50)
                      .Span("c", "a", "s", "c", 20, 0)
                      .Span("d", "a", "s", "d", 30, kInt64Min)
                      .Build();
  const Analyzed a = AnalyzeAllModes(t);
  EXPECT_EQ(a.quality.negative_durations, 2u);
  EXPECT_EQ(a.quality.zero_durations, 1u);
  EXPECT_EQ(a.critical_path_us, 100);
}

TEST(HostileTracesTest, TimesNearTheInt64LimitsAreClampedAndCounted) {
  // Every combination of extreme starts and durations: no overflow anywhere
  // (UBSan aborts on one), each clamped value counted once per span.
  const std::vector<int64_t> starts = {kInt64Min,  kInt64Min + 1,  -kMaxTimeUs - 1, -1,       1,
                                       kMaxTimeUs, kMaxTimeUs + 1, kInt64Max - 1,   kInt64Max};
  const std::vector<int64_t> durations = {0,        1, kMaxTimeUs, kMaxTimeUs + 1, kInt64Max - 1,
                                          kInt64Max};
  TraceBuilder b("t", 0);
  b.Span("root", "", "s", "root", kInt64Min, kInt64Max);
  int n = 0;
  uint64_t out_of_range = 1;  // the root
  for (int64_t s : starts) {
    for (int64_t d : durations) {
      const std::string id = "s" + std::to_string(n++);
      // Alternate parents: the root, and the previous span (a deep chain).
      b.Span(id, n % 2 ? "root" : "s" + std::to_string(n - 2), "svc" + std::to_string(n % 3), "op",
             s, d)
          .Host(n % 2 ? "h1" : "h2");
      if (s < -kMaxTimeUs || s > kMaxTimeUs || d > kMaxTimeUs) ++out_of_range;
    }
  }
  const Analyzed a = AnalyzeAllModes(b.Build());
  EXPECT_EQ(a.quality.out_of_range_times, out_of_range);
  EXPECT_GE(a.critical_path_us, 0);
  for (const RootLatencyRow& r : a.profile.root_latency) EXPECT_GE(r.max_us, 0);
}

TEST(HostileTracesTest, SumsOverManyHugeTracesSaturateInsteadOfOverflowing) {
  // 2^10 traces of the longest allowed duration: Σ is 2^63 µs, one past
  // INT64_MAX. Profile totals saturate.
  AnalysisOptions options;
  TraceAnalyzer analyzer(options);
  for (int i = 0; i < 1024; ++i) {
    Trace t = TraceBuilder("t" + std::to_string(i), 0)
                  .Span("a", "", "s", "a", 1, kMaxTimeUs)
                  .Span("b", "a", "s", "b", 1, kMaxTimeUs)
                  .Build();
    analyzer.Analyze(t);
  }
  const ProfileReport p = BuildProfileReport(analyzer.profile(), 10);
  EXPECT_EQ(p.critical_path_us, kInt64Max);
  ASSERT_FALSE(p.by_service.empty());
  EXPECT_EQ(p.by_service[0].critical_us, kInt64Max);
}

TEST(HostileTracesTest, ManyRootsAndOrphans) {
  // 100k roots and 100k orphans (parents that do not exist).
  constexpr uint32_t kN = 200'000;
  Trace t = MakeTrace(
      kN, [](uint32_t) { return int64_t{-1}; },  // all roots; orphans below
      [](uint32_t i) {
        return std::pair<int64_t, int64_t>{kEpoch + (i % 1000), 5};
      });
  for (uint32_t i = 0; i < kN; i += 2) {
    t.spans[i].refs_begin = static_cast<uint32_t>(t.references.size());
    t.spans[i].refs_count = 1;
    t.references.push_back({RefType::kChildOf, t.trace_id, t.arena.Store("missing")});
  }
  const Analyzed a = AnalyzeAllModes(t);
  EXPECT_EQ(a.quality.orphan_spans, kN / 2);
  EXPECT_EQ(a.quality.multi_root_traces, 1u);
}

TEST(HostileTracesTest, CombOfSequentialChainsStaysFast) {
  // Every span of a deep chain also has two children that ran one after the
  // other, then the next chain span: the sequential detector finds a chain under
  // every parent and would re-time the whole trace for each (O(n²)) without
  // its budget.
  constexpr uint32_t kDepth = 20'000;
  constexpr uint32_t kN = 3 * kDepth + 1;
  // Span 3k's children: 3k+1 and 3k+2 (back to back), then 3k+3.
  const Trace t = MakeTrace(
      kN, [](uint32_t i) { return i == 0 ? int64_t{-1} : int64_t{3} * ((i - 1) / 3); },
      [](uint32_t i) {
        const int64_t level = (i + 2) / 3;  // chain span 3k is level k
        const int64_t end = kEpoch + 1000 * (int64_t{kDepth} + 2);
        if (i % 3 == 0) {
          const int64_t base = kEpoch + 1000 * level;
          return std::pair<int64_t, int64_t>{base, end - base - level};
        }
        const int64_t parent_base = kEpoch + 1000 * (level - 1);
        return std::pair<int64_t, int64_t>{parent_base + (i % 3 == 1 ? 100 : 400), 300};
      });
  const Analyzed a = AnalyzeAllModes(t, /*all_variants=*/false);
  EXPECT_EQ(a.quality.spans, kN);
}

TEST(HostileTracesTest, HugeNamesDoNotOverflowTheRegexMatcher) {
  // std::regex recurses per character: a 200 KB operation name against an
  // ignore rule's ".*" would exhaust the stack.
  const std::string huge(200'000, 'a');
  AnalysisOptions options;
  IgnoreRule rule;
  rule.operation_regex = ".*";
  rule.reason = "everything";
  options.detectors.ignore.push_back(rule);
  TraceAnalyzer analyzer(options);
  Trace t = TraceBuilder("t", kEpoch)
                .Span("p", "", "svc", huge, 0, 10'000)
                .Span("a", "p", "svc", huge + "x", 100, 3000)
                .Span("b", "p", "svc", huge + "y", 3100, 3000)
                .Build();
  analyzer.Analyze(t);
  const std::vector<Finding> findings = analyzer.findings().Build(options.detectors);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_FALSE(findings[0].suppressed);  // names over 512 bytes never match a regex rule
}

}  // namespace
}  // namespace trace_analyze::analyzer
