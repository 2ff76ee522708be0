// TLS against real HTTPS (cpp-httplib over OpenSSL) and grpcs (grpc++)
// servers on loopback, with certificates made at test time (test_pki.h):
// an unknown certificate is refused with a TLS error that is not retried,
// --insecure and --ca-file accept it, client certificates work.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "tests/jaeger_client/net/net_test_util.h"
#include "tests/testing/fake_jaeger_grpc.h"
#include "tests/testing/fake_jaeger_http.h"
#include "tests/testing/test_pki.h"

namespace trace_analyze::testing {
namespace {

using jaeger_client::ApiKind;
using jaeger_client::CallErrorKind;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A fake Jaeger over TLS speaking `api`'s protocol.
class TlsServer {
 public:
  TlsServer(ApiKind api, const FakeJaegerStore* store, const std::string& cert,
            const std::string& key, const std::string& client_ca = "") {
    if (api == ApiKind::kHttpV1 || api == ApiKind::kHttpV3) {
      FakeHttpBehaviour b;
      b.tls_cert_file = cert;
      b.tls_key_file = key;
      b.tls_client_ca_file = client_ca;
      http_ = std::make_unique<FakeJaegerHttp>(store, b);
    } else {
      FakeGrpcBehaviour b;
      b.tls_cert_file = cert;
      b.tls_key_file = key;
      b.tls_client_ca_file = client_ca;
      grpc_ = std::make_unique<FakeJaegerGrpc>(store, b);
    }
  }
  std::string url() const { return http_ ? http_->url() : grpc_->url(); }
  int requests() const { return http_ ? http_->requests() : grpc_->calls(); }

 private:
  std::unique_ptr<FakeJaegerHttp> http_;
  std::unique_ptr<FakeJaegerGrpc> grpc_;
};

class TlsTest : public ::testing::TestWithParam<ApiKind> {
 protected:
  const TestPki& pki_ = GetTestPki();
  const FakeJaegerStore store_ = MakeStore(2);
};

TEST_P(TlsTest, SelfSignedCertificateIsRefusedWithoutRetrying) {
  TlsServer server(GetParam(), &store_, pki_.self_signed_cert, pki_.self_signed_key);
  EXPECT_EQ(server.url().substr(0, server.url().find(':')),
            GetParam() == ApiKind::kHttpV1 ? "https" : "grpcs");
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.retry.max_attempts = 3;
  options.retry.initial_backoff_ms = 500;  // a retry would show in the time taken
  auto source = MakeSource(options, GetParam());
  const auto start = std::chrono::steady_clock::now();
  auto services = source->Services();
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, CallErrorKind::kTls) << services.error().message;
  EXPECT_THAT(services.error().message, HasSubstr(server.url()));
  EXPECT_THAT(services.error().message, HasSubstr("TLS"));
  EXPECT_THAT(services.error().message, HasSubstr("certificate"));
  EXPECT_THAT(services.error().message, HasSubstr("--insecure"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(server.requests(), 0);  // no request got past the handshake
}

TEST_P(TlsTest, InsecureAcceptsAnUnverifiableCertificate) {
  TlsServer server(GetParam(), &store_, pki_.self_signed_cert, pki_.self_signed_key);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.insecure = true;
  auto source = MakeSource(options, GetParam());
  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_THAT(services.value(), ElementsAre("driver", "frontend"));
  Collected c;
  jaeger_client::CallStatus got = source->GetTrace("00000000000a0001", c.Callback(), &c.stats);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(c.traces.size(), 1u);
}

TEST_P(TlsTest, CaFileVerifiesTheServer) {
  TlsServer server(GetParam(), &store_, pki_.server_cert, pki_.server_key);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  auto unknown_ca = MakeSource(options, GetParam());
  auto refused = unknown_ca->Services();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, CallErrorKind::kTls) << refused.error().message;

  options.ca_file = pki_.ca_cert;
  auto source = MakeSource(options, GetParam());
  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(services.value().size(), 2u);
}

TEST_P(TlsTest, SelfSignedCertificateCanBeTrustedThroughCaFile) {
  TlsServer server(GetParam(), &store_, pki_.self_signed_cert, pki_.self_signed_key);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.ca_file = pki_.self_signed_cert;
  auto source = MakeSource(options, GetParam());
  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
}

TEST_P(TlsTest, ClientCertificateForMutualTls) {
  TlsServer server(GetParam(), &store_, pki_.server_cert, pki_.server_key, pki_.ca_cert);
  jaeger_client::ClientOptions options = TestOptions(server.url());
  options.ca_file = pki_.ca_cert;
  options.retry.max_attempts = 2;

  auto anonymous = MakeSource(options, GetParam());
  auto refused = anonymous->Services();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, CallErrorKind::kTls) << refused.error().message;
  EXPECT_THAT(refused.error().message, HasSubstr(server.url()));

  jaeger_client::ClientOptions stranger_options = options;
  stranger_options.cert_file = pki_.stranger_cert;
  stranger_options.key_file = pki_.stranger_key;
  auto stranger = MakeSource(stranger_options, GetParam());
  auto also_refused = stranger->Services();
  ASSERT_FALSE(also_refused.ok());
  EXPECT_EQ(also_refused.error().kind, CallErrorKind::kTls) << also_refused.error().message;
  EXPECT_EQ(server.requests(), 0);

  options.cert_file = pki_.client_cert;
  options.key_file = pki_.client_key;
  auto source = MakeSource(options, GetParam());
  auto services = source->Services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  Collected c;
  jaeger_client::CallStatus got = source->GetTrace("00000000000a0000", c.Callback(), &c.stats);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(c.traces.size(), 1u);
}

TEST_P(TlsTest, UnreadableCertificateFilesAreUsageErrors) {
  jaeger_client::ClientOptions options =
      TestOptions(GetParam() == ApiKind::kHttpV1 ? "https://127.0.0.1:1" : "grpcs://127.0.0.1:1");
  for (std::string jaeger_client::ClientOptions::*field :
       {&jaeger_client::ClientOptions::ca_file, &jaeger_client::ClientOptions::cert_file,
        &jaeger_client::ClientOptions::key_file}) {
    jaeger_client::ClientOptions o = options;
    o.*field = "/nonexistent/ta-test.pem";
    auto source = jaeger_client::net::MakeTraceSource(o, GetParam());
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.error().code, ErrorCode::kInput);
    EXPECT_THAT(source.error().message, HasSubstr("/nonexistent/ta-test.pem: cannot read"));
    EXPECT_THAT(source.error().message,
                AnyOf(HasSubstr("--ca-file"), HasSubstr("--cert"), HasSubstr("--key")));
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, TlsTest,
                         ::testing::Values(ApiKind::kHttpV1, ApiKind::kGrpcV2, ApiKind::kGrpcV3),
                         [](const auto& info) {
                           switch (info.param) {
                             case ApiKind::kGrpcV2:
                               return "GrpcsApiV2";
                             case ApiKind::kGrpcV3:
                               return "GrpcsApiV3";
                             default:
                               return "Https";
                           }
                         });

}  // namespace
}  // namespace trace_analyze::testing
