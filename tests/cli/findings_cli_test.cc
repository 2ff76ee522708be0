// Findings that follow the code path, as a user sees them through the CLI:
// on real traces (fixtures/findings/, fixtures/traces/) and on a generated
// handler, in analyze, diff and verify (docs/detectors.md §1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_test_util.h"
#include "tests/testing/jaeger_json.h"
#include "tests/testing/render_traces.h"

namespace trace_analyze::testing {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kBoutique = "fixtures/findings/onlineboutique_faultfree_120traces.json.zst";
constexpr const char* kBoutiqueDelay =
    "fixtures/findings/onlineboutique_productcatalog-delay_120traces.json.zst";
constexpr const char* kHotel = "fixtures/findings/dsb-hotelreservation_load25_200traces.json.zst";
constexpr const char* kMedia = "fixtures/traces/dsb-mediamicroservices_load25_500traces.json.zst";

Json RunJson(std::vector<std::string> args, int expected_exit = 0) {
  args.insert(args.end(), {"--format", "json"});
  const CliRun run = RunTool(args);
  EXPECT_EQ(run.exit_code, expected_exit) << run.err;
  return Json::parse(run.out);
}

// The operation names of a JSON finding's members (the gRPC method after the
// last '/', so "hipstershop.CartService/GetCart" reads "GetCart").
std::set<std::string> Members(const Json& finding) {
  std::set<std::string> out;
  for (const Json& o : finding["sequence"]) {
    const std::string op = o["operation"];
    out.insert(op.substr(op.rfind('/') + 1));
  }
  return out;
}

std::vector<Json> OfKind(const Json& doc, const std::string& kind, const char* list = "findings") {
  std::vector<Json> out;
  for (const Json& f : doc[list]) {
    if (f["kind"] == kind) out.push_back(f);
  }
  return out;
}

TEST(FindingsCliTest, OnlineBoutiqueRoutesAreOneFindingEach) {
  const Json doc = RunJson({"analyze", kBoutique, "--top", "0"});
  const std::vector<Json> runs = OfKind(doc, "sequential");
  // No two findings share a parent and the same distinct members.
  std::set<std::pair<std::string, std::set<std::string>>> seen;
  for (const Json& f : runs) {
    const std::string parent = f["parent"]["service"].get<std::string>() + " " +
                               f["parent"]["operation"].get<std::string>();
    EXPECT_TRUE(seen.insert({parent, Members(f)}).second) << f.dump();
  }
  // The run of each route of the frontend handler, once.
  const std::map<std::string, std::set<std::string>> routes = {
      {"home", {"GetSupportedCurrencies", "ListProducts", "GetCart", "Convert", "GetAds"}},
      {"product",
       {"GetProduct", "GetSupportedCurrencies", "GetCart", "Convert", "ListRecommendations",
        "GetAds"}},
      {"cart",
       {"GetSupportedCurrencies", "GetCart", "ListRecommendations", "GetProduct", "GetQuote",
        "Convert"}},
      {"checkout", {"PlaceOrder", "ListRecommendations", "GetProduct", "GetSupportedCurrencies"}},
  };
  for (const auto& [route, members] : routes) {
    int found = 0;
    for (const Json& f : runs) {
      if (f["parent"]["operation"] == "hipstershop.Frontend/Recv." && Members(f) == members) {
        ++found;
      }
    }
    EXPECT_EQ(found, 1) << route;
  }
  // Loops collapse: the product page's five recommended products are one step.
  bool loop_step = false;
  for (const Json& f : runs) {
    for (const Json& step : f["run"]) {
      loop_step |= step["ops"].size() == 1 &&
                   step["ops"][0]["operation"] == "hipstershop.ProductCatalogService/GetProduct" &&
                   step["countMax"] == 5;
    }
  }
  EXPECT_TRUE(loop_step);
  // The GetProduct and Convert loops are n+1 candidates, though RPC spans
  // record no parameters.
  std::set<std::string> loops;
  for (const Json& f : OfKind(doc, "n_plus_one")) {
    if (f["parent"]["operation"] == "hipstershop.Frontend/Recv.") {
      loops.insert(*Members(f).begin());
      EXPECT_EQ(f["confidence"], "medium") << f.dump();
      EXPECT_THAT(f["reasons"].back().get<std::string>(), HasSubstr("record no parameters"));
    }
  }
  EXPECT_EQ(loops, (std::set<std::string>{"GetProduct", "Convert"}));
}

// The same code with a network fault: nothing is "resolved" on one side and
// "new" on the other.
TEST(FindingsCliTest, OnlineBoutiqueDiffFollowsTheSameRuns) {
  const Json doc = RunJson({"diff", "-b", kBoutique, "-c", kBoutiqueDelay, "--top", "0"});
  std::set<std::pair<std::string, std::set<std::string>>> resolved, added;
  for (const Json& c : doc["findings"]["changes"]) {
    if (c["kind"] != "sequential") continue;
    const std::pair<std::string, std::set<std::string>> key = {c["parent"]["operation"],
                                                               Members(c)};
    if (c["status"] == "resolved") resolved.insert(key);
    if (c["status"] == "new") added.insert(key);
  }
  for (const auto& key : resolved) EXPECT_EQ(added.count(key), 0u) << key.first;
  EXPECT_EQ(doc["findings"]["persisting"].get<int>(),
            static_cast<int>(doc["findings"]["changes"].size()));
  // The fault made the members slower, not concurrent: verify says so.
  for (const Json& v : doc["verify"]) {
    EXPECT_EQ(v["status"], "still_sequential") << v.dump();
    EXPECT_EQ(v["concurrencySavingUs"], 0) << v.dump();
  }
}

// DeathStarBench media: uploads that overlap in most visits of their parent are
// never a finding, and the call whose result they need is never "independent".
TEST(FindingsCliTest, AlreadyConcurrentMembersAreNeverAFinding) {
  const Json doc = RunJson({"analyze", kMedia, "--top", "0", "--min-saving", "0"});
  const std::set<std::string> uploads = {"UploadUserWithUsername", "UploadText", "UploadUniqueId",
                                         "UploadMovieId", "UploadRating"};
  for (const Json& f : OfKind(doc, "sequential")) {
    const std::set<std::string> m = Members(f);
    int n = 0;
    for (const std::string& u : uploads) n += static_cast<int>(m.count(u));
    EXPECT_LE(n, 1) << f.dump();
    if (m.contains("MmcGetMovieId")) {
      EXPECT_NE(f["confidence"], "high") << f.dump();
    }
  }
}

// --fail-on-findings judges every finding: the verdict does not depend on --top.
TEST(FindingsCliTest, TheGateIsTheSameForEveryTop) {
  // A large finding whose members always run in one order (medium), and a
  // small one whose members run in both orders (high).
  std::vector<analyzer::Trace> traces;
  for (int i = 0; i < 20; ++i) {
    TraceBuilder b("t" + std::to_string(i), 1'700'000'000'000'000 + int64_t{i} * 100'000);
    b.Span("p", "", "api", "handle", 0, 20'000);
    b.Span("a", "p", "svc", "BigA", 10, 5000).Span("b", "p", "svc", "BigB", 5020, 5000);
    const bool flip = i % 2 == 1;
    b.Span("x", "p", "svc", flip ? "SmallY" : "SmallX", 10'100, 600);
    b.Span("y", "p", "svc", flip ? "SmallX" : "SmallY", 10'710, 600);
    traces.push_back(b.Build());
  }
  TempDir dir;
  const std::string input = dir.File("gate.json", JaegerJson(traces));
  for (const char* top : {"1", "2", "10", "0"}) {
    const CliRun run = RunTool({"analyze", input, "--fail-on-findings", "--top", top});
    EXPECT_EQ(run.exit_code, 1) << "--top " << top;
    EXPECT_THAT(run.err, HasSubstr("--fail-on-findings")) << "--top " << top;
  }
  const Json doc = RunJson({"analyze", input, "--top", "1"});
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["confidence"], "medium") << "the high one ranks second";
  // The JUnit report of the gate says why it failed though the finding is not shown.
  const std::string junit = (dir.path() / "gate.xml").string();
  EXPECT_EQ(RunTool({"analyze", input, "--fail-on-findings", "--top", "1", "--format", "junit",
                     "-o", junit})
                .exit_code,
            1);
  EXPECT_THAT(ReadFile(junit), HasSubstr("1 more high-confidence finding not shown"));
  // And on real traces without a high finding, every --top passes.
  for (const char* top : {"1", "10", "0"}) {
    EXPECT_EQ(RunTool({"analyze", kMedia, "--fail-on-findings", "--top", top}).exit_code, 0);
  }
}

TEST(FindingsCliTest, DependentHotelCallsAreNeverHigh) {
  const Json doc = RunJson({"analyze", kHotel, "--top", "0"});
  bool search_run = false;
  for (const Json& f : OfKind(doc, "sequential")) {
    const std::set<std::string> m = Members(f);
    if (m.contains("Nearby") || m.contains("CheckAvailability") || m.contains("GetProfiles")) {
      EXPECT_NE(f["confidence"], "high") << f.dump();
    }
    search_run |= m == std::set<std::string>{"Nearby", "CheckAvailability", "GetProfiles"};
  }
  EXPECT_TRUE(search_run);
}

// The users' example end to end: the vision run is one finding; after a deploy
// that runs only those three concurrently, verify says so and gates on it.
TEST(FindingsCliTest, VerifyFollowsTheVisionRunIntoAnOptimisedTwin) {
  TempDir dir;
  const std::string before = dir.File("before.json", JaegerJson(RenderTraces("b", 100, 1, false)));
  const std::string after =
      dir.File("after.json", JaegerJson(RenderTraces("a", 100, 2, true), 1000));
  const std::string unchanged =
      dir.File("unchanged.json", JaegerJson(RenderTraces("u", 100, 3, false), 2000));
  const Json analyzed = RunJson({"analyze", before, "--top", "0"});
  const std::vector<Json> runs = OfKind(analyzed, "sequential");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(Members(runs[0]),
            (std::set<std::string>{"face_detection", "object_detection", "gesture_detection"}));

  const std::string expect =
      "web:render>vision:face_detection,vision:object_detection,"
      "vision:gesture_detection";
  Json doc = RunJson({"verify", "-b", before, "-c", after, "--expect", expect});
  ASSERT_EQ(doc["verify"].size(), 1u);
  EXPECT_EQ(doc["verify"][0]["status"], "parallel");
  EXPECT_GE(doc["verify"][0]["overlapShare"].get<double>(), 0.9);
  EXPECT_EQ(doc["verify"][0]["fingerprint"], runs[0]["fingerprint"]);
  EXPECT_EQ(doc["verify"][0]["concurrencySavingUs"], 645);

  doc = RunJson({"verify", "-b", before, "-c", unchanged, "--expect", expect}, 1);
  EXPECT_EQ(doc["verify"][0]["status"], "still_sequential");
  EXPECT_EQ(doc["verify"][0]["concurrencySavingUs"], 0);
}

}  // namespace
}  // namespace trace_analyze::testing
