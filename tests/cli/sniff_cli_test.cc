// `trace-analyze sniff`: the reader's own view of each input (compression,
// the first unit's trace format), which trace-analyze-dask asks for instead
// of copying the rule.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"

namespace trace_analyze::testing {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

TEST(SniffCliTest, FixturesInReadOrderWithFormatAndAssembly) {
  struct Want {
    std::string name, compression, format, assembly;
  };
  const std::vector<Want> want = {
      {"dsb-hotelreservation_single_00202d6c6c17bfe5.json", "none", "Jaeger UI trace",
       "whole-trace"},
      {"dsb-mediamicroservices_load25_500traces.json.zst", "zstd", "Jaeger UI trace",
       "whole-trace"},
      {"jaeger-ui_otlp2jaeger-multi-in.ndjson.json", "none", "OTLP/JSON document", "spans"},
      {"zipkin-lens_ascend.json", "none", "Zipkin v2 span", "spans"},
      {"zipkin-lens_yelp.json", "none", "Zipkin v2 span", "spans"},
  };
  const Json inputs = Json::parse(Tool({"sniff", "fixtures/traces"}).out)["inputs"];
  ASSERT_EQ(inputs.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(inputs[i]["path"], "fixtures/traces/" + want[i].name);
    EXPECT_EQ(inputs[i]["compression"], want[i].compression) << want[i].name;
    EXPECT_EQ(inputs[i]["format"], want[i].format) << want[i].name;
    EXPECT_EQ(inputs[i]["assembly"], want[i].assembly) << want[i].name;
  }
}

TEST(SniffCliTest, ShapesDecideByTheFirstTraceUnit) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"total":0,"errors":null,"data":{"traceID":"a","processes":{}}})", "whole-trace"},
      {R"([{"traceID":"a","spanID":"b"}])", "spans"},  // a bare Jaeger span
      {R"([[{"traceId":"a","id":"b"}]])", "spans"},    // a Zipkin span list
      {R"([{"foo":1},{"traceId":"a","id":"b"}])", "spans"},
      // Decided at the first deciding key: the rest is never read.
      {R"({"resourceSpans":[)" + std::string(1 << 20, ' ') + "garbage", "spans"},
      {R"({"data":[)" + std::string(100, ' ') + R"({"traceID":"a","spans":[)", "whole-trace"},
  };
  std::vector<std::string> args = {"sniff"};
  for (size_t i = 0; i < cases.size(); ++i) {
    args.push_back(dir.File("case-" + std::to_string(i) + ".json", cases[i].first));
  }
  const Json inputs = Json::parse(Tool(args).out)["inputs"];
  ASSERT_EQ(inputs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(inputs[i]["assembly"], cases[i].second) << cases[i].first.substr(0, 60);
    EXPECT_TRUE(inputs[i]["problem"].is_null()) << inputs[i];
  }
}

TEST(SniffCliTest, NoTraceUnitAndProblemsAreNull) {
  TempDir dir;
  const Json inputs =
      Json::parse(Tool({"sniff", dir.File("none.json", R"({"data":[]})"),
                        dir.File("empty.json", ""), dir.File("bad.json", "garbage")})
                      .out)["inputs"];
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_TRUE(inputs[0]["format"].is_null());
  EXPECT_TRUE(inputs[0]["problem"].is_null());
  EXPECT_EQ(inputs[1]["problem"], "empty input");
  EXPECT_THAT(inputs[2]["problem"].get<std::string>(), HasSubstr("byte 0: expected '{' or '['"));
  EXPECT_TRUE(inputs[2]["assembly"].is_null());
  const CliRun missing = Tool({"sniff", (dir.path() / "missing.json").string()}, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing.json: cannot open"));
}

TEST(SniffCliTest, ANameThatIsNotUtf8ComesWithItsBytes) {
  TempDir dir;
  // Latin-1 "é" (0xe9) then a stray continuation byte: not UTF-8.
  const std::string bad = dir.File("caf\xe9-\x80.json", R"({"data":[]})");
  const std::string good = dir.File("café.json", R"({"data":[]})");
  const Json inputs = Json::parse(Tool({"sniff", bad, good}).out)["inputs"];
  ASSERT_EQ(inputs.size(), 2u);
  std::string hex;
  for (unsigned char c : bad) hex += fmt::format("{:02x}", c);
  EXPECT_EQ(inputs[0]["pathBytes"], hex);
  EXPECT_EQ(inputs[0]["path"], (dir.path() / "caf\uFFFD-\uFFFD.json").string());
  EXPECT_EQ(inputs[0]["format"], nullptr);
  EXPECT_EQ(inputs[1]["path"], good);
  EXPECT_FALSE(inputs[1].contains("pathBytes"));
}

}  // namespace
}  // namespace trace_analyze::testing
