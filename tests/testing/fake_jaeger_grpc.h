// Test support: an in-process gRPC server on 127.0.0.1 implementing
// jaeger.api_v2.QueryService (chunks of at most 10 spans, NOT_FOUND for a
// missing trace) and jaeger.api_v3.QueryService (one TracesData per trace,
// an empty stream for a missing trace as up to v2.20) from the project's
// protos, with switches for faults.
#ifndef TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_GRPC_H_
#define TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_GRPC_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/testing/fake_jaeger_store.h"

namespace trace_analyze::testing {

struct FakeGrpcBehaviour {
  bool serve_v2 = true;
  bool serve_v3 = true;  // false: api_v3 calls get UNIMPLEMENTED (pre-v1.25)
  int fail_first = 0;    // the first N calls fail with fail_code
  grpc::StatusCode fail_code = grpc::StatusCode::UNAVAILABLE;
  int delay_ms = 0;            // every call waits this long first
  std::string required_token;  // when set, calls without it get UNAUTHENTICATED
  // Error messages quote the request's authorization metadata, as careless
  // servers do: credentials must not reach our messages through them.
  bool echo_credentials = false;
  // >= 0: streaming calls send this many messages, then neither send nor end
  // until the client gives up (deadline) or the server stops.
  int hang_after_messages = -1;
  // Streaming calls of both APIs answer, for the first stored trace, one
  // valid message and then the same one cut short: a truncated protobuf
  // message (through a generic service: the typed ones are not registered).
  bool truncate_messages = false;
  // grpcs:// with this certificate and key (PEM files); with
  // tls_client_ca_file, clients must present a certificate it signed.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
};

class FakeJaegerGrpc {
 public:
  FakeJaegerGrpc(const FakeJaegerStore* store, FakeGrpcBehaviour behaviour);
  ~FakeJaegerGrpc();

  std::string url() const;  // "grpc://127.0.0.1:<port>" ("grpcs://..." with TLS)
  int calls() const;
  std::vector<std::string> SeenMetadata() const;  // "key: value"
  int max_chunk_spans() const;                    // largest api_v2 chunk sent

  class Impl;  // the two services; public for the .cc file

 private:
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<grpc::CallbackGenericService> generic_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_FAKE_JAEGER_GRPC_H_
