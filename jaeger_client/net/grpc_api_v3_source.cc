#include "jaeger_client/net/grpc_api_v3_source.h"

#include <fmt/format.h>

#include <utility>

#include "formats/span_assembler.h"
#include "jaeger_client/net/grpc_common.h"
#include "jaeger_client/net/otlp_proto_convert.h"

namespace trace_analyze::jaeger_client::net {
namespace {

namespace pb = ::jaeger::api_v3;
using ::opentelemetry::proto::trace::v1::TracesData;

// Streaming methods, read raw (ReadGrpcStream) rather than through the stub.
constexpr const char* kGetTrace = "/jaeger.api_v3.QueryService/GetTrace";
constexpr const char* kFindTraces = "/jaeger.api_v3.QueryService/FindTraces";

}  // namespace

GrpcApiV3Source::GrpcApiV3Source(const ClientOptions& options,
                                 std::shared_ptr<grpc::Channel> channel)
    : options_(options), channel_(std::move(channel)), stub_(pb::QueryService::NewStub(channel_)) {}

std::string GrpcApiV3Source::Describe() const {
  return fmt::format("{} ({})", options_.server.Display(), ApiLabel(ApiKind::kGrpcV3));
}

CallResult<std::vector<std::string>> GrpcApiV3Source::Services() {
  return FetchGrpcServices<pb::GetServicesRequest, pb::GetServicesResponse>(*stub_, options_,
                                                                            Describe());
}

CallResult<std::vector<OperationInfo>> GrpcApiV3Source::Operations(const std::string& service) {
  return FetchGrpcOperations<pb::GetOperationsRequest, pb::GetOperationsResponse>(
      *stub_, service, options_, Describe());
}

CallResult<size_t> GrpcApiV3Source::Search(const SearchQuery& query,
                                           const formats::TraceCallback& on_trace,
                                           input::ReadStats*) {
  pb::FindTracesRequest request;
  pb::TraceQueryParameters* q = request.mutable_query();
  q->set_service_name(query.service);
  q->set_operation_name(query.operation);
  for (const auto& [key, value] : query.tags) (*q->mutable_attributes())[key] = value;
  SetTimestamp(query.start_us, q->mutable_start_time_min());
  SetTimestamp(query.end_us, q->mutable_start_time_max());
  if (query.min_duration_us > 0) SetDuration(query.min_duration_us, q->mutable_duration_min());
  if (query.max_duration_us > 0) SetDuration(query.max_duration_us, q->mutable_duration_max());
  q->set_search_depth(query.limit);  // always > 0: servers up to v2.20 pass 0 through
  const std::string call = fmt::format("FindTraces(service={})", query.service);
  TracesData data;
  return FetchGrpcTraces(
      channel_.get(), kFindTraces, request, &data,
      [&](formats::SpanAssembler* assembler) { AddOtlpTracesData(data, assembler); }, options_,
      Describe(), call, on_trace);
}

CallStatus GrpcApiV3Source::GetTrace(const std::string& trace_id,
                                     const formats::TraceCallback& on_trace, input::ReadStats*) {
  pb::GetTraceRequest request;
  request.set_trace_id(trace_id);
  const std::string call = "GetTrace(" + trace_id + ")";
  TracesData data;
  const CallResult<size_t> n = FetchGrpcTraces(
      channel_.get(), kGetTrace, request, &data,
      [&](formats::SpanAssembler* assembler) { AddOtlpTracesData(data, assembler); }, options_,
      Describe(), call, on_trace);
  return TraceFound(n, Describe(), call);
}

}  // namespace trace_analyze::jaeger_client::net
