// The CLI against in-process Jaeger servers: --jaeger on analysis commands,
// services / operations / fetch, partial results, exit codes, the cache, and
// credentials that never show up in any output.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kBaseUs = 1700000000LL * 1000000;  // 2023-11-14T22:13:20Z
const std::vector<std::string> kWindow = {"--from", "2023-11-14T22:00:00Z", "--to",
                                          "2023-11-15T00:00:00Z"};

FakeJaegerStore Store(int n) {
  FakeJaegerStore store;
  for (int i = 0; i < n; ++i) {
    store.Add(MakeFakeTrace(fmt::format("{:016x}", 0xa0000 + i), kBaseUs + i * 60LL * 1000000,
                            2 + i % 2, i % 3 == 2));
  }
  return store;
}

std::vector<std::string> Args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

TEST(JaegerCliTest, AnalyzeSearchesTheServer) {
  const FakeJaegerStore store = Store(6);
  FakeJaegerHttp server(&store, {});
  const CliRun run = RunTool(Args({"analyze", "--jaeger", server.url(), "--service", "frontend",
                                   "--no-cache", "--format", "json"},
                                  kWindow));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["traces"], 6);
  EXPECT_EQ(report["input"]["server"], server.url() + " (HTTP /api)");
  EXPECT_EQ(report["input"]["partial"], false);
  EXPECT_EQ(report["input"]["partialReasons"], nlohmann::json::array());
}

TEST(JaegerCliTest, MissingTracesMakeALabelledPartialReportAndExitThree) {
  const FakeJaegerStore store = Store(3);
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string out = (dir.path() / "report.json").string();
  CliRun run =
      RunTool({"analyze", "--jaeger", server.url(), "--trace-id", "a0001", "--trace-id",
               "00000000000bbbbb", "--trace-id", "A0002", "--no-cache", "-f", "json", "-o", out});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, HasSubstr("partial results: 1 requested trace not found on the server: "
                                 "00000000000bbbbb"));
  const nlohmann::json report = nlohmann::json::parse(ReadFile(out));
  EXPECT_EQ(report["traces"], 2);
  EXPECT_EQ(report["input"]["partial"], true);
  EXPECT_THAT(report["input"]["partialReasons"][0].get<std::string>(),
              HasSubstr("00000000000bbbbb"));

  run = RunTool({"analyze", "--jaeger", server.url(), "--trace-id", "a0001", "--trace-id",
                 "00000000000bbbbb", "--no-cache"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.out, ::testing::StartsWith("PARTIAL RESULTS"));
  EXPECT_THAT(run.out, HasSubstr("00000000000bbbbb"));
  EXPECT_THAT(run.out, HasSubstr("from " + server.url() + " (HTTP /api)"));
}

TEST(JaegerCliTest, NoTraceFetchableIsABackendError) {
  const FakeJaegerStore store = Store(1);
  FakeJaegerHttp server(&store, {});
  const CliRun run =
      RunTool({"analyze", "--jaeger", server.url(), "--trace-id", "bbbbb", "--no-cache"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("no trace could be fetched from " + server.url()));
  EXPECT_EQ(run.out, "");
}

TEST(JaegerCliTest, FetchThenAnalyzeOfflineGivesTheSameReport) {
  const FakeJaegerStore store = Store(5);
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string saved = (dir.path() / "traces.json").string();
  const CliRun fetch = RunTool(Args({"fetch", "--jaeger", server.url(), "--api", "http-v3",
                                     "--service", "frontend", "--no-cache", "-o", saved},
                                    kWindow));
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_THAT(fetch.err, HasSubstr("wrote 5 traces to " + saved));
  const std::string text = ReadFile(saved);
  EXPECT_EQ(text.rfind("{\"data\":[", 0), 0u);

  const CliRun offline = RunTool({"analyze", saved, "-f", "json"});
  const CliRun online = RunTool(Args(
      {"analyze", "--jaeger", server.url(), "--service", "frontend", "--no-cache", "-f", "json"},
      kWindow));
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  ASSERT_EQ(online.exit_code, 0) << online.err;
  nlohmann::json a = nlohmann::json::parse(offline.out);
  nlohmann::json b = nlohmann::json::parse(online.out);
  a.erase("input");
  b.erase("input");
  EXPECT_EQ(a.dump(1), b.dump(1));
}

TEST(JaegerCliTest, ServicesAndOperations) {
  const FakeJaegerStore store = Store(2);
  FakeJaegerHttp server(&store, {});
  CliRun run = RunTool({"services", "--jaeger", server.url()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "driver\nfrontend\n");
  run = RunTool({"operations", "--jaeger", server.url(), "--service", "driver"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "client\tFindDriver\n");
  run = RunTool({"services", "--jaeger", server.url(), "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(run.out)["services"].size(), 2u);
}

TEST(JaegerCliTest, GrpcServerWorksForAnalysisAndCriticalPath) {
  const FakeJaegerStore store = Store(3);
  FakeJaegerGrpc server(&store, {});
  CliRun run = RunTool(Args({"analyze", "--jaeger", server.url(), "--api", "grpc-v2", "--service",
                             "frontend", "--no-cache", "-f", "json"},
                            kWindow));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["traces"], 3);
  run = RunTool({"critical-path", "--jaeger", server.url(), "--trace", "a0001", "--no-cache"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Trace 00000000000a0001"));
}

TEST(JaegerCliTest, SecondRunReadsTheCache) {
  const FakeJaegerStore store = Store(3);
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::vector<std::string> args = {
      "analyze", "--jaeger",    server.url(),        "--trace-id", "a0000", "--trace-id",
      "a0002",   "--cache-dir", dir.path().string(), "-f",         "json"};
  const CliRun first = RunTool(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(server.RequestsTo("/api/traces/"), 2);
  const CliRun second = RunTool(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server.RequestsTo("/api/traces/"), 2);  // nothing fetched again
  nlohmann::json a = nlohmann::json::parse(first.out);
  nlohmann::json b = nlohmann::json::parse(second.out);
  a["input"].erase("bytes");  // bytes count what came over the network
  b["input"].erase("bytes");
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(JaegerCliTest, TokenNeverAppearsInOutputLogsOrReports) {
  const std::string token = "tA-t0ken-9f8e7d6c";
  ::setenv("TA_TEST_JAEGER_TOKEN", token.c_str(), 1);
  ::setenv("TA_TEST_WRONG_TOKEN", "nope-wrong-token", 1);
  const FakeJaegerStore store = Store(2);
  FakeHttpBehaviour secured;
  secured.required_token = token;
  FakeJaegerHttp server(&store, secured);
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  const std::string saved = (dir.path() / "t.json").string();
  std::vector<CliRun> runs;
  runs.push_back(
      RunTool({"analyze", "--jaeger", server.url(), "--token-env", "TA_TEST_JAEGER_TOKEN",
               "--trace-id", "a0000", "--trace-id", "bbbbb", "--verbose", "--header",
               "X-Api-Key: " + token, "--no-cache", "-f", "json", "-o", report}));
  EXPECT_EQ(runs.back().exit_code, 3) << runs.back().err;  // one trace missing: partial
  EXPECT_THAT(runs.back().err, HasSubstr("Bearer ***"));
  runs.push_back(RunTool({"fetch", "--jaeger", server.url(), "--token-env", "TA_TEST_JAEGER_TOKEN",
                          "--trace-id", "a0001", "--verbose", "--no-cache", "-o", saved}));
  EXPECT_EQ(runs.back().exit_code, 0) << runs.back().err;
  runs.push_back(RunTool(
      {"services", "--jaeger", server.url(), "--token-env", "TA_TEST_WRONG_TOKEN", "--verbose"}));
  EXPECT_EQ(runs.back().exit_code, 3);
  EXPECT_THAT(runs.back().err, HasSubstr("HTTP 401"));
  runs.push_back(
      RunTool({"services", "--jaeger", "http://127.0.0.1:1", "--token-env", "TA_TEST_JAEGER_TOKEN",
               "--header", "Authorization: Bearer " + token, "--retries", "0", "--verbose"}));
  EXPECT_EQ(runs.back().exit_code, 3);
  for (const CliRun& run : runs) {
    EXPECT_THAT(run.out, Not(HasSubstr(token)));
    EXPECT_THAT(run.err, Not(HasSubstr(token)));
    EXPECT_THAT(run.err, Not(HasSubstr("nope-wrong-token")));
  }
  EXPECT_THAT(ReadFile(report), Not(HasSubstr(token)));
  EXPECT_THAT(ReadFile(saved), Not(HasSubstr(token)));
  EXPECT_THAT(server.SeenHeaders(), ::testing::Contains("authorization: Bearer " + token));
  ::unsetenv("TA_TEST_JAEGER_TOKEN");
  ::unsetenv("TA_TEST_WRONG_TOKEN");
}

TEST(JaegerCliTest, UsageErrorsExitTwo) {
  TempDir dir;
  const std::string file = dir.File("t.json", "{\"data\":[]}");
  const struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"analyze"}, "no input"},
      {{"analyze", file, "--jaeger", "http://localhost:16686"}, "not both"},
      {{"analyze", "--jaeger", "ftp://x"}, "unsupported scheme"},
      {{"analyze", "--jaeger", "http://localhost:16686"}, "needs something to fetch"},
      {{"analyze", "--jaeger", "http://localhost:16686", "--service", "a", "--tag", "oops"},
       "--tag 'oops': expected key=value"},
      {{"analyze", "--jaeger", "http://localhost:16686", "--service", "a", "--since", "1y"},
       "--since '1y'"},
      {{"analyze", "--jaeger", "http://localhost:16686", "--trace-id", "xyz"},
       "'xyz' is not a trace id"},
      {{"analyze", "--jaeger", "http://localhost:16686", "--trace-id", "ab", "--token-env",
        "TA_TEST_UNSET_VARIABLE"},
       "TA_TEST_UNSET_VARIABLE"},
      {{"analyze", "--jaeger", "http://localhost:16686", "--trace-id", "ab", "--api", "grpc-v2"},
       "--api grpc-v2 does not go with"},
      {{"services"}, "--jaeger is required"},
  };
  for (const auto& c : cases) {
    const CliRun run = RunTool(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.message << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message));
  }
}

TEST(JaegerCliTest, UnreachableServerExitsThreeNamingIt) {
  const CliRun run = RunTool({"analyze", "--jaeger", "http://127.0.0.1:1", "--service", "a",
                              "--retries", "0", "--no-cache"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("http://127.0.0.1:1 (HTTP /api): GET /api/traces?service=a"));
  EXPECT_THAT(run.err, HasSubstr("connection failed"));
}

}  // namespace
}  // namespace trace_analyze::testing
