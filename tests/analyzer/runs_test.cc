// Sequential runs mined across traces (docs/detectors.md §1): loops collapse,
// a finding is the run that recurs, judged against every visit of its parent,
// identified by its members, and followed into the candidate by verify.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "analyzer/analysis.h"
#include "analyzer/detectors.h"
#include "tests/analyzer/diff_test_util.h"
#include "tests/analyzer/findings_test_util.h"
#include "tests/testing/render_traces.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::analyzer {
namespace {

using ::testing::HasSubstr;
using testing::Id;
using testing::kEpoch;

std::vector<Finding> Analyze(std::vector<Trace>& traces, const DetectorConfig& config = {}) {
  AnalysisOptions options;
  options.detectors = config;
  TraceAnalyzer analyzer(options);
  for (Trace& t : traces) analyzer.Analyze(t);
  return analyzer.findings().Build(config);
}

using testing::OfKind;

std::set<std::string> Members(const Finding& f) {
  std::set<std::string> out;
  for (const OpName& o : f.sequence) out.insert(o.service + ":" + o.operation);
  return out;
}

// api handle calls svc A, then svc B `loop` times, then svc C: back to back,
// 400 µs each.
Trace LoopTrace(const std::string& id, int loop, int64_t at_us = 0) {
  testing::TraceBuilder b(id, kEpoch + at_us);
  int64_t t = 10;
  std::vector<std::pair<std::string, int64_t>> calls = {{"A", 0}};
  for (int i = 0; i < loop; ++i) calls.emplace_back("B", 0);
  calls.emplace_back("C", 0);
  for (auto& c : calls) {
    c.second = t;
    t += 410;
  }
  b.Span(id + "p", "", "api", "handle", 0, t + 10);
  int n = 0;
  for (const auto& [op, start] : calls) b.Span(Id(id + "c", n++), id + "p", "svc", op, start, 400);
  return b.Build();
}

TEST(RunsTest, LoopsCollapseIntoOneStepWithTheirCountRange) {
  std::vector<Trace> traces;
  const int loops[] = {1, 3, 5, 2, 6};
  for (int i = 0; i < 5; ++i)
    traces.push_back(LoopTrace(Id("t", i), loops[i], int64_t{i} * 10'000));
  const auto found = OfKind(Analyze(traces), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u) << "one code path, whatever the loop count";
  const Finding& f = found[0];
  EXPECT_EQ(f.instances, 5u);
  EXPECT_EQ(f.sequence, (std::vector<OpName>{{"svc", "A"}, {"svc", "B"}, {"svc", "C"}}));
  ASSERT_EQ(f.run.size(), 3u);
  EXPECT_EQ(f.run[1].ops, (std::vector<OpName>{{"svc", "B"}}));
  EXPECT_EQ(f.run[1].count_min, 1);
  EXPECT_EQ(f.run[1].count_p50, 3);
  EXPECT_EQ(f.run[1].count_max, 6);
  EXPECT_EQ(DescribeRun(f.run), "svc A → svc B ×1–6 (p50 3) → svc C");
  EXPECT_EQ(f.fingerprint, RunFingerprint("api", {{"svc", "C"}, {"svc", "A"}, {"svc", "B"}}));
  // The loop is one element: running A, the loop and C concurrently saves
  // Σ of the three elements − the longest. p50 trace: loop of 3 (1220 µs).
  EXPECT_EQ(f.optimistic.p50_us, 400 + 400);
}

TEST(RunsTest, RepeatedGroupsAreOneStep) {
  // api handle: A, then (G → V) ×k, then C.
  std::vector<Trace> traces;
  for (int i = 0; i < 4; ++i) {
    testing::TraceBuilder b(Id("t", i), kEpoch + int64_t{i} * 10'000);
    std::vector<std::string> ops = {"A"};
    for (int k = 0; k < 2 + i; ++k) {
      ops.push_back("G");
      ops.push_back("V");
    }
    ops.push_back("C");
    b.Span("p", "", "api", "handle", 0, 10 + 210 * static_cast<int64_t>(ops.size()) + 10);
    for (size_t k = 0; k < ops.size(); ++k) {
      b.Span(Id("c", static_cast<int>(k)), "p", "svc", ops[k], 10 + 210 * static_cast<int64_t>(k),
             200);
    }
    traces.push_back(b.Build());
  }
  const auto found = OfKind(Analyze(traces), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(DescribeRun(found[0].run), "svc A → (svc G → svc V) ×2–5 (p50 3) → svc C");
}

// The users' own example: the vision run is one finding however its
// neighbours vary, and nothing else is a run.
TEST(RunsTest, AFixedRunAmidVaryingNeighboursIsItsOwnFinding) {
  std::vector<Trace> traces = testing::RenderTraces("r", 200, 1, false);
  const auto all = Analyze(traces);
  const auto runs = OfKind(all, FindingKind::kSequential);
  ASSERT_EQ(runs.size(), 1u);
  const Finding& f = runs[0];
  EXPECT_EQ(f.parent, (OpName{"web", "render"}));
  EXPECT_EQ(DescribeRun(f.run),
            "vision face_detection → vision object_detection → vision gesture_detection");
  EXPECT_EQ(f.instances, 200u);
  EXPECT_EQ(f.traces, 200u);
  EXPECT_EQ(f.orders, 1u);
  EXPECT_EQ(f.confidence, Confidence::kMedium) << "always the same order";
  EXPECT_EQ(f.optimistic.p50_us, 300 + 350);  // Σ − the longest (400)
  // The loop is an n+1 candidate and the doubled config read a cache candidate.
  const auto loops = OfKind(all, FindingKind::kNPlusOne);
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_EQ(loops[0].sequence.front(), (OpName{"store", "get_asset"}));
  const auto repeated = OfKind(all, FindingKind::kRepeatedCall);
  ASSERT_EQ(repeated.size(), 1u);
  EXPECT_EQ(repeated[0].sequence.front(), (OpName{"config", "get"}));
}

const VerifyRow* RowFor(const DiffResult& r, const std::string& fingerprint) {
  for (const VerifyRow& v : r.verify) {
    if (v.fingerprint == fingerprint) return &v;
  }
  return nullptr;
}

TEST(RunsTest, VerifyFollowsTheRunIntoTheCandidate) {
  const std::string vision = RunFingerprint("web", {{"vision", "face_detection"},
                                                    {"vision", "object_detection"},
                                                    {"vision", "gesture_detection"}});
  // Optimised twin: only the three vision calls now run concurrently.
  DiffOptions options;
  options.top = 0;
  const DiffResult twin = testing::RunDiff(testing::RenderTraces("b", 200, 1, false),
                                           testing::RenderTraces("c", 200, 2, true), options);
  const VerifyRow* row = RowFor(twin, vision);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->status, VerifyStatus::kParallel);
  ASSERT_TRUE(row->overlap_share.has_value());
  EXPECT_GE(*row->overlap_share, 0.9);
  EXPECT_EQ(row->instances_candidate, 200u);
  // Concurrency: Σ durations (1050 µs) − their union (405 µs: the longest
  // starts 5 µs after the first).
  EXPECT_EQ(row->concurrency_saving_us, 645);
  EXPECT_EQ(row->baseline_duration_us, 1050);
  EXPECT_EQ(row->candidate_duration_us, 1050);
  for (const VerifyRow::MemberOverlap& m : row->member_overlap) EXPECT_EQ(m.share, 1.0);

  // An unchanged second sample: still one after another, nothing saved.
  const DiffResult same = testing::RunDiff(testing::RenderTraces("b", 200, 1, false),
                                           testing::RenderTraces("c", 200, 3, false), options);
  row = RowFor(same, vision);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->status, VerifyStatus::kStillSequential);
  EXPECT_EQ(row->overlap_share, 0.0);
  EXPECT_EQ(row->concurrency_saving_us, 0);
  // The same code on both sides: nothing resolved, nothing new.
  EXPECT_EQ(same.findings.resolved, 0u);
  EXPECT_EQ(same.findings.added, 0u);
}

// Faster members that still run one after another are not concurrency.
TEST(RunsTest, FasterButStillSequentialMembersSaveNothingByConcurrency) {
  DiffOptions options;
  const DiffResult r = testing::RunDiff(testing::Checkouts("b", 20, false, 1'000'000),
                                        testing::Checkouts("c", 20, false, 1'000'000), options);
  ASSERT_FALSE(r.verify.empty());
  EXPECT_EQ(r.verify[0].status, VerifyStatus::kStillSequential);
  EXPECT_EQ(r.verify[0].concurrency_saving_us, 0);
}

// ComposeReview-like: four uploads that overlap in most visits are already
// concurrent, whatever the few visits in which timing separated them; the
// call that always runs first is never "independent" of them.
TEST(RunsTest, MembersThatUsuallyOverlapAreNeverARun) {
  std::vector<Trace> traces;
  for (int i = 0; i < 100; ++i) {
    testing::TraceBuilder b(Id("t", i), kEpoch + int64_t{i} * 10'000);
    b.Span("p", "", "nginx", "ComposeReview", 0, 3000);
    b.Span("m", "p", "movie", "GetMovieId", 10, 400);
    const bool separated = i % 20 == 0;  // 5% of visits: back to back, in both orders
    const char* uploads[] = {"UploadText", "UploadUser", "UploadRating", "UploadId"};
    for (int k = 0; k < 4; ++k) {
      const int slot = i % 40 == 0 ? 3 - k : k;
      const int64_t start = separated ? 420 + slot * 410 : 420 + k * 5;
      b.Span(Id("u", k), "p", "upload", uploads[k], start, 400);
    }
    traces.push_back(b.Build());
  }
  DetectorConfig config;
  config.sequential.min_saving_us = 0;
  for (const Finding& f : OfKind(Analyze(traces, config), FindingKind::kSequential)) {
    int uploads = 0;
    for (const OpName& o : f.sequence) uploads += o.service == "upload";
    EXPECT_LE(uploads, 1) << DescribeRun(f.run);
    EXPECT_NE(f.confidence, Confidence::kHigh) << DescribeRun(f.run);
  }
}

// A run with an optional member (a call skipped when cached) is one finding.
TEST(RunsTest, ARunWithAnOptionalMemberIsOneFinding) {
  std::vector<Trace> traces;
  for (int i = 0; i < 50; ++i) {
    testing::TraceBuilder b(Id("t", i), kEpoch + int64_t{i} * 10'000);
    b.Span("p", "", "api", "handle", 0, 2000);
    b.Span("a", "p", "svc", "A", 10, 400);
    if (i % 5 != 0) b.Span("b", "p", "svc", "B", 420, 400);
    b.Span("c", "p", "svc", "C", 830, 400);
    traces.push_back(b.Build());
  }
  const auto found = OfKind(Analyze(traces), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].instances, 50u);
  EXPECT_EQ(Members(found[0]), (std::set<std::string>{"svc:A", "svc:B", "svc:C"}));
}

// A helper called from several handlers of one service is one finding that
// lists its parents.
TEST(RunsTest, ARunUnderSeveralParentOperationsIsOneFinding) {
  std::vector<Trace> traces;
  const char* handlers[] = {"ComposeA", "ComposeB", "ComposeC"};
  for (int i = 0; i < 9; ++i) {
    testing::TraceBuilder b(Id("t", i), kEpoch + int64_t{i} * 10'000);
    b.Span("p", "", "compose", handlers[i % 3], 0, 1300);
    b.Span("s", "p", "review", "StoreReview", 10, 600);
    b.Span("u", "p", "review", "UploadMovieReview", 620, 600);
    traces.push_back(b.Build());
  }
  const auto found = OfKind(Analyze(traces), FindingKind::kSequential);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].instances, 9u);
  EXPECT_EQ(found[0].parents,
            (std::vector<OpName>{
                {"compose", "ComposeA"}, {"compose", "ComposeB"}, {"compose", "ComposeC"}}));
  EXPECT_THAT(found[0].reasons[0], HasSubstr("(and 2 other operations of compose)"));
}

// RPC spans record no parameters: a loop of them is still an n+1 candidate,
// one step less sure, and says why.
TEST(RunsTest, LoopsWithoutParametersAreNPlusOneWithLowerConfidence) {
  std::vector<Trace> traces;
  for (int i = 0; i < 3; ++i) traces.push_back(LoopTrace(Id("t", i), 5, int64_t{i} * 10'000));
  const auto loops = OfKind(Analyze(traces), FindingKind::kNPlusOne);
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_EQ(loops[0].sequence.front(), (OpName{"svc", "B"}));
  EXPECT_EQ(loops[0].calls_p50, 5);
  EXPECT_EQ(loops[0].confidence, Confidence::kMedium) << "high for a sequential loop, less one";
  EXPECT_THAT(loops[0].reasons.back(), HasSubstr("record no parameters"));
  EXPECT_EQ(loops[0].example_key, "");
}

// One side always skips a member (a cache now answers it): the run is the
// same code, neither resolved nor new.
TEST(RunsTest, DiffMatchesARunThatLostAnOptionalMember) {
  const auto side = [](const std::string& prefix, bool with_b) {
    std::vector<Trace> out;
    for (int i = 0; i < 20; ++i) {
      testing::TraceBuilder b(Id(prefix, i), kEpoch + int64_t{i} * 10'000);
      b.Span("p", "", "api", "handle", 0, 2000);
      b.Span("a", "p", "svc", "A", 10, 600);
      if (with_b) b.Span("b", "p", "svc", "B", 620, 400);
      b.Span("c", "p", "svc", "C", 1030, 600);
      out.push_back(b.Build());
    }
    return out;
  };
  const DiffResult r = testing::RunDiff(side("b", true), side("c", false));
  EXPECT_EQ(r.findings.resolved, 0u);
  EXPECT_EQ(r.findings.added, 0u);
  ASSERT_EQ(r.findings.persisting, 1u);
  const FindingChange& ch = r.findings.changes[0];
  EXPECT_EQ(ch.fingerprint, RunFingerprint("api", {{"svc", "A"}, {"svc", "B"}, {"svc", "C"}}));
  EXPECT_EQ(ch.candidate_fingerprint, RunFingerprint("api", {{"svc", "A"}, {"svc", "C"}}));
  EXPECT_EQ(DescribeRun(ch.run), "svc A → svc C");
}

TEST(RunsTest, ShardedCollectionMergesToTheSameRuns) {
  std::vector<Trace> all = testing::RenderTraces("r", 60, 7, false);
  std::vector<Trace> a = testing::RenderTraces("r", 60, 7, false);
  AnalysisOptions options;
  TraceAnalyzer one(options), first(options), second(options);
  for (size_t i = 0; i < all.size(); ++i) {
    one.Analyze(all[i]);
    (i % 3 == 0 ? first : second).Analyze(a[i]);
  }
  second.Merge(first);  // other order than the single collector's
  const auto expected = one.findings().Build({});
  const auto actual = second.findings().Build({});
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].fingerprint, expected[i].fingerprint);
    EXPECT_EQ(actual[i].instances, expected[i].instances);
    EXPECT_EQ(actual[i].reasons, expected[i].reasons);
    EXPECT_EQ(actual[i].example_trace_ids, expected[i].example_trace_ids);
    EXPECT_EQ(DescribeRun(actual[i].run), DescribeRun(expected[i].run));
  }
}

}  // namespace
}  // namespace trace_analyze::analyzer
