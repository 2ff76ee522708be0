#include "jaeger_client/grpc_common.h"

#include <fmt/format.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "jaeger_client/redact.h"

namespace trace_analyze::jaeger {
namespace {

Result<std::string> ReadPem(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kInput, fmt::format("{} {}: cannot read the file", what, path)};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

bool LooksLikeTls(std::string_view message) {
  for (std::string_view word : {"SSL", "ssl", "TLS", "tls", "handshake", "certificate"}) {
    if (message.find(word) != std::string_view::npos) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

Result<std::shared_ptr<grpc::Channel>> MakeGrpcChannel(const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kGrpcMaxReceiveBytes);
  // Reconnect quickly so that our own retries (retry.h) really try again.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetUserAgentPrefix("trace-analyze/0.1");
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!options.server.tls()) {
    credentials = grpc::InsecureChannelCredentials();
  } else if (options.insecure) {
    grpc::experimental::TlsChannelCredentialsOptions tls;
    tls.set_verify_server_certs(false);
    tls.set_check_call_host(false);
    tls.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
    credentials = grpc::experimental::TlsCredentials(tls);
  } else {
    grpc::SslCredentialsOptions ssl;
    if (!options.ca_file.empty()) {
      Result<std::string> ca = ReadPem(options.ca_file, "--ca-file");
      if (!ca.ok()) return ca.error();
      ssl.pem_root_certs = ca.value();
    }
    if (!options.cert_file.empty()) {
      Result<std::string> cert = ReadPem(options.cert_file, "--cert");
      if (!cert.ok()) return cert.error();
      ssl.pem_cert_chain = cert.value();
    }
    if (!options.key_file.empty()) {
      Result<std::string> key = ReadPem(options.key_file, "--key");
      if (!key.ok()) return key.error();
      ssl.pem_private_key = key.value();
    }
    credentials = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(options.server.HostPort(), credentials, args);
}

void PrepareGrpcContext(const ClientOptions& options, grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms));
  std::string log_line;
  for (const auto& [name, value] : options.headers) {
    context->AddMetadata(Lower(name), value);  // gRPC metadata keys are lower case
    if (options.log) log_line += " [" + RedactedHeader(name, value) + "]";
  }
  if (!options.bearer_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.bearer_token);
    if (options.log) log_line += " [authorization: Bearer ***]";
  }
  if (!options.tenant.empty()) {
    context->AddMetadata(Lower(options.tenant_header), options.tenant);
    if (options.log) log_line += " [" + RedactedHeader(options.tenant_header, options.tenant) + "]";
  }
  if (options.log && !log_line.empty()) options.log("gRPC metadata:" + log_line);
}

CallError GrpcError(const grpc::Status& status, std::string_view describe, std::string_view call) {
  CallErrorKind kind = CallErrorKind::kServer;
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      kind = CallErrorKind::kNotFound;
      break;
    case grpc::StatusCode::UNIMPLEMENTED:
      kind = CallErrorKind::kNotServed;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:  // e.g. a message above our receive limit
      kind = CallErrorKind::kBadRequest;
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      kind = CallErrorKind::kAuth;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      kind = CallErrorKind::kTimeout;
      break;
    case grpc::StatusCode::UNAVAILABLE:
      kind =
          LooksLikeTls(status.error_message()) ? CallErrorKind::kTls : CallErrorKind::kUnavailable;
      break;
    default:
      kind = CallErrorKind::kServer;
  }
  return CallError{kind, fmt::format("{}: {}: gRPC {}: {}", describe, call,
                                     CodeName(status.error_code()), status.error_message())};
}

void SetTimestamp(int64_t us, google::protobuf::Timestamp* out) {
  int64_t secs = us / 1000000;
  int64_t rem = us % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(rem * 1000));
}

void SetDuration(int64_t us, google::protobuf::Duration* out) {
  out->set_seconds(us / 1000000);
  out->set_nanos(static_cast<int32_t>((us % 1000000) * 1000));
}

}  // namespace trace_analyze::jaeger
