#include "jaeger_client/net/grpc_api_v2_source.h"

#include <fmt/format.h>

#include <utility>

#include "formats/span_assembler.h"
#include "jaeger_client/net/api_v2_convert.h"
#include "jaeger_client/net/grpc_common.h"

namespace trace_analyze::jaeger_client::net {
namespace {

namespace pb = ::jaeger::api_v2;

// Streaming methods, read raw (ReadGrpcStream) rather than through the stub.
constexpr const char* kGetTrace = "/jaeger.api_v2.QueryService/GetTrace";
constexpr const char* kFindTraces = "/jaeger.api_v2.QueryService/FindTraces";

// FetchGrpcOperations falls back on the deprecated list of names (servers
// before span kinds) only for a response that has one.
static_assert(requires(const pb::GetOperationsResponse& r) { r.operationnames(); });

// A message of either stream: up to 10 spans, of any traces.
void StageChunk(const pb::SpansResponseChunk& chunk, formats::SpanAssembler* assembler) {
  for (const pb::Span& span : chunk.spans()) StageApiV2Span(span, assembler);
  assembler->Commit();
}

}  // namespace

GrpcApiV2Source::GrpcApiV2Source(const ClientOptions& options,
                                 std::shared_ptr<grpc::Channel> channel)
    : options_(options), channel_(std::move(channel)), stub_(pb::QueryService::NewStub(channel_)) {}

std::string GrpcApiV2Source::Describe() const {
  return fmt::format("{} ({})", options_.server.Display(), ApiLabel(ApiKind::kGrpcV2));
}

CallResult<std::vector<std::string>> GrpcApiV2Source::Services() {
  return FetchGrpcServices<pb::GetServicesRequest, pb::GetServicesResponse>(*stub_, options_,
                                                                            Describe());
}

CallResult<std::vector<OperationInfo>> GrpcApiV2Source::Operations(const std::string& service) {
  return FetchGrpcOperations<pb::GetOperationsRequest, pb::GetOperationsResponse>(
      *stub_, service, options_, Describe());
}

CallResult<size_t> GrpcApiV2Source::Search(const SearchQuery& query,
                                           const formats::TraceCallback& on_trace,
                                           input::ReadStats*) {
  pb::FindTracesRequest request;
  pb::TraceQueryParameters* q = request.mutable_query();
  q->set_service_name(query.service);
  q->set_operation_name(query.operation);
  for (const auto& [key, value] : query.tags) (*q->mutable_tags())[key] = value;
  SetTimestamp(query.start_us, q->mutable_start_time_min());
  SetTimestamp(query.end_us, q->mutable_start_time_max());
  if (query.min_duration_us > 0) SetDuration(query.min_duration_us, q->mutable_duration_min());
  if (query.max_duration_us > 0) SetDuration(query.max_duration_us, q->mutable_duration_max());
  q->set_search_depth(query.limit);
  const std::string call = fmt::format("FindTraces(service={})", query.service);
  pb::SpansResponseChunk chunk;
  return FetchGrpcTraces(
      channel_.get(), kFindTraces, request, &chunk,
      [&](formats::SpanAssembler* assembler) { StageChunk(chunk, assembler); }, options_,
      Describe(), call, on_trace);
}

CallStatus GrpcApiV2Source::GetTrace(const std::string& trace_id,
                                     const formats::TraceCallback& on_trace, input::ReadStats*) {
  pb::GetTraceRequest request;
  request.set_trace_id(ApiV2TraceIdBytes(trace_id));
  const std::string call = "GetTrace(" + trace_id + ")";
  pb::SpansResponseChunk chunk;
  const CallResult<size_t> n = FetchGrpcTraces(
      channel_.get(), kGetTrace, request, &chunk,
      [&](formats::SpanAssembler* assembler) { StageChunk(chunk, assembler); }, options_,
      Describe(), call, on_trace);
  return TraceFound(n, Describe(), call);
}

}  // namespace trace_analyze::jaeger_client::net
