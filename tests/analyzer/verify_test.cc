// verify: flagged chains matched by identity in the candidate, with known
// answers (docs/diff.md, "verify").
#include "analyzer/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "analyzer/diff.h"
#include "tests/analyzer/diff_test_util.h"

namespace trace_analyze::analyzer {
namespace {

using testing::Checkouts;
using ::testing::HasSubstr;
using testing::kEpoch;
using testing::RunDiff;

// Returns a copy: callers pass a temporary DiffResult.
VerifyRow OnlyRow(const DiffResult& r) {
  EXPECT_EQ(r.verify.size(), 1u);
  return r.verify.empty() ? VerifyRow{} : r.verify.front();
}

TEST(VerifyTest, ChainThatBecameParallelIsVerifiedWithItsSaving) {
  const DiffResult r = RunDiff(Checkouts("b", 20, false), Checkouts("c", 20, true));
  const VerifyRow v = OnlyRow(r);
  EXPECT_EQ(v.status, VerifyStatus::kParallel);
  EXPECT_TRUE(v.flagged_in_baseline);
  EXPECT_EQ(v.parent, (OpName{"api", "handle"}));
  EXPECT_EQ(v.sequence, (std::vector<OpName>{{"svc", "A"}, {"svc", "B"}, {"svc", "C"}}));
  EXPECT_EQ(v.instances_baseline, 20u);
  EXPECT_EQ(v.instances_candidate, 20u);
  EXPECT_DOUBLE_EQ(*v.overlap_share, 1.0);
  EXPECT_DOUBLE_EQ(*v.partial_share, 0.0);
  // Three equal spans 5 µs apart: Σ 3d over a union of d + 10.
  EXPECT_GT(*v.concurrency, 2.8);
  EXPECT_LT(*v.concurrency, 3.0);
  // Baseline: all three members on the path (3d); candidate: only the last
  // one (d). Predicted: Σ − max = 2d. d is 300..349 µs.
  EXPECT_GT(v.predicted_saving_us, 600);
  EXPECT_GT(*v.realised_saving_us, 600);
  EXPECT_NEAR(static_cast<double>(*v.realised_saving_us),
              static_cast<double>(v.predicted_saving_us), 60);
  EXPECT_EQ(v.parallel_candidate, 20u);
  EXPECT_EQ(v.partial_candidate, 0u);
  // The finding itself is resolved in the candidate.
  EXPECT_EQ(r.findings.resolved, 1u);
  EXPECT_EQ(r.findings.persisting, 0u);
}

TEST(VerifyTest, ChainThatStayedSequentialIsReportedAsSuch) {
  const DiffResult r = RunDiff(Checkouts("b", 20, false), Checkouts("c", 20, false));
  const VerifyRow v = OnlyRow(r);
  EXPECT_EQ(v.status, VerifyStatus::kStillSequential);
  EXPECT_DOUBLE_EQ(*v.overlap_share, 0.0);
  EXPECT_DOUBLE_EQ(*v.concurrency, 1.0);
  EXPECT_EQ(*v.realised_saving_us, 0);
  EXPECT_EQ(r.findings.persisting, 1u);
}

TEST(VerifyTest, MissingPatternIsAbsentNeverASuccess) {
  std::vector<Trace> candidate;
  for (int i = 0; i < 10; ++i) {
    candidate.push_back(testing::TraceBuilder(testing::Id("c", i), kEpoch + int64_t{i} * 1'000'000)
                            .Span("p", "", "api", "handle", 0, 500)
                            .Span("a", "p", "svc", "A", 100, 300)  // B and C are gone
                            .Build());
  }
  VerifyConfig verify;
  std::string error;
  verify.expectations.push_back(*ParseExpectation("api:handle>svc:A,svc:B,svc:C", &error));
  const DiffResult r = RunDiff(Checkouts("b", 10, false), std::move(candidate), {}, verify);
  const VerifyRow v = OnlyRow(r);  // the expectation is the baseline finding
  EXPECT_TRUE(v.expected);
  EXPECT_TRUE(v.flagged_in_baseline);
  EXPECT_EQ(v.status, VerifyStatus::kAbsent);
  EXPECT_EQ(v.instances_candidate, 0u);
  EXPECT_FALSE(v.overlap_share.has_value());
  EXPECT_FALSE(v.realised_saving_us.has_value());
  EXPECT_EQ(v.members, v.sequence);  // what the candidate lacked: A, B and C under api handle
  // Its implied target fails, so the verdict does.
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].name, "overlap_share[api:handle>svc:A,svc:B,svc:C]");
  EXPECT_EQ(r.targets[0].status, TargetStatus::kFail);
  EXPECT_FALSE(r.pass);
}

TEST(VerifyTest, HalfParallelIsPartial) {
  std::vector<Trace> candidate = Checkouts("c", 10, true);
  for (Trace& t : Checkouts("d", 10, false)) candidate.push_back(std::move(t));
  const VerifyRow v = OnlyRow(RunDiff(Checkouts("b", 10, false), std::move(candidate)));
  EXPECT_EQ(v.status, VerifyStatus::kPartial);
  EXPECT_DOUBLE_EQ(*v.overlap_share, 0.5);
}

TEST(VerifyTest, OverlapWithinTheSkewToleranceIsNotOverlap) {
  // Each member starts 4 µs before the previous one ends: clock skew, not
  // concurrency (tolerance: 1 % of the parent's ~1.1 ms).
  std::vector<Trace> candidate;
  for (int i = 0; i < 10; ++i) {
    candidate.push_back(testing::TraceBuilder(testing::Id("c", i), kEpoch + int64_t{i} * 1'000'000)
                            .Span("p", "", "api", "handle", 0, 1100)
                            .Span("a", "p", "svc", "A", 100, 300)
                            .Span("b", "p", "svc", "B", 396, 300)
                            .Span("c", "p", "svc", "C", 692, 300)
                            .Build());
  }
  const VerifyRow v = OnlyRow(RunDiff(Checkouts("b", 10, false), std::move(candidate)));
  EXPECT_EQ(v.status, VerifyStatus::kStillSequential);
  EXPECT_DOUBLE_EQ(*v.partial_share, 0.0);
}

TEST(VerifyTest, MembersWrappedInTaskSpansAreStillFound) {
  std::vector<Trace> candidate;
  for (int i = 0; i < 10; ++i) {
    testing::TraceBuilder b(testing::Id("c", i), kEpoch + int64_t{i} * 1'000'000);
    b.Span("p", "", "api", "handle", 0, 500);
    for (const char* m : {"A", "B", "C"}) {
      b.Span(std::string("t") + m, "p", "api", "task", 95, 310);
      b.Span(std::string("m") + m, std::string("t") + m, "svc", m, 100, 300);
    }
    candidate.push_back(b.Build());
  }
  const VerifyRow v = OnlyRow(RunDiff(Checkouts("b", 10, false), std::move(candidate)));
  EXPECT_EQ(v.status, VerifyStatus::kParallel);
  EXPECT_EQ(v.instances_candidate, 10u);
}

TEST(VerifyTest, UnknownFingerprintExpectationIsUnknownAndFails) {
  VerifyConfig verify;
  std::string error;
  verify.expectations.push_back(*ParseExpectation("0123456789abcdef", &error));
  const DiffResult r = RunDiff(Checkouts("b", 10, false), Checkouts("c", 10, true), {}, verify);
  ASSERT_EQ(r.verify.size(), 2u);  // the expectation first, then the baseline finding
  EXPECT_EQ(r.verify[0].status, VerifyStatus::kUnknown);
  EXPECT_EQ(r.verify[1].status, VerifyStatus::kParallel);
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].status, TargetStatus::kFail);
  EXPECT_FALSE(r.targets[0].value.has_value());
  EXPECT_EQ(r.targets[0].missing, "pattern unknown");
  EXPECT_EQ(r.targets[0].missing_pattern, 0u);  // the unknown row says why
}

TEST(VerifyTest, ExpectationByNamesWorksWithoutABaselineFinding) {
  // The baseline has no chain at all (the detector flags nothing), but the
  // user expects A and B to run concurrently now.
  VerifyConfig verify;
  std::string error;
  verify.expectations.push_back(*ParseExpectation("api:handle>svc:A,svc:B", &error));
  verify.expectations.back().min_overlap_share = 0.8;
  std::vector<Trace> base, cand;
  for (int i = 0; i < 10; ++i) {
    base.push_back(testing::TraceBuilder(testing::Id("b", i), kEpoch + i)
                       .Span("p", "", "api", "handle", 0, 500)
                       .Build());
    cand.push_back(testing::TraceBuilder(testing::Id("c", i), kEpoch + i)
                       .Span("p", "", "api", "handle", 0, 500)
                       .Span("a", "p", "svc", "A", 100, 300)
                       .Span("b", "p", "svc", "B", 100, 300)
                       .Build());
  }
  const DiffResult r = RunDiff(std::move(base), std::move(cand), {}, verify);
  const VerifyRow v = OnlyRow(r);
  EXPECT_FALSE(v.flagged_in_baseline);
  EXPECT_EQ(v.status, VerifyStatus::kParallel);
  EXPECT_DOUBLE_EQ(v.min_overlap_share, 0.8);
  EXPECT_FALSE(v.realised_saving_us.has_value());
  EXPECT_FALSE(v.baseline_critical_us.has_value());  // nothing predicted to compare with
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].status, TargetStatus::kOk);
  EXPECT_DOUBLE_EQ(r.targets[0].target, 80.0);
}

// All the calls of one member under the parent are that member (a loop); the
// members are compared by the time their calls cover, so an interleaved loop
// that still makes one call at a time (A B A B) is not concurrency.
TEST(VerifyTest, LoopsAreOneMemberAndInterleavedCallsDoNotOverlap) {
  PatternDef def = *MakePatternDef("api:handle", {"svc:A", "svc:B"}, nullptr);
  Trace interleaved = testing::TraceBuilder("t1", kEpoch)
                          .Span("p", "", "api", "handle", 0, 1000)
                          .Span("a1", "p", "svc", "A", 100, 200)
                          .Span("b1", "p", "svc", "B", 310, 190)
                          .Span("a2", "p", "svc", "A", 510, 190)
                          .Span("b2", "p", "svc", "B", 710, 190)
                          .Build();
  Trace concurrent = testing::TraceBuilder("t2", kEpoch)
                         .Span("p", "", "api", "handle", 0, 1000)
                         .Span("a1", "p", "svc", "A", 100, 300)
                         .Span("a2", "p", "svc", "A", 105, 300)
                         .Span("a3", "p", "svc", "A", 110, 300)
                         .Span("b1", "p", "svc", "B", 100, 300)
                         .Build();
  std::vector<PatternObservation> obs;
  for (Trace* t : {&interleaved, &concurrent}) {
    TraceAnalyzer analyzer(AnalysisOptions{});
    const CriticalPath& path = analyzer.Analyze(*t);
    const std::vector<int64_t> critical = CriticalTimePerSpan(*t, path);
    ObservePatterns(*t, critical, std::span<const PatternDef>(&def, 1), 0.01, true, &obs);
  }
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].instances, 2u);
  EXPECT_EQ(obs[0].parallel, 1u);  // only the second
  EXPECT_EQ(obs[0].partial, 0u);
  EXPECT_EQ(obs[0].traces, 2u);
  // Σ member time − their union: 0 when interleaved; A covers 100–410, B
  // 100–400: 310 + 300 − 310 when concurrent.
  EXPECT_EQ(obs[0].overlap_per_trace, (std::vector<int64_t>{0, 300}));
  EXPECT_EQ(obs[0].duration_per_trace, (std::vector<int64_t>{770, 610}));
  EXPECT_EQ(obs[0].member_overlaps, (std::vector<uint64_t>{1, 1}));
  // The picture is the first instance of the smallest trace id: t1, its four
  // calls members, in start order, times relative to the parent.
  ASSERT_TRUE(obs[0].example.has_value());
  const FindingExample& e = *obs[0].example;
  EXPECT_EQ(e.trace_id, "t1");
  EXPECT_EQ(e.parent_duration_us, 1000);
  ASSERT_EQ(e.children.size(), 4u);
  EXPECT_EQ(e.children[1].name, (OpName{"svc", "B"}));
  EXPECT_EQ(e.children[1].start_us, 310);
  for (const ExampleSpan& s : e.children) EXPECT_TRUE(s.member);

  // Merging two sides' observations adds every count and keeps the smaller
  // trace id's picture, in either order.
  std::vector<PatternObservation> first, second;
  {
    TraceAnalyzer analyzer(AnalysisOptions{});
    const CriticalPath& path = analyzer.Analyze(concurrent);
    ObservePatterns(concurrent, CriticalTimePerSpan(concurrent, path),
                    std::span<const PatternDef>(&def, 1), 0.01, true, &second);
  }
  {
    TraceAnalyzer analyzer(AnalysisOptions{});
    const CriticalPath& path = analyzer.Analyze(interleaved);
    ObservePatterns(interleaved, CriticalTimePerSpan(interleaved, path),
                    std::span<const PatternDef>(&def, 1), 0.01, true, &first);
  }
  for (bool reversed : {false, true}) {
    PatternObservation merged = reversed ? second[0] : first[0];
    merged.Merge(reversed ? first[0] : second[0]);
    EXPECT_EQ(merged.instances, 2u);
    EXPECT_EQ(merged.member_overlaps, (std::vector<uint64_t>{1, 1}));
    std::vector<int64_t> overlap = merged.overlap_per_trace;
    std::sort(overlap.begin(), overlap.end());
    EXPECT_EQ(overlap, (std::vector<int64_t>{0, 300}));
    EXPECT_EQ(merged.duration_per_trace.size(), 2u);
    ASSERT_TRUE(merged.example.has_value());
    EXPECT_EQ(merged.example->trace_id, "t1");
  }

  // Without keep_examples the same instances are counted and no picture drawn.
  std::vector<PatternObservation> bare;
  {
    TraceAnalyzer analyzer(AnalysisOptions{});
    const CriticalPath& path = analyzer.Analyze(interleaved);
    ObservePatterns(interleaved, CriticalTimePerSpan(interleaved, path),
                    std::span<const PatternDef>(&def, 1), 0.01, false, &bare);
  }
  EXPECT_EQ(bare[0].instances, first[0].instances);
  EXPECT_EQ(bare[0].duration_per_trace, first[0].duration_per_trace);
  EXPECT_FALSE(bare[0].example.has_value());
}

TEST(VerifyTest, ParseExpectation) {
  std::string error;
  const auto fp = ParseExpectation(" 3f2a9c0d51e8b7a4 ", &error);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->fingerprint, "3f2a9c0d51e8b7a4");
  EXPECT_FALSE(fp->pattern.has_value());

  const auto names = ParseExpectation("api:GET /users/42>db:query, cache:get", &error);
  ASSERT_TRUE(names.has_value()) << error;
  EXPECT_EQ(names->pattern->parent, (OpName{"api", "GET /users/{n}"}));  // parameterised
  EXPECT_EQ(names->pattern->members,
            (std::vector<OpName>{{"cache", "get"}, {"db", "query"}}));  // sorted
  EXPECT_EQ(names->fingerprint, RunFingerprint("api", {{"db", "query"}, {"cache", "get"}}));

  EXPECT_FALSE(ParseExpectation("checkout", &error).has_value());
  EXPECT_THAT(error, HasSubstr("neither a 16-hex-digit fingerprint"));
  EXPECT_FALSE(ParseExpectation("api:handle>svc:A", &error).has_value());
  EXPECT_THAT(error, HasSubstr("at least two children"));
  EXPECT_FALSE(ParseExpectation("api:handle>svc:A,svc:A", &error).has_value());
  EXPECT_THAT(error, HasSubstr("at least two different children"));
  EXPECT_FALSE(ParseExpectation("api:handle>A,B", &error).has_value());
  EXPECT_THAT(error, HasSubstr("must be service:operation"));
}

}  // namespace
}  // namespace trace_analyze::analyzer
