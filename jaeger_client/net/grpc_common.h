// What the two gRPC APIs share: the channel (TLS or plaintext, a receive limit
// big enough for api_v3's one-message-per-trace responses), per-call contexts
// (deadline, headers as metadata, bearer token, tenant), request timestamps,
// gRPC status -> CallError, and fetching traces as a stream of span messages.
#ifndef TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_COMMON_H_
#define TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_COMMON_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"
#include "formats/span_assembler.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "jaeger_client/call_result.h"
#include "jaeger_client/client_options.h"
#include "jaeger_client/query.h"
#include "jaeger_client/retry.h"

namespace trace_analyze::jaeger_client::net {

// Creates the channel for options.server (grpc:// plaintext, grpcs:// TLS with
// the CA file, client certificate and --insecure). The receive limit per
// message is options.max_response_bytes (api_v3 sends a whole trace as one
// message: gRPC's default 4 MiB is too small for big traces; jaeger issue
// #4350). Errors (kInput) for unreadable certificate files.
Result<std::shared_ptr<grpc::Channel>> MakeGrpcChannel(const ClientOptions& options);

// Discards libprotobuf's own log lines ("[libprotobuf ERROR …]" on stderr,
// e.g. for a string field with invalid UTF-8): a message that does not parse
// is reported by ReadGrpcStream, naming the server and call. Idempotent; not
// thread-safe the first time (libprotobuf's SetLogHandler is not), so it is
// called while making a channel, before any call runs.
void SilenceProtobufLog();

// Sets the deadline and the request metadata of one call.
void PrepareGrpcContext(const ClientOptions& options, grpc::ClientContext* context);

// "<describe>: <call>: gRPC UNAVAILABLE: <message>", with the kind the
// status code means (NOT_FOUND -> kNotFound, UNIMPLEMENTED -> kNotServed, ...),
// credentials scrubbed (a server may echo our metadata in its message).
CallError GrpcError(const grpc::Status& status, std::string_view describe, std::string_view call,
                    const ClientOptions& options);

// Runs one server-streaming call of `method` ("/jaeger.api_v3.QueryService/
// GetTrace") on a context prepared by PrepareGrpcContext, parsing every
// message into *message and then calling on_message(). grpc++'s typed readers
// end a stream quietly when a message does not parse, which would turn a
// truncated message into a shorter answer (or "not found"); reading raw
// bytes and parsing them here makes it a kMalformed error. The messages of
// one call may total at most options.max_response_bytes (kTooLarge).
CallStatus ReadGrpcStream(grpc::Channel* channel, const char* method,
                          const google::protobuf::Message& request, grpc::ClientContext* context,
                          google::protobuf::Message* message,
                          const std::function<void()>& on_message, const ClientOptions& options,
                          std::string_view describe, std::string_view call);

// Fetches traces with the server-streaming `method`, with retries
// (options.retry): each attempt stages every message's spans, parsed into
// *message, with stage(assembler) into a fresh assembler; then the assembled
// traces go to on_trace. Returns how many there were; a trace the assembler
// cannot deliver is a kServer error (credentials scrubbed).
CallResult<size_t> FetchGrpcTraces(grpc::Channel* channel, const char* method,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* message,
                                   const std::function<void(formats::SpanAssembler*)>& stage,
                                   const ClientOptions& options, std::string_view describe,
                                   std::string_view call, const formats::TraceCallback& on_trace);
// GetServices and GetOperations of either API, with retries: api_v2 and
// api_v3 declare the same messages and methods, each in its own package.
// Sorted; an api_v2 server that fills only the deprecated list of operation
// names gets its names without span kinds.
template <class Request, class Response, class Stub>
CallResult<std::vector<std::string>> FetchGrpcServices(Stub& stub, const ClientOptions& options,
                                                       const std::string& describe) {
  return WithRetries<std::vector<std::string>>(
      options.retry, options.log, [&]() -> CallResult<std::vector<std::string>> {
        grpc::ClientContext context;
        PrepareGrpcContext(options, &context);
        Response response;
        const grpc::Status status = stub.GetServices(&context, Request(), &response);
        if (!status.ok()) return GrpcError(status, describe, "GetServices", options);
        std::vector<std::string> out(response.services().begin(), response.services().end());
        std::sort(out.begin(), out.end());
        return out;
      });
}

template <class Request, class Response, class Stub>
CallResult<std::vector<OperationInfo>> FetchGrpcOperations(Stub& stub, const std::string& service,
                                                           const ClientOptions& options,
                                                           const std::string& describe) {
  return WithRetries<std::vector<OperationInfo>>(
      options.retry, options.log, [&]() -> CallResult<std::vector<OperationInfo>> {
        grpc::ClientContext context;
        PrepareGrpcContext(options, &context);
        Request request;
        request.set_service(service);
        Response response;
        const grpc::Status status = stub.GetOperations(&context, request, &response);
        if (!status.ok()) return GrpcError(status, describe, "GetOperations", options);
        std::vector<OperationInfo> out;
        for (const auto& op : response.operations()) out.push_back({op.name(), op.span_kind()});
        if constexpr (requires { response.operationnames(); }) {
          if (out.empty()) {
            for (const std::string& name : response.operationnames()) out.push_back({name, ""});
          }
        }
        std::sort(out.begin(), out.end());
        return out;
      });
}

// `n` traces fetched for GetTrace: none is kNotFound (a server answers an
// unknown id with an empty stream).
CallStatus TraceFound(const CallResult<size_t>& n, std::string_view describe,
                      std::string_view call);

// µs since the epoch as a Timestamp / Duration. Callers leave "unset" fields
// absent: an explicit Timestamp{0,0} is 1970-01-01, a real bound (§3.4).
void SetTimestamp(int64_t us, google::protobuf::Timestamp* out);
void SetDuration(int64_t us, google::protobuf::Duration* out);

}  // namespace trace_analyze::jaeger_client::net

#endif  // TRACE_ANALYZE_JAEGER_CLIENT_NET_GRPC_COMMON_H_
