#include "jaeger_client/net/grpc_common.h"

#include <fmt/format.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <fstream>
#include <sstream>

#include "jaeger_client/redact.h"
#include "jaeger_client/retry.h"

namespace trace_analyze::jaeger_client::net {
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

// A connection that closed before the channel was up ("failed to connect to
// all addresses; ... Socket closed"): over TLS, the server ending the
// handshake, typically for a missing or unaccepted client certificate (TLS
// 1.3 clients learn it only from the closed socket).
bool IsClosedWhileConnecting(std::string_view message) {
  return message.find("failed to connect") != std::string_view::npos &&
         message.find("Socket closed") != std::string_view::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

void SilenceProtobufLog() {
  static const bool kSilenced = (google::protobuf::SetLogHandler(nullptr), true);
  (void)kSilenced;
}

Result<std::shared_ptr<grpc::Channel>> MakeGrpcChannel(const ClientOptions& options) {
  SilenceProtobufLog();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(
      static_cast<int>(std::clamp<int64_t>(options.max_response_bytes, 0, INT_MAX)));
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

CallError GrpcError(const grpc::Status& status, std::string_view describe, std::string_view call,
                    const ClientOptions& options) {
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
      kind = CallErrorKind::kBadRequest;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // "Received message larger than max (N vs. M)": above our receive limit.
      kind = status.error_message().find("larger than max") != std::string::npos
                 ? CallErrorKind::kTooLarge
                 : CallErrorKind::kBadRequest;
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      kind = CallErrorKind::kAuth;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      kind = CallErrorKind::kTimeout;
      break;
    case grpc::StatusCode::UNAVAILABLE:
      kind = LooksLikeTls(status.error_message()) ||
                     (options.server.tls() && IsClosedWhileConnecting(status.error_message()))
                 ? CallErrorKind::kTls
                 : CallErrorKind::kUnavailable;
      break;
    default:
      kind = CallErrorKind::kServer;
  }
  std::string what =
      fmt::format("gRPC {}: {}", CodeName(status.error_code()), status.error_message());
  if (kind == CallErrorKind::kTls && !LooksLikeTls(status.error_message())) {
    what = fmt::format(
        "TLS failure: {} (the server closed the connection during the TLS handshake: it may "
        "require a client certificate, --cert/--key, or refuse the one given)",
        what);
  } else if (kind == CallErrorKind::kTls) {
    what = fmt::format(
        "TLS failure: {} (check the server's certificate: --ca-file, or --insecure to skip "
        "verification; client certificate: --cert/--key)",
        what);
  }
  if (kind == CallErrorKind::kTooLarge) what += " (--max-response-size)";
  return CallError{
      kind, ScrubSecrets(fmt::format("{}: {}: {}", describe, call, what), SecretsOf(options))};
}

CallStatus ReadGrpcStream(grpc::Channel* channel, const char* method,
                          const google::protobuf::Message& request, grpc::ClientContext* context,
                          google::protobuf::Message* message,
                          const std::function<void()>& on_message, const ClientOptions& options,
                          std::string_view describe, std::string_view call) {
  const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::SERVER_STREAMING);
  // What the generated stubs do, with raw bytes as the response type.
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(channel, rpc, context,
                                                                    request));
  const auto fail = [&](CallErrorKind kind, std::string what) -> CallStatus {
    context->TryCancel();  // stop the server sending more
    (void)reader->Finish();
    return CallError{
        kind, ScrubSecrets(fmt::format("{}: {}: {}", describe, call, what), SecretsOf(options))};
  };
  grpc::ByteBuffer buffer;
  uint64_t total = 0;
  for (size_t n = 1; reader->Read(&buffer); ++n) {
    total += buffer.Length();
    if (total > static_cast<uint64_t>(std::max<int64_t>(options.max_response_bytes, 0))) {
      return fail(CallErrorKind::kTooLarge,
                  fmt::format("response too large: the stream exceeds the limit of {} bytes "
                              "(--max-response-size)",
                              options.max_response_bytes));
    }
    message->Clear();
    grpc::ProtoBufferReader bytes(&buffer);
    if (!message->ParseFromZeroCopyStream(&bytes)) {
      return fail(CallErrorKind::kMalformed,
                  fmt::format("malformed response: message {} of the stream ({} bytes) is not a "
                              "valid {} (truncated or corrupt protobuf)",
                              n, buffer.Length(), message->GetTypeName()));
    }
    on_message();
  }
  const grpc::Status finished = reader->Finish();
  if (!finished.ok()) return GrpcError(finished, describe, call, options);
  return CallOk();
}

CallResult<size_t> FetchGrpcTraces(grpc::Channel* channel, const char* method,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* message,
                                   const std::function<void(formats::SpanAssembler*)>& stage,
                                   const ClientOptions& options, std::string_view describe,
                                   std::string_view call, const formats::TraceCallback& on_trace) {
  formats::SpanAssembler assembler;
  const CallStatus status = WithRetries<Ok>(options.retry, options.log, [&]() -> CallStatus {
    assembler = formats::SpanAssembler();
    grpc::ClientContext context;
    PrepareGrpcContext(options, &context);
    return ReadGrpcStream(
        channel, method, request, &context, message, [&] { stage(&assembler); }, options, describe,
        call);
  });
  if (!status.ok()) return status.error();
  const size_t n = assembler.size();
  if (Status s = assembler.Deliver(fmt::format("{} {}", describe, call), on_trace); !s.ok()) {
    return CallError{CallErrorKind::kServer, ScrubSecrets(s.error().message, SecretsOf(options))};
  }
  return n;
}

CallStatus TraceFound(const CallResult<size_t>& n, std::string_view describe,
                      std::string_view call) {
  if (!n.ok()) return n.error();
  if (n.value() == 0) {
    return CallError{CallErrorKind::kNotFound,
                     fmt::format("{}: {}: trace not found (empty stream)", describe, call)};
  }
  return CallOk();
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

}  // namespace trace_analyze::jaeger_client::net
