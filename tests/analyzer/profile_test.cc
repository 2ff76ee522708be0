#include "analyzer/profile.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analyzer/analysis.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using testing::TraceBuilder;

// gw [0,100] calls db [10,40] then cache [50,60]; jaeger path:
// gw[0,10] db[10,40] gw[40,50] cache[50,60] gw[60,100].
Trace SequentialTrace(const std::string& id, int64_t offset, int64_t db_us) {
  return TraceBuilder(id)
      .Span("a", "", "gw", "GET /", offset, 100 + db_us - 30)
      .Span("b", "a", "db", "query", offset + 10, db_us)
      .Span("c", "a", "cache", "get", offset + 20 + db_us, 10)
      .Build();
}

TEST(ProfileTest, SummarizeAttributesCriticalTimeToOperations) {
  TraceAnalyzer analyzer(AnalysisOptions{});
  Trace t = SequentialTrace("t1", 1000, 30);
  analyzer.Analyze(t);
  const Profile& p = analyzer.profile();
  ASSERT_EQ(p.traces(), 1u);
  EXPECT_EQ(p.critical_path_us(), 100);
  EXPECT_EQ(p.by_service().at("gw").critical_us, 60);
  EXPECT_EQ(p.by_service().at("db").critical_us, 30);
  EXPECT_EQ(p.by_service().at("cache").critical_us, 10);
  EXPECT_EQ(p.by_operation().at({"db", "query"}).spans, 1u);
  EXPECT_EQ(p.by_root().at({"gw", "GET /"}).durations_us.values(), (std::vector<int64_t>{100}));
}

TEST(ProfileTest, ReportRanksAndComputesShares) {
  TraceAnalyzer analyzer(AnalysisOptions{});
  for (int64_t i = 0; i < 4; ++i) {
    Trace t = SequentialTrace(fmt::format("t{}", i), 1000 * (i + 1), 30 + 10 * i);
    analyzer.Analyze(t);
  }
  const ProfileReport r = BuildProfileReport(analyzer.profile(), 0);
  EXPECT_EQ(r.traces, 4u);
  // Durations 100, 110, 120, 130: db 30+40+50+60 = 180, gw 4*60 = 240, cache 40.
  EXPECT_EQ(r.critical_path_us, 460);
  ASSERT_EQ(r.by_service.size(), 3u);
  EXPECT_EQ(r.by_service[0].name.service, "gw");
  EXPECT_EQ(r.by_service[0].critical_us, 240);
  EXPECT_EQ(r.by_service[1].name.service, "db");
  EXPECT_EQ(r.by_service[1].p50_us, 40);
  EXPECT_EQ(r.by_service[1].p95_us, 60);
  EXPECT_DOUBLE_EQ(r.by_service[1].share, 180.0 / 460.0);
  EXPECT_EQ(r.by_service[2].name.service, "cache");
  ASSERT_EQ(r.root_latency.size(), 2u);
  EXPECT_EQ(r.root_latency[0].root.operation, "all");
  EXPECT_EQ(r.root_latency[0].p50_us, 110);
  EXPECT_EQ(r.root_latency[0].p90_us, 130);
  EXPECT_EQ(r.root_latency[0].max_us, 130);
  EXPECT_EQ(r.root_latency[1].root.service, "gw");
  // Every gw root (and t3's db) has 60 µs on the path; ties break by trace id.
  ASSERT_FALSE(r.heaviest.empty());
  EXPECT_EQ(r.heaviest[0].critical_us, 60);
  EXPECT_EQ(r.heaviest[0].trace_id, "t0");
  EXPECT_EQ(r.heaviest[1].trace_id, "t1");
}

// The report of SequentialTrace("t1", 1000, 30) alone.
ProfileReport OneTraceReport(size_t top_n) {
  TraceAnalyzer analyzer(AnalysisOptions{});
  Trace t = SequentialTrace("t1", 1000, 30);
  analyzer.Analyze(t);
  return BuildProfileReport(analyzer.profile(), top_n);
}

TEST(ProfileTest, TopNLimitsRankings) {
  const ProfileReport r = OneTraceReport(2);
  EXPECT_EQ(r.by_service.size(), 2u);
  EXPECT_EQ(r.by_operation.size(), 2u);
  EXPECT_EQ(r.heaviest.size(), 2u);
}

TEST(ProfileTest, MergeOfShardsEqualsOneAnalyzer) {
  AnalysisOptions options;
  options.max_heaviest = 3;
  TraceAnalyzer all(options), shard_a(options), shard_b(options);
  for (int64_t i = 0; i < 10; ++i) {
    Trace t1 = SequentialTrace(fmt::format("t{}", i), 100 * (i + 1), 10 + 7 * i);
    Trace t2 = SequentialTrace(fmt::format("t{}", i), 100 * (i + 1), 10 + 7 * i);
    all.Analyze(t1);
    (i % 3 == 0 ? shard_a : shard_b).Analyze(t2);
  }
  shard_a.Merge(shard_b);  // profiles and findings
  const ProfileReport expected = BuildProfileReport(all.profile(), 0);
  const ProfileReport actual = BuildProfileReport(shard_a.profile(), 0);
  EXPECT_EQ(actual.traces, expected.traces);
  EXPECT_EQ(actual.critical_path_us, expected.critical_path_us);
  EXPECT_EQ(actual.stacks, expected.stacks);
  ASSERT_EQ(actual.by_operation.size(), expected.by_operation.size());
  for (size_t i = 0; i < actual.by_operation.size(); ++i) {
    EXPECT_EQ(actual.by_operation[i].name.operation, expected.by_operation[i].name.operation);
    EXPECT_EQ(actual.by_operation[i].critical_us, expected.by_operation[i].critical_us);
    EXPECT_EQ(actual.by_operation[i].p50_us, expected.by_operation[i].p50_us);
    EXPECT_EQ(actual.by_operation[i].p95_us, expected.by_operation[i].p95_us);
    EXPECT_EQ(actual.by_operation[i].p99_us, expected.by_operation[i].p99_us);
  }
  ASSERT_EQ(actual.heaviest.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(actual.heaviest[i].trace_id, expected.heaviest[i].trace_id);
    EXPECT_EQ(actual.heaviest[i].span_id, expected.heaviest[i].span_id);
    EXPECT_EQ(actual.heaviest[i].critical_us, expected.heaviest[i].critical_us);
  }
  EXPECT_EQ(actual.root_latency[0].p95_us, expected.root_latency[0].p95_us);
  const auto found_all = all.findings().Build(options.detectors);
  const auto found_merged = shard_a.findings().Build(options.detectors);
  ASSERT_EQ(found_merged.size(), found_all.size());
  for (size_t i = 0; i < found_all.size(); ++i) {
    EXPECT_EQ(found_merged[i].fingerprint, found_all[i].fingerprint);
    EXPECT_EQ(found_merged[i].reasons, found_all[i].reasons);
  }
}

TEST(ProfileTest, HeaviestSpansDoNotDependOnOrderWhenIdsRepeat) {
  // The same trace id and span id twice (two files holding versions of one
  // trace), equal critical time, different services: ranked by the names.
  AnalysisOptions options;
  options.max_heaviest = 1;
  const auto make = [](const std::string& service) {
    return TraceBuilder("t1").Span("a", "", service, "GET /", 1000, 100).Build();
  };
  TraceAnalyzer forward(options), backward(options);
  Trace f1 = make("zeta"), f2 = make("alpha");
  Trace b1 = make("alpha"), b2 = make("zeta");
  forward.Analyze(f1);
  forward.Analyze(f2);
  backward.Analyze(b1);
  backward.Analyze(b2);
  ASSERT_EQ(forward.profile().heaviest().size(), 1u);
  EXPECT_EQ(forward.profile().heaviest()[0].name.service, "alpha");
  EXPECT_EQ(backward.profile().heaviest()[0].name.service, "alpha");
}

TEST(ProfileTest, StacksAreReportedSortedByStack) {
  const ProfileReport r = OneTraceReport(0);
  ASSERT_EQ(r.stacks.size(), 3u);
  EXPECT_EQ(r.stacks[0], (std::pair<std::string, int64_t>{"gw;GET /", 60}));
  EXPECT_EQ(r.stacks[1], (std::pair<std::string, int64_t>{"gw;GET /;cache;get", 10}));
  EXPECT_EQ(r.stacks[2], (std::pair<std::string, int64_t>{"gw;GET /;db;query", 30}));
}

TEST(ProfileTest, SummarizeGroupsManyOperations) {
  // 150 operations in each of two services (one name a prefix of the other)
  // under one root, two spans each: the grouping table grows several times.
  TraceBuilder b("t1");
  b.Span("root", "", "svc", "root", 1000, 10000);
  for (int i = 0; i < 600; ++i) {
    b.Span(fmt::format("s{}", i), "root", i % 2 ? "svc" : "svc2", fmt::format("op{:03}", i / 4),
           1000 + i, 1);
  }
  Trace t = b.Build();
  TraceAnalyzer analyzer(AnalysisOptions{});
  const CriticalPath& path = analyzer.Analyze(t);
  const TraceSummary summary = Summarize(t, path, 5);
  ASSERT_EQ(summary.ops.size(), 301u);
  for (size_t k = 1; k < summary.ops.size(); ++k) {
    EXPECT_LT(std::tie(summary.ops[k - 1].name.service, summary.ops[k - 1].name.operation),
              std::tie(summary.ops[k].name.service, summary.ops[k].name.operation));
  }
  uint64_t spans = 0;
  for (const TraceSummary::Op& op : summary.ops) {
    EXPECT_EQ(op.spans, op.name.operation == "root" ? 1u : 2u)
        << op.name.service << " " << op.name.operation;
    spans += op.spans;
  }
  EXPECT_EQ(spans, 601u);
  EXPECT_EQ(summary.ops.front().name.service, "svc");
  EXPECT_EQ(summary.ops.front().name.operation, "op000");
  EXPECT_EQ(summary.ops[150].name.operation, "root");
  EXPECT_EQ(summary.ops.back().name.service, "svc2");
  EXPECT_EQ(summary.ops.back().name.operation, "op149");
}

TEST(ProfileTest, StacksAreFoldedOnlyWhenAsked) {
  Trace t = SequentialTrace("t1", 1000, 30);
  TraceAnalyzer analyzer(AnalysisOptions{});
  const CriticalPath& path = analyzer.Analyze(t);
  EXPECT_EQ(Summarize(t, path, 5, /*fold_stacks=*/true).stacks.size(), 3u);
  const TraceSummary without = Summarize(t, path, 5, /*fold_stacks=*/false);
  EXPECT_TRUE(without.stacks.empty());
  EXPECT_EQ(without.ops.size(), 3u);
}

TEST(ProfileTest, ErrorsCountedPerRootOperation) {
  TraceAnalyzer analyzer(AnalysisOptions{});
  Trace ok = SequentialTrace("t1", 1000, 30);
  Trace bad = TraceBuilder("t2").Span("a", "", "gw", "GET /", 1000, 50).Error().Build();
  analyzer.Analyze(ok);
  analyzer.Analyze(bad);
  const ProfileReport r = BuildProfileReport(analyzer.profile(), 0);
  EXPECT_EQ(r.root_latency[0].errors, 1u);
  EXPECT_EQ(r.root_latency[1].errors, 1u);
}

}  // namespace
}  // namespace trace_analyze::analyzer
