// Targets: the strict expression syntax, and every rule of the evaluation
// (docs/diff.md, "Targets").
#include "analyzer/targets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace trace_analyze::analyzer {
namespace {

using ::testing::HasSubstr;

TargetSpec Parse(const std::string& text) {
  Result<TargetSpec> r = ParseTarget(text, "--target");
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : TargetSpec{};
}

std::string ParseError(const std::string& text) {
  Result<TargetSpec> r = ParseTarget(text, "--target");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(TargetParseTest, AcceptsTheDocumentedForms) {
  TargetSpec t = Parse("p95_latency_reduction>=30%");
  EXPECT_EQ(t.metric, "p95_latency_reduction");
  EXPECT_EQ(t.scope, "");
  EXPECT_EQ(t.op, TargetOp::kGe);
  EXPECT_DOUBLE_EQ(t.target, 30);
  EXPECT_FALSE(t.acceptable.has_value());
  EXPECT_EQ(t.origin, "--target");

  t = Parse(" error_rate_increase <= 0 ");
  EXPECT_EQ(t.op, TargetOp::kLe);
  EXPECT_DOUBLE_EQ(t.target, 0);

  t = Parse("p99_duration[cart:GET /a>b] < 100ms / 200ms");
  EXPECT_EQ(t.scope, "cart:GET /a>b");  // the scope runs to the last ']'
  EXPECT_EQ(t.op, TargetOp::kLt);
  EXPECT_DOUBLE_EQ(t.target, 100'000);
  EXPECT_DOUBLE_EQ(*t.acceptable, 200'000);
  EXPECT_EQ(t.Name(), "p99_duration[cart:GET /a>b]");

  EXPECT_DOUBLE_EQ(Parse("p50_latency[checkout]<=1.5s").target, 1'500'000);
  EXPECT_DOUBLE_EQ(Parse("p50_latency<=250us").target, 250);
  EXPECT_DOUBLE_EQ(Parse("overlap_share[3f2a9c0d51e8b7a4]>=90%/75%").target, 90);
  EXPECT_DOUBLE_EQ(Parse("throughput_increase>+50%").target, 50);
  EXPECT_DOUBLE_EQ(Parse("p90_latency_increase<=-5%").target, -5);
}

TEST(TargetParseTest, RejectsAnythingAmbiguous) {
  EXPECT_THAT(ParseError("p95_latency_reductoin>=30%"), HasSubstr("unknown metric"));
  EXPECT_THAT(ParseError("p97_latency_reduction>=30%"), HasSubstr("unknown metric"));
  EXPECT_THAT(ParseError("p95_latency_reduction>=30"), HasSubstr("needs a percent sign"));
  EXPECT_THAT(ParseError("p95_latency_reduction>=0.3"), HasSubstr("needs a percent sign"));
  EXPECT_THAT(ParseError("p95_latency_reduction=30%"), HasSubstr("expected an operator"));
  EXPECT_THAT(ParseError("p95_latency_reduction>=abc"), HasSubstr("is not a number"));
  EXPECT_THAT(ParseError("p95_latency_reduction>=30%%"), HasSubstr("needs a percent sign"));
  EXPECT_THAT(ParseError("p95_latency<=100"), HasSubstr("time unit"));
  EXPECT_THAT(ParseError("p95_latency<=-1ms"), HasSubstr("cannot be negative"));
  EXPECT_THAT(ParseError("throughput_increase[x]>=5%"), HasSubstr("takes no [scope]"));
  EXPECT_THAT(ParseError("p95_duration<=100ms"), HasSubstr("needs an operation"));
  EXPECT_THAT(ParseError("p95_latency[checkout<=100ms"), HasSubstr("without a closing"));
  EXPECT_THAT(ParseError("p95_latency[]<=100ms"), HasSubstr("empty scope"));
  EXPECT_THAT(ParseError(">=30%"), HasSubstr("expected METRIC"));
  // The acceptable level must be looser than the target.
  EXPECT_THAT(ParseError("p95_latency_reduction>=30%/40%"), HasSubstr("looser"));
  EXPECT_THAT(ParseError("p95_duration[x]<=200ms/100ms"), HasSubstr("looser"));
  EXPECT_THAT(ParseError("p95_latency_reduction>=30%/20%/10%"), HasSubstr("needs a percent"));
}

TEST(TargetParseTest, Budgets) {
  Result<TargetSpec> b = ParseBudget("checkout=100ms/200ms", "--budget");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b.value().Name(), "p95_duration[checkout]");
  EXPECT_EQ(b.value().op, TargetOp::kLe);
  EXPECT_DOUBLE_EQ(b.value().target, 100'000);
  EXPECT_DOUBLE_EQ(*b.value().acceptable, 200'000);
  // The last '=' separates: operation names may contain '='.
  b = ParseBudget("web:GET /q?a=b=5ms", "--budget");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().scope, "web:GET /q?a=b");
  EXPECT_FALSE(ParseBudget("checkout", "--budget").ok());
  EXPECT_FALSE(ParseBudget("checkout=100", "--budget").ok());
  EXPECT_FALSE(ParseBudget("=100ms", "--budget").ok());
  EXPECT_FALSE(ParseBudget("checkout=200ms/100ms", "--budget").ok());
  Result<TargetSpec> m = MakeBudget("checkout", 99, "1s", std::nullopt, "config budgets[0]");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().Name(), "p99_duration[checkout]");
  EXPECT_EQ(DurationScopes({m.value(), b.value(), m.value()}),
            (std::vector<std::string>{"checkout", "web:GET /q?a=b"}));
}

// A diff result with one latency row set per root ("all" and "cart
// checkout"), a throughput and error-rate change, and one verify row.
DiffResult Result0() {
  DiffResult r;
  const auto add = [&](const std::string& service, const std::string& op, const char* p, int64_t b,
                       int64_t c, bool significant) {
    LatencyChange row;
    row.root.service = service;
    row.root.operation = op;
    row.percentile = p;
    row.baseline_traces = row.candidate_traces = 40;
    row.baseline_us = b;
    row.candidate_us = c;
    row.change_pct = 100.0 * static_cast<double>(c - b) / static_cast<double>(b);
    row.ci_low_pct = *row.change_pct - 5;
    row.ci_high_pct = *row.change_pct + 5;
    row.p_value = significant ? 0.001 : 0.4;
    row.significant = significant;
    r.latency.push_back(row);
  };
  add("", "all", "p95", 1000, 600, true);             // −40 %, significant
  add("cart", "checkout", "p95", 1000, 900, false);   // −10 %, not significant
  add("cart", "checkout", "p50", 1000, 1080, false);  // +8 %, not significant
  r.throughput.baseline_traces = r.throughput.candidate_traces = 40;
  r.throughput.change_pct = 60;
  r.throughput.p_value = 0.01;
  r.throughput.significant = true;
  r.error_rate.baseline_traces = r.error_rate.candidate_traces = 40;
  r.error_rate.candidate = 0.05;
  r.error_rate.change_points = 2.5;
  r.error_rate.p_value = 0.5;
  VerifyRow v;
  v.fingerprint = "00000000000000aa";
  v.name = "fanout";
  v.overlap_share = 0.95;
  v.predicted_saving_us = 600;
  v.concurrency_saving_us = 450;  // realised_saving: 75% of the prediction, by concurrency
  v.realised_saving_us = 590;     // the members' critical time fell more: not concurrency
  v.status = VerifyStatus::kParallel;
  r.verify.push_back(v);
  VerifyRow absent;
  absent.fingerprint = "00000000000000bb";
  absent.status = VerifyStatus::kAbsent;
  r.verify.push_back(absent);
  return r;
}

std::vector<TargetRow> Evaluate(const std::vector<std::string>& texts,
                                const std::vector<DurationSamples>& durations = {}) {
  std::vector<TargetSpec> specs;
  for (const std::string& t : texts) specs.push_back(Parse(t));
  DiffResult r = Result0();
  EvaluateTargets(specs, durations, &r);
  return r.targets;
}

TargetStatus StatusOf(const std::string& text, const std::vector<DurationSamples>& durations = {}) {
  const std::vector<TargetRow> rows = Evaluate({text}, durations);
  EXPECT_EQ(rows.size(), 1u) << text;
  return rows.empty() ? TargetStatus::kFail : rows[0].status;
}

TEST(TargetEvalTest, SignificantImprovementMeetsARequirement) {
  const std::vector<TargetRow> rows = Evaluate({"p95_latency_reduction>=30%"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, TargetStatus::kOk);
  EXPECT_DOUBLE_EQ(*rows[0].value, 40);
  EXPECT_DOUBLE_EQ(*rows[0].distance, 10);
  EXPECT_EQ(rows[0].unit, "%");
  EXPECT_EQ(rows[0].evidence.kind, TargetEvidence::Kind::kTested);
  EXPECT_DOUBLE_EQ(rows[0].evidence.p_value, 0.001);
  EXPECT_DOUBLE_EQ(*rows[0].evidence.ci_low_pct, -45);
  EXPECT_EQ(StatusOf("p95_latency_reduction>=50%"), TargetStatus::kFail);
  EXPECT_EQ(StatusOf("p95_latency_reduction>=50%/35%"), TargetStatus::kAcceptable);
  EXPECT_EQ(StatusOf("p95_latency_increase<=-30%"), TargetStatus::kOk);
}

TEST(TargetEvalTest, ARequirementNeedsSignificanceAGuardDoesNot) {
  // −10 % but not significant: "reduction >= 5 %" needs a real change.
  const std::vector<TargetRow> rows = Evaluate({"p95_latency_reduction[checkout]>=5%"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, TargetStatus::kFail);
  EXPECT_TRUE(rows[0].unproven);  // met, but the change is not significant
  // A guard that "no change" already meets is judged on the observed value:
  // +8 % breaks "increase <= 5 %" even without significance...
  EXPECT_EQ(StatusOf("p50_latency_increase[cart:checkout]<=5%"), TargetStatus::kFail);
  // ...and holds for "increase <= 10 %".
  EXPECT_EQ(StatusOf("p50_latency_increase[cart:checkout]<=10%"), TargetStatus::kOk);
  // Error rate +2.5 pp (not significant) breaks "increase <= 0".
  EXPECT_EQ(StatusOf("error_rate_increase<=0"), TargetStatus::kFail);
  EXPECT_EQ(StatusOf("error_rate_increase<=3%"), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("error_rate<=5%"), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("throughput_increase>=50%"), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("throughput_reduction<=0"), TargetStatus::kOk);
}

TEST(TargetEvalTest, WhatCannotBeMeasuredFails) {
  const std::vector<TargetRow> rows = Evaluate({"p95_latency_reduction[search]>=1%"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, TargetStatus::kFail);
  EXPECT_FALSE(rows[0].value.has_value());
  EXPECT_THAT(rows[0].missing, HasSubstr("no traces with root operation 'search'"));
  EXPECT_EQ(StatusOf("p99_latency_reduction>=1%"), TargetStatus::kFail);             // no p99 row
  EXPECT_EQ(StatusOf("overlap_share[00000000000000bb]>=90%"), TargetStatus::kFail);  // absent
  EXPECT_EQ(StatusOf("overlap_share[nope]>=90%"), TargetStatus::kFail);
}

TEST(TargetEvalTest, PatternTargets) {
  EXPECT_EQ(StatusOf("overlap_share[fanout]>=90%"), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("overlap_share[00000000000000aa]>=99%/90%"), TargetStatus::kAcceptable);
  EXPECT_EQ(StatusOf("realised_saving[fanout]>=75%"), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("realised_saving[fanout]>=80%"), TargetStatus::kFail);
  // Without a scope: one row per verified pattern.
  const std::vector<TargetRow> rows = Evaluate({"overlap_share>=90%"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "overlap_share[00000000000000aa]");
  EXPECT_EQ(rows[0].status, TargetStatus::kOk);
  EXPECT_EQ(rows[1].status, TargetStatus::kFail);
}

TEST(TargetEvalTest, BudgetsShowTheDistanceToTheTarget) {
  DurationSamples d{"checkout", {150'000, 160'000, 170'000}, {120'000, 130'000, 140'000}};
  Result<TargetSpec> budget = ParseBudget("checkout=100ms/200ms", "--budget");
  DiffResult r = Result0();
  EvaluateTargets({budget.value()}, {d}, &r);
  ASSERT_EQ(r.targets.size(), 1u);
  const TargetRow& t = r.targets[0];
  EXPECT_EQ(t.status, TargetStatus::kAcceptable);
  EXPECT_DOUBLE_EQ(*t.value, 140'000);
  EXPECT_DOUBLE_EQ(*t.distance, 40'000);
  EXPECT_EQ(t.unit, "us");
  EXPECT_FALSE(t.unproven);
  EXPECT_EQ(t.evidence.kind, TargetEvidence::Kind::kBaselineSpans);
  EXPECT_EQ(t.evidence.baseline_us, 170'000);
  EXPECT_EQ(t.evidence.baseline_count, 3u);
  EXPECT_FALSE(r.pass == false);  // ACCEPTABLE does not fail the gate
  EXPECT_EQ(StatusOf("p95_duration[checkout]<=150ms", {d}), TargetStatus::kOk);
  EXPECT_EQ(StatusOf("p95_duration[checkout]<=100ms/120ms", {d}), TargetStatus::kFail);
  EXPECT_EQ(StatusOf("p95_duration[other]<=100ms", {d}), TargetStatus::kFail);
}

TEST(TargetEvalTest, Verdict) {
  DiffResult r = Result0();
  EvaluateTargets({}, {}, &r);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.verdict_reason, "no targets: nothing to gate");

  EvaluateTargets({Parse("p95_latency_reduction>=30%"), Parse("throughput_increase>=50%")}, {}, &r);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.verdict_reason, "all 2 targets hold");

  EvaluateTargets({Parse("p95_latency_reduction>=30%"), Parse("error_rate_increase<=0")}, {}, &r);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.verdict_reason, "1 of 2 targets failed: error_rate_increase");
}

}  // namespace
}  // namespace trace_analyze::analyzer
