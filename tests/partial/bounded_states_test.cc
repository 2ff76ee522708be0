// Bounded detector states (`--approx-quantiles`, StateOptions::bounded): their
// saved size stops growing with the number of traces while the exact states'
// grows; states of any split, saved, loaded and merged in any order, build
// exactly the findings of one state fed every trace, also when the
// sequential detector samples; and the estimates stay within their bounds.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/state_io.h"
#include "input/input.h"
#include "partial/codec.h"
#include "partial/partial.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::partial {
namespace {

using testing::TraceBuilder;

const std::vector<std::string> kFixtures = {
    "fixtures/findings/onlineboutique_faultfree_120traces.json.zst",
    "fixtures/findings/onlineboutique_productcatalog-delay_120traces.json.zst",
    "fixtures/findings/dsb-hotelreservation_load25_200traces.json.zst",
};

analyzer::AnalysisOptions Options(bool bounded, size_t sampled_visits = 4096) {
  analyzer::AnalysisOptions options = PartialAnalysisOptions({});
  options.approx_quantiles = bounded;
  options.sampled_visits = sampled_visits;
  return options;
}

// One of a few shapes: a handler calling three services back to back, an
// N+1 loop of queries and a repeated identical call; durations vary in a
// fixed range.
analyzer::Trace ShapedTrace(int i) {
  TraceBuilder b(fmt::format("{:032x}", 0x51ed0000 + i), 1'700'000'000'000'000);
  const int64_t d = 500 + (i * 7919) % 400;
  b.Span("p", "", "api", i % 2 == 0 ? "GET /cart" : "GET /home", 0, 20 * d);
  b.Span("a", "p", "cart", "GetCart", 100, d);
  b.Span("b", "p", "catalog", "ListProducts", 200 + d, d);
  b.Span("c", "p", "currency", "Convert", 300 + 2 * d, d);
  for (int64_t k = 0; k < 6; ++k) {
    b.Span(fmt::format("q{}", k), "p", "db", "query", 400 + 3 * d + k * 200, 150)
        .Attr("db.statement", fmt::format("SELECT * FROM items WHERE id = {}", 1000 + k));
  }
  for (int64_t k = 0; k < 2; ++k) {
    b.Span(fmt::format("r{}", k), "p", "auth", "check", 2000 + 3 * d + k * 300, 200)
        .Attr("http.url", "http://auth/check?user=7");
  }
  return b.Build();
}

size_t FindingsBytes(const analyzer::TraceAnalyzer& analyzer) {
  ByteWriter w;
  analyzer.findings().Save(w);
  return w.bytes().size();
}

TEST(BoundedStatesTest, SavedSizeStopsGrowingWithTraces) {
  for (const bool bounded : {false, true}) {
    analyzer::TraceAnalyzer analyzer(Options(bounded));
    // 10,000 traces: 5,000 visits of each of the two parent operations,
    // more than a sample holds (4,096).
    size_t at_10k = 0;
    for (int i = 0; i < 20'000; ++i) {
      analyzer::Trace t = ShapedTrace(i);
      analyzer.Analyze(t);
      if (i + 1 == 10'000) at_10k = FindingsBytes(analyzer);
    }
    const size_t at_20k = FindingsBytes(analyzer);
    const std::vector<analyzer::Finding> found =
        analyzer.findings().Build(analyzer.options().detectors);
    EXPECT_EQ(found.size(), 4u) << bounded;  // two runs, an N+1 loop, a repeated call
    if (bounded) {
      EXPECT_LE(static_cast<double>(at_20k), 1.1 * static_cast<double>(at_10k));
    } else {
      EXPECT_GT(static_cast<double>(at_20k), 1.8 * static_cast<double>(at_10k));
    }
    std::cout << (bounded ? "bounded" : "exact") << ": " << at_10k << " B after 10,000 traces, "
              << at_20k << " B after 20,000\n";
  }
}

// Every finding's numbers and sentences, as one text.
std::string Text(const std::vector<analyzer::Finding>& findings) {
  std::string out;
  for (const analyzer::Finding& f : findings) {
    out += fmt::format("{} {} i={} t={} o={}/{}/{}/{}/{} r={}/{}/{}/{}/{} c={}/{} cp={} m={} {}\n",
                       analyzer::FindingKindName(f.kind), f.fingerprint, f.instances, f.traces,
                       f.optimistic.p50_us, f.optimistic.p95_us, f.optimistic.p50_share,
                       f.optimistic.p95_share, f.optimistic.total_us, f.realistic.p50_us,
                       f.realistic.p95_us, f.realistic.p50_share, f.realistic.p95_share,
                       f.realistic.total_us, f.calls_p50, f.calls_max, f.critical_p50_us,
                       f.member_p50_us, analyzer::ConfidenceName(f.confidence));
    for (const std::string& id : f.example_trace_ids) out += " example " + id + "\n";
    for (const analyzer::OpName& p : f.parents) out += " parent " + p.operation + "\n";
    for (const std::string& r : f.reasons) out += " " + r + "\n";
  }
  return out;
}

// The fixtures' traces, analysed by `parts` analyzers: trace i by part[i].
std::vector<std::unique_ptr<analyzer::TraceAnalyzer>> Analyse(
    const analyzer::AnalysisOptions& options, const std::vector<size_t>& part, size_t parts) {
  std::vector<std::unique_ptr<analyzer::TraceAnalyzer>> out;
  for (size_t i = 0; i < parts; ++i)
    out.push_back(std::make_unique<analyzer::TraceAnalyzer>(options));
  size_t index = 0;
  input::ReadStats stats;
  input::ReadOptions read;
  read.threads = 1;
  const Status s = input::ReadInputs(
      kFixtures, read,
      [&](analyzer::Trace& trace) -> Status {
        out[index < part.size() ? part[index] : 0]->Analyze(trace);
        ++index;
        return OkStatus();
      },
      &stats);
  EXPECT_TRUE(s.ok());
  return out;
}

// `a` saved and loaded again (into an analyzer of the same options).
std::unique_ptr<analyzer::TraceAnalyzer> RoundTrip(const analyzer::TraceAnalyzer& a) {
  ByteWriter w;
  a.Save(w);
  auto back = std::make_unique<analyzer::TraceAnalyzer>(a.options());
  ByteReader r(w.bytes());
  back->Load(r);
  EXPECT_TRUE(r.ok()) << r.error();
  ByteWriter again;
  back->Save(again);
  EXPECT_EQ(again.bytes(), w.bytes());
  return back;
}

TEST(BoundedStatesTest, RandomSplitsMergeToTheSingleRunWhileSampling) {
  // 40 visits per parent operation: the fixtures' frontends have hundreds,
  // so the sequential detector samples (and evicts while merging).
  const analyzer::AnalysisOptions options = Options(true, 40);
  const auto single = Analyse(options, {}, 1);
  const std::string expected = Text(single[0]->findings().Build(options.detectors));
  ASSERT_NE(expected.find("Estimated from the chains of a sample"), std::string::npos);
  ASSERT_NE(expected.find("n_plus_one"), std::string::npos);
  std::mt19937_64 rng(20261207);
  for (int round = 0; round < 6; ++round) {
    const size_t parts = 2 + rng() % 9;
    std::vector<size_t> part(440);
    for (size_t& p : part) p = rng() % parts;
    auto analyzers = Analyse(options, part, parts);
    std::vector<std::unique_ptr<analyzer::TraceAnalyzer>> loaded;
    for (const auto& a : analyzers) loaded.push_back(RoundTrip(*a));
    // Merge in a random order and tree shape.
    while (loaded.size() > 1) {
      const size_t i = rng() % loaded.size();
      std::unique_ptr<analyzer::TraceAnalyzer> x = std::move(loaded[i]);
      loaded.erase(loaded.begin() + static_cast<ptrdiff_t>(i));
      const size_t j = rng() % loaded.size();
      x->Merge(*loaded[j]);
      loaded[j] = RoundTrip(*x);
    }
    EXPECT_EQ(Text(loaded[0]->findings().Build(options.detectors)), expected) << round;
  }
}

// With fewer visits than the sample holds, sequential findings are exactly
// the exact mode's; call-pattern percentiles are within the sketch's 0.5 %
// plus the rounding to whole µs (shares within 0.5 % plus 1 ppm), and the
// rest is equal.
TEST(BoundedStatesTest, EstimatesAreWithinTheirBounds) {
  const auto exact = Analyse(Options(false), {}, 1);
  const auto bounded = Analyse(Options(true), {}, 1);
  const auto config = exact[0]->options().detectors;
  const std::vector<analyzer::Finding> e = exact[0]->findings().Build(config);
  const std::vector<analyzer::Finding> b = bounded[0]->findings().Build(config);
  ASSERT_EQ(e.size(), b.size());
  size_t compared = 0;
  const auto near = [&](int64_t approx, int64_t exact_us) {
    ++compared;
    return std::abs(static_cast<double>(approx - exact_us)) <=
           0.005 * static_cast<double>(exact_us) + 0.5;
  };
  const auto near_share = [](double approx, double exact_share) {
    return std::abs(approx - exact_share) <= 0.005 * exact_share + 1e-6;
  };
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].kind == analyzer::FindingKind::kSequential) {
      EXPECT_EQ(Text({b[i]}), Text({e[i]}));
      continue;
    }
    EXPECT_EQ(b[i].fingerprint, e[i].fingerprint);
    EXPECT_EQ(b[i].instances, e[i].instances);
    EXPECT_EQ(b[i].traces, e[i].traces);
    EXPECT_EQ(b[i].calls_max, e[i].calls_max);
    EXPECT_EQ(b[i].confidence, e[i].confidence);
    for (const auto& [x, y] :
         {std::pair{b[i].optimistic, e[i].optimistic}, std::pair{b[i].realistic, e[i].realistic}}) {
      EXPECT_EQ(x.total_us, y.total_us);
      EXPECT_TRUE(near(x.p50_us, y.p50_us)) << x.p50_us << " " << y.p50_us;
      EXPECT_TRUE(near(x.p95_us, y.p95_us)) << x.p95_us << " " << y.p95_us;
      EXPECT_TRUE(near_share(x.p50_share, y.p50_share)) << x.p50_share << " " << y.p50_share;
      EXPECT_TRUE(near_share(x.p95_share, y.p95_share)) << x.p95_share << " " << y.p95_share;
    }
    EXPECT_TRUE(near(b[i].calls_p50, e[i].calls_p50));
    EXPECT_TRUE(near(b[i].critical_p50_us, e[i].critical_p50_us));
  }
  EXPECT_GT(compared, 20u);
}

}  // namespace
}  // namespace trace_analyze::partial
