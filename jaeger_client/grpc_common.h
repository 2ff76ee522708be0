// What the two gRPC APIs share: the channel (TLS or plaintext, a receive limit
// big enough for api_v3's one-message-per-trace responses), per-call contexts
// (deadline, headers as metadata, bearer token, tenant), request timestamps,
// and gRPC status -> CallError.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_GRPC_COMMON_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_GRPC_COMMON_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "analyzer/status.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "jaeger_client/call_result.h"
#include "jaeger_client/client_options.h"

namespace trace_analyze::jaeger {

// Receive limit: api_v3 sends a whole trace as one message (gRPC's default
// 4 MiB is too small for big traces; jaeger issue #4350).
inline constexpr int kGrpcMaxReceiveBytes = 512 << 20;

// Creates the channel for options.server (grpc:// plaintext, grpcs:// TLS with
// the CA file, client certificate and --insecure). Errors (kInput) for
// unreadable certificate files.
Result<std::shared_ptr<grpc::Channel>> MakeGrpcChannel(const ClientOptions& options);

// Sets the deadline and the request metadata of one call.
void PrepareGrpcContext(const ClientOptions& options, grpc::ClientContext* context);

// "<describe>: <call>: gRPC UNAVAILABLE: <message>", with the kind the
// status code means (NOT_FOUND -> kNotFound, UNIMPLEMENTED -> kNotServed, ...).
CallError GrpcError(const grpc::Status& status, std::string_view describe, std::string_view call);

// µs since the epoch as a Timestamp / Duration. Callers leave "unset" fields
// absent: an explicit Timestamp{0,0} is 1970-01-01, a real bound (§3.4).
void SetTimestamp(int64_t us, google::protobuf::Timestamp* out);
void SetDuration(int64_t us, google::protobuf::Duration* out);

}  // namespace trace_analyze::jaeger

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_GRPC_COMMON_H_
