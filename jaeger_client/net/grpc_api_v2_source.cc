#include "jaeger_client/net/grpc_api_v2_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "formats/span_assembler.h"
#include "jaeger_client/net/api_v2_convert.h"
#include "jaeger_client/net/grpc_common.h"
#include "jaeger_client/retry.h"

namespace trace_analyze::jaeger_client::net {
namespace {

namespace pb = ::jaeger::api_v2;

// Streaming methods, read raw (ReadGrpcStream) rather than through the stub.
constexpr const char* kGetTrace = "/jaeger.api_v2.QueryService/GetTrace";
constexpr const char* kFindTraces = "/jaeger.api_v2.QueryService/FindTraces";

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
  return WithRetries<std::vector<std::string>>(
      options_.retry, options_.log, [&]() -> CallResult<std::vector<std::string>> {
        grpc::ClientContext context;
        PrepareGrpcContext(options_, &context);
        pb::GetServicesResponse response;
        const grpc::Status status =
            stub_->GetServices(&context, pb::GetServicesRequest(), &response);
        if (!status.ok()) return GrpcError(status, Describe(), "GetServices", options_);
        std::vector<std::string> out(response.services().begin(), response.services().end());
        std::sort(out.begin(), out.end());
        return out;
      });
}

CallResult<std::vector<OperationInfo>> GrpcApiV2Source::Operations(const std::string& service) {
  return WithRetries<std::vector<OperationInfo>>(
      options_.retry, options_.log, [&]() -> CallResult<std::vector<OperationInfo>> {
        grpc::ClientContext context;
        PrepareGrpcContext(options_, &context);
        pb::GetOperationsRequest request;
        request.set_service(service);
        pb::GetOperationsResponse response;
        const grpc::Status status = stub_->GetOperations(&context, request, &response);
        if (!status.ok()) return GrpcError(status, Describe(), "GetOperations", options_);
        std::vector<OperationInfo> out;
        for (const pb::Operation& op : response.operations()) {
          out.push_back({op.name(), op.span_kind()});
        }
        if (out.empty()) {  // old servers fill only the deprecated list
          for (const std::string& name : response.operationnames()) out.push_back({name, ""});
        }
        std::sort(out.begin(), out.end(), [](const OperationInfo& a, const OperationInfo& b) {
          return a.name != b.name ? a.name < b.name : a.span_kind < b.span_kind;
        });
        return out;
      });
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
  if (!n.ok()) return n.error();
  if (n.value() == 0) {
    return CallError{CallErrorKind::kNotFound,
                     fmt::format("{}: {}: trace not found (empty stream)", Describe(), call)};
  }
  return CallOk();
}

}  // namespace trace_analyze::jaeger_client::net
