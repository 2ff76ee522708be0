// diff: synthetic baseline/candidate pairs with known answers — no false
// significance on equal distributions, a regression hidden in an unchanged
// p50, tiny samples, throughput, errors, critical-path shift and findings.
#include "analyzer/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/analyzer/diff_test_util.h"

namespace trace_analyze::analyzer {
namespace {

using testing::Checkouts;
using ::testing::HasSubstr;
using testing::Id;
using testing::kEpoch;
using testing::RunDiff;

// A root `service op` [0, d] whose child `db query` takes all but 20 µs.
Trace Simple(const std::string& id, int64_t at_us, const std::string& service,
             const std::string& op, int64_t d, bool error = false) {
  testing::TraceBuilder b(id, kEpoch + at_us);
  b.Span(id + "r", "", service, op, 0, d);
  b.Span(id + "q", id + "r", "db", op == "search" ? "scan" : "query", 10, d - 20);
  if (error) b.Error();
  return b.Build();
}

// n traces of one root operation, one per second from `start_s`, durations
// uniform in [low, low + spread) µs, drawn from `seed`.
std::vector<Trace> Draw(const std::string& prefix, int n, const std::string& op, int64_t low,
                        int64_t spread, uint64_t seed, int start_s = 0) {
  std::mt19937_64 rng(seed);
  std::vector<Trace> out;
  for (int i = 0; i < n; ++i) {
    const int64_t d = low + static_cast<int64_t>(rng() % static_cast<uint64_t>(spread));
    out.push_back(Simple(Id(prefix, i), (start_s + i) * 1'000'000LL, "web", op, d));
  }
  return out;
}

std::vector<Trace> Concat(std::vector<Trace> a, std::vector<Trace> b) {
  for (Trace& t : b) a.push_back(std::move(t));
  return a;
}

const LatencyChange& Row(const DiffResult& r, const std::string& op, const std::string& p) {
  for (const LatencyChange& c : r.latency) {
    if (c.root.operation == op && c.percentile == p) return c;
  }
  ADD_FAILURE() << "no latency row " << op << " " << p;
  static const LatencyChange kNone;
  return kNone;
}

TEST(DiffTest, EqualDistributionsAreNeverCalledSignificant) {
  // Independent draws from one distribution, several seeds.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const DiffResult r = RunDiff(Draw("b", 60, "checkout", 1000, 2000, seed),
                                 Draw("c", 60, "checkout", 1000, 2000, seed + 100));
    ASSERT_EQ(r.latency.size(), 8u);  // "all" and checkout, p50..p99 each
    for (const LatencyChange& c : r.latency) {
      EXPECT_TRUE(c.p_value.has_value());
      EXPECT_TRUE(c.ci_low_pct.has_value());
      EXPECT_FALSE(c.significant) << "seed " << seed << " " << c.root.operation << " "
                                  << c.percentile << " p=" << *c.p_value << " ci " << *c.ci_low_pct
                                  << ".." << *c.ci_high_pct;
    }
    EXPECT_FALSE(r.throughput.significant);
    EXPECT_FALSE(r.error_rate.significant);
    for (const CpShiftRow& row : r.critical_path.operations) EXPECT_FALSE(row.significant);
    EXPECT_TRUE(r.pass);
    EXPECT_EQ(r.verdict_reason, "no targets: nothing to gate");
  }
}

TEST(DiffTest, RegressionInOneOperationHiddenInAnUnchangedP50) {
  // 80 checkouts, identical on both sides; 30 searches twice as slow after.
  const DiffResult r = RunDiff(
      Concat(Draw("bc", 80, "checkout", 1000, 500, 7), Draw("bs", 30, "search", 2000, 500, 8, 80)),
      Concat(Draw("cc", 80, "checkout", 1000, 500, 7),
             Draw("cs", 30, "search", 4000, 1000, 9, 80)));
  const LatencyChange& all50 = Row(r, "all", "p50");
  EXPECT_EQ(*all50.change_pct, 0.0);
  EXPECT_FALSE(all50.significant);
  const LatencyChange& search50 = Row(r, "search", "p50");
  EXPECT_TRUE(search50.significant);
  EXPECT_GT(*search50.change_pct, 80.0);
  EXPECT_GT(*search50.ci_low_pct, 0.0);
  EXPECT_LT(*search50.p_value, 0.001);
  EXPECT_FALSE(Row(r, "checkout", "p50").significant);
  EXPECT_GT(*Row(r, "all", "p95").change_pct, 50.0);
  // Rows: "all" first, then by traces (checkout 160, search 60).
  EXPECT_EQ(r.latency[0].root.operation, "all");
  EXPECT_EQ(r.latency[4].root.operation, "checkout");
  EXPECT_EQ(r.latency[8].root.operation, "search");
  // The critical-path shift names the operation that moved.
  ASSERT_FALSE(r.critical_path.operations.empty());
  const CpShiftRow& top = r.critical_path.operations[0];
  EXPECT_EQ(top.name.service, "db");
  EXPECT_EQ(top.name.operation, "scan");
  EXPECT_GT(top.change_us, 0);
  EXPECT_TRUE(top.significant);

  // A target on the regressed root operation fails; one on all p50 holds.
  std::vector<TargetSpec> targets = {ParseTarget("p50_latency_increase[search]<=10%", "t").value(),
                                     ParseTarget("p50_latency_increase<=1%", "t").value()};
  DiffOptions options;
  options.targets = targets;
  const DiffResult gated = RunDiff(
      Concat(Draw("bc", 80, "checkout", 1000, 500, 7), Draw("bs", 30, "search", 2000, 500, 8, 80)),
      Concat(Draw("cc", 80, "checkout", 1000, 500, 7), Draw("cs", 30, "search", 4000, 1000, 9, 80)),
      options);
  ASSERT_EQ(gated.targets.size(), 2u);
  EXPECT_EQ(gated.targets[0].status, TargetStatus::kFail);
  EXPECT_EQ(gated.targets[1].status, TargetStatus::kOk);
  EXPECT_FALSE(gated.pass);
}

// Each percentile row is judged by its own test and the distribution once:
// only the slowest tenth of the traces got 3× slower. p99 moved significantly
// while p50 did not; the Mann–Whitney test of the whole distribution is one
// row per root operation, not repeated on each percentile.
TEST(DiffTest, EachPercentileHasItsOwnTestAndTheDistributionOne) {
  std::vector<Trace> base = Draw("b", 200, "checkout", 1000, 200, 21);
  std::vector<Trace> cand = Draw("c", 200, "checkout", 1000, 200, 22);
  std::vector<Trace> slow_base = Draw("bs", 20, "checkout", 5000, 500, 23, 200);
  std::vector<Trace> slow_cand = Draw("cs", 20, "checkout", 15000, 500, 24, 200);
  const DiffResult r = RunDiff(Concat(std::move(base), std::move(slow_base)),
                               Concat(std::move(cand), std::move(slow_cand)));
  ASSERT_EQ(r.latency_tests.size(), 2u);  // "all", checkout
  EXPECT_EQ(r.latency_tests[0].root.operation, "all");
  EXPECT_EQ(r.latency_tests[1].root.operation, "checkout");
  const LatencyChange& p50 = Row(r, "checkout", "p50");
  const LatencyChange& p99 = Row(r, "checkout", "p99");
  ASSERT_TRUE(p50.p_value && p99.p_value);
  EXPECT_FALSE(p50.significant) << *p50.p_value;
  EXPECT_GE(*p50.p_value, 0.05);
  EXPECT_TRUE(p99.significant) << *p99.p_value;
  EXPECT_LT(*p99.p_value, 0.05);
  EXPECT_NE(*p50.p_value, *p99.p_value);
  // Verdict and interval agree on every row.
  for (const LatencyChange& c : r.latency) {
    ASSERT_TRUE(c.p_value.has_value());
    EXPECT_EQ(c.significant, *c.ci_low_pct > 0 || *c.ci_high_pct < 0) << c.percentile;
  }
  const LatencyDistributionTest& dist = r.latency_tests[1];
  EXPECT_EQ(dist.baseline_traces, 220u);
  EXPECT_EQ(dist.candidate_traces, 220u);
  ASSERT_TRUE(dist.p_value && dist.prob_candidate_slower);
  EXPECT_EQ(dist.significant, *dist.p_value < 0.05);
  EXPECT_GT(*dist.prob_candidate_slower, 0.5);  // the candidate tends to be slower
}

TEST(DiffTest, TinySamplesSaySoInsteadOfGuessing) {
  DiffOptions options;
  options.targets = {ParseTarget("p50_latency_reduction>=10%", "t").value()};
  const DiffResult r = RunDiff(Draw("b", 5, "checkout", 2000, 100, 1),
                               Draw("c", 5, "checkout", 1000, 100, 2), options);
  const LatencyChange& row = Row(r, "all", "p50");
  ASSERT_TRUE(row.change_pct.has_value());
  EXPECT_LT(*row.change_pct, -40.0);  // the point estimate is still shown
  EXPECT_FALSE(row.p_value.has_value());
  EXPECT_FALSE(row.ci_low_pct.has_value());
  EXPECT_FALSE(row.significant);
  EXPECT_FALSE(r.throughput.p_value.has_value());
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].status, TargetStatus::kFail);
  const TargetEvidence& e = r.targets[0].evidence;
  EXPECT_EQ(e.kind, TargetEvidence::Kind::kNotTested);
  EXPECT_EQ(e.baseline_count, 5u);
  EXPECT_EQ(e.candidate_count, 5u);
  EXPECT_EQ(e.min_samples, 8u);
}

TEST(DiffTest, ThroughputAndErrorRate) {
  std::vector<Trace> base, cand;
  for (int i = 0; i < 40; ++i) {
    base.push_back(Simple(Id("b", i), i * 1'000'000LL, "web", "checkout", 1000));
    // Twice as many per second; every third trace fails.
    cand.push_back(Simple(Id("c", i), i * 500'000LL, "web", "checkout", 1000, i % 3 == 0));
  }
  const DiffResult r = RunDiff(std::move(base), std::move(cand));
  EXPECT_EQ(r.throughput.baseline_window_us, 39'000'000);
  EXPECT_DOUBLE_EQ(*r.throughput.baseline_per_s, 1.0);
  EXPECT_DOUBLE_EQ(*r.throughput.candidate_per_s, 2.0);
  EXPECT_DOUBLE_EQ(*r.throughput.change_pct, 100.0);
  EXPECT_TRUE(r.throughput.significant);
  EXPECT_EQ(r.error_rate.baseline_errors, 0u);
  EXPECT_EQ(r.error_rate.candidate_errors, 14u);
  EXPECT_DOUBLE_EQ(*r.error_rate.change_points, 35.0);
  EXPECT_TRUE(r.error_rate.significant);
  EXPECT_EQ(r.error_rate.test, "z");
}

TEST(DiffTest, ThroughputNeedsTwoTracesAndAWindow) {
  std::vector<Trace> one;
  one.push_back(Simple("b", 0, "web", "checkout", 1000));
  const DiffResult r = RunDiff(std::move(one), Draw("c", 10, "checkout", 1000, 10, 1));
  EXPECT_FALSE(r.throughput.baseline_per_s.has_value());
  EXPECT_FALSE(r.throughput.change_pct.has_value());
  EXPECT_TRUE(r.throughput.candidate_per_s.has_value());
}

TEST(DiffTest, CriticalPathShiftAndFindings) {
  // Chain → parallel; the candidate also gains an operation (svc D) and an
  // N+1 loop, and loses one (svc Z).
  std::vector<Trace> base = Checkouts("b", 20, false);
  std::vector<Trace> cand = Checkouts("c", 20, true);
  for (int i = 0; i < 20; ++i) {
    testing::TraceBuilder b(Id("bz", i), kEpoch + 30'000'000 + i * 1'000'000LL);
    b.Span("r", "", "api", "handle", 0, 1000).Span("z", "r", "svc", "Z", 100, 200);
    base.push_back(b.Build());
    testing::TraceBuilder c(Id("cd", i), kEpoch + 30'000'000 + i * 1'000'000LL);
    c.Span("r", "", "api", "handle", 0, 1000).Span("d", "r", "svc", "D", 100, 200);
    for (int k = 0; k < 6; ++k) {
      c.Span(Id("q", k), "d", "db", "SELECT", 110 + 30 * k, 25)
          .Attr("db.statement", "SELECT * FROM t WHERE id = " + std::to_string(100 + k));
    }
    cand.push_back(c.Build());
  }
  const DiffResult r = RunDiff(std::move(base), std::move(cand));
  const CpShift& cp = r.critical_path;
  EXPECT_EQ(cp.appeared, (std::vector<OpName>{{"db", "SELECT"}, {"svc", "D"}}));
  EXPECT_EQ(cp.disappeared, (std::vector<OpName>{{"svc", "Z"}}));
  // svc lost most: 3 × ~325 µs per checkout became ~325 (half the traces).
  ASSERT_FALSE(cp.services.empty());
  EXPECT_EQ(cp.services[0].name.service, "svc");
  EXPECT_LT(cp.services[0].change_us, -200);
  EXPECT_TRUE(cp.services[0].significant);
  bool z_gone = false;
  for (const CpShiftRow& row : cp.operations) {
    if (row.name.operation == "Z") {
      z_gone = row.presence == Presence::kDisappeared && row.candidate_us == 0;
    }
  }
  EXPECT_TRUE(z_gone);
  // Paths are named root-first. Concurrent A and B are off the path now;
  // C, the last to finish, stays on it.
  std::map<std::string, Presence> paths;
  for (const CpShiftRow& row : cp.paths) paths[row.path] = row.presence;
  EXPECT_EQ(paths["api handle > svc A"], Presence::kDisappeared);
  EXPECT_EQ(paths["api handle > svc C"], Presence::kBoth);
  EXPECT_EQ(paths["api handle > svc D > db SELECT"], Presence::kAppeared);

  EXPECT_EQ(r.findings.resolved, 1u);
  EXPECT_EQ(r.findings.added, 1u);
  ASSERT_EQ(r.findings.changes.size(), 2u);
  EXPECT_EQ(r.findings.changes[0].status, FindingChangeStatus::kResolved);
  EXPECT_EQ(r.findings.changes[0].kind, FindingKind::kSequential);
  EXPECT_EQ(r.findings.changes[1].status, FindingChangeStatus::kNew);
  EXPECT_EQ(r.findings.changes[1].kind, FindingKind::kNPlusOne);
  EXPECT_FALSE(r.findings.changes[1].baseline_saving_us.has_value());
}

TEST(DiffTest, ResultsAreDeterministic) {
  const auto run = [] {
    return RunDiff(Draw("b", 50, "checkout", 1000, 2000, 1),
                   Draw("c", 50, "checkout", 800, 2000, 2));
  };
  const DiffResult a = run(), b = run();
  ASSERT_EQ(a.latency.size(), b.latency.size());
  for (size_t i = 0; i < a.latency.size(); ++i) {
    EXPECT_EQ(a.latency[i].ci_low_pct, b.latency[i].ci_low_pct);
    EXPECT_EQ(a.latency[i].ci_high_pct, b.latency[i].ci_high_pct);
    EXPECT_EQ(a.latency[i].p_value, b.latency[i].p_value);
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
