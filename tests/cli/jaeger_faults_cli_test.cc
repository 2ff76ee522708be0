// The CLI against servers that fail, over real loopback connections: TLS
// refusals and the flags that fix them, malformed bodies, authentication
// failures, resets, endless responses, oversized bodies, hung gRPC streams.
// Backend failures exit 3, partial data is labelled partial, and no
// credential shows up in any output, log or report. Also --trace-ids files,
// fetch with missing ids, the default cache folder and --concurrency.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"
#include "tests/testing/raw_http_server.h"
#include "tests/testing/test_pki.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
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

// Sets an environment variable for the scope, restoring the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// ---- TLS ----

TEST(JaegerFaultsCliTest, TlsRefusalExitsThreeAndTheTlsFlagsFixIt) {
  const TestPki& pki = GetTestPki();
  const FakeJaegerStore store = Store(2);
  FakeHttpBehaviour self_signed;
  self_signed.tls_cert_file = pki.self_signed_cert;
  self_signed.tls_key_file = pki.self_signed_key;
  FakeJaegerHttp https(&store, self_signed);
  FakeGrpcBehaviour ca_signed;
  ca_signed.tls_cert_file = pki.server_cert;
  ca_signed.tls_key_file = pki.server_key;
  FakeJaegerGrpc grpcs(&store, ca_signed);

  for (const std::string& url : {https.url(), grpcs.url()}) {
    CliRun run = RunTool({"services", "--jaeger", url});
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_THAT(run.err, HasSubstr("trace-analyze: error: " + url));
    EXPECT_THAT(run.err, HasSubstr("TLS"));
    EXPECT_THAT(run.err, HasSubstr("certificate"));
    EXPECT_EQ(run.out, "");

    run = RunTool({"services", "--jaeger", url, "--insecure"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "driver\nfrontend\n");
  }
  CliRun run = RunTool({"services", "--jaeger", grpcs.url(), "--ca-file", pki.ca_cert});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  run = RunTool({"services", "--jaeger", https.url(), "--ca-file", pki.self_signed_cert});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  run = RunTool({"services", "--jaeger", https.url(), "--ca-file", "/nonexistent/ca.pem"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, HasSubstr("--ca-file /nonexistent/ca.pem: cannot read the file"));
}

TEST(JaegerFaultsCliTest, ClientCertificateForServersThatRequireOne) {
  const TestPki& pki = GetTestPki();
  const FakeJaegerStore store = Store(2);
  FakeHttpBehaviour http_mtls;
  http_mtls.tls_cert_file = pki.server_cert;
  http_mtls.tls_key_file = pki.server_key;
  http_mtls.tls_client_ca_file = pki.ca_cert;
  FakeJaegerHttp https(&store, http_mtls);
  FakeGrpcBehaviour grpc_mtls;
  grpc_mtls.tls_cert_file = pki.server_cert;
  grpc_mtls.tls_key_file = pki.server_key;
  grpc_mtls.tls_client_ca_file = pki.ca_cert;
  FakeJaegerGrpc grpcs(&store, grpc_mtls);
  for (const std::string& url : {https.url(), grpcs.url()}) {
    CliRun run = RunTool({"analyze", "--jaeger", url, "--ca-file", pki.ca_cert, "--trace-id",
                          "a0000", "--no-cache"});
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_THAT(run.err, HasSubstr(url));
    EXPECT_THAT(run.err, HasSubstr("TLS"));
    run = RunTool({"analyze", "--jaeger", url, "--ca-file", pki.ca_cert, "--cert", pki.client_cert,
                   "--key", pki.client_key, "--trace-id", "a0000", "--no-cache", "-f", "json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(nlohmann::json::parse(run.out)["traces"], 1);
  }
}

// ---- Malformed bodies, authentication ----

TEST(JaegerFaultsCliTest, MalformedBodyOfOneTraceMakesALabelledPartialReport) {
  const FakeJaegerStore store = Store(3);
  FakeHttpBehaviour b;
  b.canned["/api/traces/00000000000a0001"] = {
      200, "application/json", "{\"data\":[{\"traceID\":\"00000000000a0001\",\"spans\":[{\"tr"};
  FakeJaegerHttp server(&store, b);
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  const std::vector<std::string> ids = {"--trace-id", "a0000", "--trace-id", "a0001",
                                        "--trace-id", "a0002", "--retries",  "0"};
  CliRun run = RunTool(Args({"analyze", "--jaeger", server.url(), "--api", "http", "--no-cache",
                             "-f", "json", "-o", report},
                            ids));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  const std::string call = server.url() + " (HTTP /api): GET /api/traces/00000000000a0001: ";
  EXPECT_THAT(run.err, HasSubstr("partial results: " + call));
  EXPECT_THAT(run.err, HasSubstr("malformed"));
  const nlohmann::json json = nlohmann::json::parse(ReadFile(report));
  EXPECT_EQ(json["traces"], 2);
  EXPECT_EQ(json["input"]["partial"], true);
  EXPECT_THAT(json["input"]["partialReasons"].dump(),
              HasSubstr("GET /api/traces/00000000000a0001"));

  run = RunTool(Args({"analyze", "--jaeger", server.url(), "--api", "http", "--no-cache"}, ids));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.out, ::testing::StartsWith("PARTIAL RESULTS"));
}

TEST(JaegerFaultsCliTest, UndecodableTraceInASearchAnswerIsPartial) {
  const FakeJaegerStore store = Store(2);
  FakeHttpBehaviour b;
  b.canned["/api/traces"] = {200, "application/json",
                             "{\"data\":[" + ToUiJsonTrace(*store.Get("00000000000a0000")) +
                                 ",{\"traceID\":\"00000000000a0001\",\"spans\":5}]}"};
  FakeJaegerHttp server(&store, b);
  const CliRun run = RunTool(Args(
      {"analyze", "--jaeger", server.url(), "--service", "frontend", "--no-cache", "-f", "json"},
      kWindow));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["traces"], 1);
  EXPECT_EQ(json["input"]["partial"], true);
  EXPECT_THAT(json["input"]["partialReasons"][0].get<std::string>(),
              HasSubstr("could not be decoded"));
}

TEST(JaegerFaultsCliTest, HtmlPageInsteadOfATraceExitsThree) {
  const FakeJaegerStore store = Store(1);
  FakeHttpBehaviour b;
  const FakeHttpBehaviour::Canned login{200, "text/html", "<html>Please log in</html>"};
  b.canned["/api/traces/00000000000a0000"] = login;
  b.canned["/api/v3/traces/00000000000a0000"] = login;
  FakeJaegerHttp server(&store, b);
  const CliRun run =
      RunTool({"analyze", "--jaeger", server.url(), "--trace-id", "a0000", "--no-cache"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, HasSubstr(server.url()));
  EXPECT_THAT(run.err, HasSubstr("GET /api/traces/00000000000a0000"));
  EXPECT_THAT(run.err, HasSubstr("HTML"));
}

TEST(JaegerFaultsCliTest, GrpcAuthFailuresExitThreeWithoutRetrying) {
  const FakeJaegerStore store = Store(2);
  for (grpc::StatusCode code :
       {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED}) {
    FakeGrpcBehaviour refusing;
    refusing.fail_first = 1000;
    refusing.fail_code = code;
    FakeJaegerGrpc server(&store, refusing);
    const CliRun run =
        RunTool({"analyze", "--jaeger", server.url(), "--api", "grpc-v2", "--trace-id", "a0000",
                 "--trace-id", "a0001", "--retries", "3", "--concurrency", "1", "--no-cache"});
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_THAT(run.err, HasSubstr(server.url() + " (gRPC api_v2): GetTrace(00000000000a0000): "));
    EXPECT_THAT(run.err,
                HasSubstr(code == grpc::StatusCode::UNAUTHENTICATED ? "gRPC UNAUTHENTICATED"
                                                                    : "gRPC PERMISSION_DENIED"));
    EXPECT_LE(server.calls(), 2);  // the first id (not retried), perhaps the next one started
    EXPECT_EQ(run.out, "");
  }
}

// ---- What to fetch ----

TEST(JaegerFaultsCliTest, TraceIdsFileTakesCommentsCommasBlankLinesAndAnyCase) {
  const FakeJaegerStore store = Store(6);
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string ids = dir.File("ids.txt",
                                   "# traces from the nightly run\n"
                                   "a0000, A0001,00000000000a0002\n"
                                   "\n"
                                   "   \t\n"
                                   "a0003 # the slow one\r\n"
                                   "a0000\n");  // duplicates are fetched once
  const CliRun run = RunTool({"analyze", "--jaeger", server.url(), "--trace-ids", ids, "--no-cache",
                              "--concurrency", "1", "-f", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["traces"], 4);
  EXPECT_THAT(
      server.SeenPaths(),
      ::testing::ElementsAre("/api/traces/00000000000a0000", "/api/traces/00000000000a0001",
                             "/api/traces/00000000000a0002", "/api/traces/00000000000a0003"));
}

TEST(JaegerFaultsCliTest, BadTraceIdsFileIsAUsageError) {
  TempDir dir;
  const struct {
    std::string content;
    std::string message;
  } cases[] = {
      {"a0000\n# fine so far\nxyz a0001\n", "ids.txt:3: 'xyz' is not a trace id"},
      {"a0000,,0x1234\n", "ids.txt:1: '0x1234' is not a trace id"},
      {"0123456789abcdef0123456789abcdef0\n", "is not a trace id"},  // 33 digits
      {"# nothing but comments\n\n", "needs something to fetch"},
  };
  for (const auto& c : cases) {
    const std::string file = dir.File("ids.txt", c.content);
    const CliRun run = RunTool({"analyze", "--jaeger", "http://127.0.0.1:1", "--trace-ids", file});
    EXPECT_EQ(run.exit_code, 2) << c.content << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.content;
  }
  const CliRun missing = RunTool({"fetch", "--jaeger", "http://127.0.0.1:1", "--trace-ids",
                                  (dir.path() / "missing.txt").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing.txt: cannot read the file"));
}

TEST(JaegerFaultsCliTest, FetchWritesTheFoundTracesNamesTheMissingOnesAndExitsThree) {
  const FakeJaegerStore store = Store(3);
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string saved = (dir.path() / "traces.json").string();
  const CliRun run = RunTool({"fetch", "--jaeger", server.url(), "--trace-id", "a0000",
                              "--trace-id", "00000000000bbbbb", "--trace-id", "a0002", "--trace-id",
                              "ccccc", "--no-cache", "-o", saved});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, HasSubstr("2 requested traces not found on the server: 00000000000bbbbb, "
                                 "00000000000ccccc"));
  EXPECT_THAT(run.err, HasSubstr("wrote 2 traces to " + saved));
  const nlohmann::json json = nlohmann::json::parse(ReadFile(saved));
  ASSERT_EQ(json["data"].size(), 2u);
  EXPECT_EQ(json["data"][0]["traceID"], "00000000000a0000");
  EXPECT_EQ(json["data"][1]["traceID"], "00000000000a0002");
  // The file is a complete document the analysis reads back.
  const CliRun offline = RunTool({"analyze", saved, "-f", "json"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(nlohmann::json::parse(offline.out)["traces"], 2);
}

// ---- Cache folder, concurrency ----

// The files under `dir` (recursively), relative to it.
std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(JaegerFaultsCliTest, DefaultCacheFolderIsUnderXdgCacheHomeElseHomeDotCache) {
  const FakeJaegerStore store = Store(2);
  FakeJaegerHttp server(&store, {});
  const std::string port = server.url().substr(server.url().rfind(':') + 1);
  TempDir dir;
  const std::vector<std::string> args = {"analyze",    "--jaeger", server.url(),
                                         "--trace-id", "a0000",    "--trace-id",
                                         "a0001",      "-f",       "json"};
  const auto expect_cached_under = [&](const fs::path& root) {
    const std::vector<std::string> files = FilesUnder(root);
    ASSERT_EQ(files.size(), 2u) << root;
    for (const std::string& f : files) {
      EXPECT_THAT(f, ::testing::StartsWith("trace-analyze/traces/127.0.0.1_" + port + "-"));
    }
    EXPECT_THAT(files[0], ::testing::EndsWith("/00000000000a0000.json.zst"));
    EXPECT_THAT(files[1], ::testing::EndsWith("/00000000000a0001.json.zst"));
  };
  {
    ScopedEnv xdg("XDG_CACHE_HOME", (dir.path() / "xdg").c_str());
    ScopedEnv home("HOME", (dir.path() / "home").c_str());
    CliRun run = RunTool(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expect_cached_under(dir.path() / "xdg");
    EXPECT_THAT(FilesUnder(dir.path() / "home"), ::testing::IsEmpty());
    run = RunTool(args);  // the second run reads the cache
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(server.RequestsTo("/api/traces/"), 2);
  }
  for (const char* xdg_value : {static_cast<const char*>(nullptr), "", "relative/cache"}) {
    // Unset, empty or relative (invalid per the XDG spec): ~/.cache.
    const fs::path home = dir.path() / ("home" + std::to_string(server.requests()));
    ScopedEnv xdg("XDG_CACHE_HOME", xdg_value);
    ScopedEnv home_env("HOME", home.c_str());
    const CliRun run = RunTool(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expect_cached_under(home / ".cache");
  }
}

TEST(JaegerFaultsCliTest, ConcurrencyFlagBoundsRequestsInFlight) {
  const FakeJaegerStore store = Store(8);
  FakeHttpBehaviour slow;
  slow.delay_ms = 50;
  FakeJaegerHttp server(&store, slow);
  std::vector<std::string> args = {"analyze", "--jaeger",   server.url(), "--concurrency",
                                   "2",       "--no-cache", "-f",         "json"};
  for (int i = 0; i < 8; ++i) args.insert(args.end(), {"--trace-id", fmt::format("a000{}", i)});
  const CliRun run = RunTool(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["traces"], 8);
  EXPECT_EQ(server.requests(), 8);
  EXPECT_LE(server.max_in_flight(), 2);
  EXPECT_EQ(server.max_in_flight(), 2);  // and they did run in parallel
}

// ---- Failing servers: exit 3, partial labels, no credential anywhere ----

TEST(JaegerFaultsCliTest, FailingServersExitThreeAndNeverShowCredentials) {
  const std::string token = "fAult-t0ken-1q2w3e";
  const std::string key = "fAult-api-key-4r5t";
  ScopedEnv token_env("TA_TEST_FAULT_TOKEN", token.c_str());
  const std::vector<std::string> credentials = {"--token-env", "TA_TEST_FAULT_TOKEN",
                                                "--header",    "X-Api-Key: " + key,
                                                "--verbose",   "--no-cache"};
  const FakeJaegerStore store = Store(3);
  TempDir dir;
  std::vector<std::string> reports;

  struct Scenario {
    std::string name;
    std::string url;
    std::vector<std::string> args;
    std::string says;      // in stderr
    bool partial = false;  // a report is written and labelled partial
  };
  std::vector<Scenario> scenarios;

  FakeHttpBehaviour storm;
  storm.fail_first = 100000;
  storm.fail_status = 500;
  storm.echo_credentials = true;
  FakeJaegerHttp storming(&store, storm);
  scenarios.push_back({"5xx storm",
                       storming.url(),
                       {"--trace-id", "a0000", "--retries", "1"},
                       "HTTP 500: storage unavailable"});

  FakeHttpBehaviour locked;
  locked.required_token = "another-token";
  locked.echo_credentials = true;
  FakeJaegerHttp unauthorised(&store, locked);
  scenarios.push_back(
      {"401", unauthorised.url(), {"--trace-id", "a0000"}, "HTTP 401: unauthorized"});

  FakeGrpcBehaviour denying;
  denying.fail_first = 100000;
  denying.fail_code = grpc::StatusCode::PERMISSION_DENIED;
  denying.echo_credentials = true;
  FakeJaegerGrpc denied(&store, denying);
  scenarios.push_back(
      {"gRPC denied", denied.url(), {"--trace-id", "a0000"}, "gRPC PERMISSION_DENIED"});

  FakeGrpcBehaviour hanging;
  hanging.hang_after_messages = 0;
  FakeJaegerGrpc hung(&store, hanging);
  scenarios.push_back({"gRPC stream never ends",
                       hung.url(),
                       {"--trace-id", "a0000", "--timeout", "300ms", "--retries", "0"},
                       "DEADLINE_EXCEEDED"});

  FakeGrpcBehaviour truncating;
  truncating.truncate_messages = true;
  FakeJaegerGrpc truncated(&store, truncating);
  scenarios.push_back({"truncated protobuf",
                       truncated.url(),
                       {"--api", "grpc-v3", "--trace-id", "a0000", "--retries", "0"},
                       "truncated or corrupt protobuf"});

  RawHttpServer trickling([](const RawHttpServer::Request&, RawHttpServer::Connection& c) {
    if (!c.Send(HttpHead(200, "application/json", -1, "Transfer-Encoding: chunked\r\n"))) return;
    while (c.Send("1\r\n \r\n") && c.Sleep(10)) {
    }
  });
  scenarios.push_back({"endless trickle",
                       trickling.url(),
                       {"--trace-id", "a0000", "--timeout", "300ms", "--retries", "0"},
                       "timeout"});

  RawHttpServer resetting([&](const RawHttpServer::Request& req, RawHttpServer::Connection& c) {
    const std::string id = req.path.substr(req.path.rfind('/') + 1);
    const std::string body = ToUiJsonEnvelope({store.Get(id)});
    if (id != "00000000000a0001") {
      c.Send(HttpHead(200, "application/json", static_cast<long long>(body.size())) + body);
      return;
    }
    c.Send(HttpHead(200, "application/json", static_cast<long long>(body.size())) +
           body.substr(0, body.size() / 3));
    c.Sleep(20);
    c.Reset();
  });
  scenarios.push_back({"reset mid-body",
                       resetting.url(),
                       {"--api", "http", "--trace-id", "a0000", "--trace-id", "a0001", "--trace-id",
                        "a0002", "--retries", "1"},
                       "GET /api/traces/00000000000a0001",
                       /*partial=*/true});

  FakeJaegerHttp roomy(&store, {});
  scenarios.push_back({"too large",
                       roomy.url(),
                       {"--trace-id", "a0000", "--max-response-size", "1KiB"},
                       "response too large"});

  const TestPki& pki = GetTestPki();
  FakeHttpBehaviour tls;
  tls.tls_cert_file = pki.self_signed_cert;
  tls.tls_key_file = pki.self_signed_key;
  tls.echo_credentials = true;
  FakeJaegerHttp untrusted(&store, tls);
  scenarios.push_back({"TLS", untrusted.url(), {"--trace-id", "a0000"}, "TLS"});

  std::string refused_url;
  {
    FakeJaegerHttp gone(&store, {});
    refused_url = gone.url();
  }
  scenarios.push_back(
      {"refused", refused_url, {"--trace-id", "a0000", "--retries", "1"}, "connection failed"});

  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(s.name);
    const std::string report = (dir.path() / (std::to_string(reports.size()) + ".json")).string();
    reports.push_back(report);
    const auto start = std::chrono::steady_clock::now();
    const CliRun run = RunTool(Args(
        Args({"analyze", "--jaeger", s.url, "-f", "json", "-o", report}, s.args), credentials));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_THAT(run.err, HasSubstr(s.url));
    EXPECT_THAT(run.err, HasSubstr(s.says));
    EXPECT_THAT(run.out, Not(HasSubstr(token)));
    EXPECT_THAT(run.err, Not(HasSubstr(token)));
    EXPECT_THAT(run.err, Not(HasSubstr(key)));
    if (s.partial) {
      const nlohmann::json json = nlohmann::json::parse(ReadFile(report));
      EXPECT_EQ(json["traces"], 2);
      EXPECT_EQ(json["input"]["partial"], true);
      EXPECT_THAT(ReadFile(report), Not(HasSubstr(token)));
      EXPECT_THAT(ReadFile(report), Not(HasSubstr(key)));
    } else {
      EXPECT_FALSE(fs::exists(report)) << "a failed run wrote a report";
    }
  }
  // The echoing servers did receive (and quote) the credentials.
  EXPECT_THAT(storming.SeenHeaders(), ::testing::Contains("authorization: Bearer " + token));
}

TEST(JaegerFaultsCliTest, BadMaxResponseSizeIsAUsageError) {
  for (const char* bad : {"lots", "0"}) {
    const CliRun run =
        RunTool({"services", "--jaeger", "http://127.0.0.1:1", "--max-response-size", bad});
    EXPECT_EQ(run.exit_code, 2) << bad << run.err;
    EXPECT_THAT(run.err, HasSubstr("--max-response-size")) << bad;
  }
}

}  // namespace
}  // namespace trace_analyze::testing
