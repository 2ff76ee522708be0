#include "tests/testing/fake_jaeger_grpc.h"

#include <fmt/format.h>
#include <grpcpp/generic/async_generic_service.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "jaeger/api_v2/query.grpc.pb.h"
#include "jaeger/api_v3/query_service.grpc.pb.h"
#include "tests/testing/test_pki.h"

namespace trace_analyze::testing {
namespace {

namespace v2 = ::jaeger::api_v2;
namespace v3 = ::jaeger::api_v3;

int64_t Us(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}
int64_t Us(const google::protobuf::Duration& d) { return d.seconds() * 1000000 + d.nanos() / 1000; }

std::string BytesToHex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

class FakeJaegerGrpc::Impl {
 public:
  Impl(const FakeJaegerStore* store, FakeGrpcBehaviour behaviour)
      : store(store), behaviour(std::move(behaviour)), v2_service(this), v3_service(this) {}

  // Common prologue of every call: record, delay, auth, injected failures.
  grpc::Status Enter(grpc::ServerContext* context) {
    std::string echoed;
    if (behaviour.echo_credentials) {
      auto it = context->client_metadata().find("authorization");
      if (it != context->client_metadata().end()) {
        echoed = " (request had authorization '" +
                 std::string(it->second.data(), it->second.size()) + "')";
      }
    }
    const int n = ++calls;
    {
      std::lock_guard lock(mu);
      for (const auto& [key, value] : context->client_metadata()) {
        metadata.push_back(std::string(key.data(), key.size()) + ": " +
                           std::string(value.data(), value.size()));
      }
    }
    if (behaviour.delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(behaviour.delay_ms));
    }
    if (!behaviour.required_token.empty()) {
      auto it = context->client_metadata().find("authorization");
      if (it == context->client_metadata().end() ||
          std::string(it->second.data(), it->second.size()) !=
              "Bearer " + behaviour.required_token) {
        return {grpc::StatusCode::UNAUTHENTICATED, "missing or bad token" + echoed};
      }
    }
    if (n <= behaviour.fail_first) return {behaviour.fail_code, "storage unavailable" + echoed};
    return grpc::Status::OK;
  }

  // Streaming calls with hang_after_messages: after `sent` messages, wait
  // (without ending the stream) until the client cancels or the server stops.
  grpc::Status MaybeHang(grpc::ServerContext* context, int sent) const {
    if (behaviour.hang_after_messages < 0 || sent < behaviour.hang_after_messages) {
      return grpc::Status::OK;
    }
    while (!context->IsCancelled() && !stopping) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {grpc::StatusCode::CANCELLED, "test server: hung stream given up"};
  }

  FakeSearch ToSearch(const google::protobuf::Map<std::string, std::string>& tags,
                      const std::string& service, const std::string& operation,
                      const google::protobuf::Timestamp& min,
                      const google::protobuf::Timestamp& max,
                      const google::protobuf::Duration& dmin,
                      const google::protobuf::Duration& dmax, int depth) {
    FakeSearch q;
    q.service = service;
    q.operation = operation;
    for (const auto& [k, v] : tags) q.tags[k] = v;
    q.start_us = Us(min);
    q.end_us = Us(max);
    q.min_duration_us = Us(dmin);
    q.max_duration_us = Us(dmax);
    q.limit = depth;
    return q;
  }

  grpc::Status SendV2(grpc::ServerContext* ctx, const FakeTrace& t,
                      grpc::ServerWriter<v2::SpansResponseChunk>* writer, int* sent) {
    const std::vector<v2::Span> spans = ToApiV2Spans(t);
    for (size_t i = 0; i < spans.size(); i += 10) {
      if (grpc::Status s = MaybeHang(ctx, *sent); !s.ok()) return s;
      v2::SpansResponseChunk chunk;
      for (size_t j = i; j < spans.size() && j < i + 10; ++j) *chunk.add_spans() = spans[j];
      {
        std::lock_guard lock(mu);
        max_chunk = std::max(max_chunk, chunk.spans_size());
      }
      writer->Write(chunk);
      ++*sent;
    }
    return grpc::Status::OK;
  }

  class V2 : public v2::QueryService::Service {
   public:
    explicit V2(Impl* impl) : impl_(impl) {}
    grpc::Status GetTrace(grpc::ServerContext* ctx, const v2::GetTraceRequest* req,
                          grpc::ServerWriter<v2::SpansResponseChunk>* writer) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      if (req->trace_id().size() != 16 && req->trace_id().size() != 8) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "uninitialized TraceID is not allowed"};
      }
      if (req->has_start_time() || req->has_end_time()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "test server: unexpected time hints"};
      }
      const FakeTrace* t = impl_->store->Get(BytesToHex(req->trace_id()));
      if (t == nullptr) return {grpc::StatusCode::NOT_FOUND, "trace not found"};
      int sent = 0;
      if (grpc::Status s = impl_->SendV2(ctx, *t, writer, &sent); !s.ok()) return s;
      return impl_->MaybeHang(ctx, sent);
    }
    grpc::Status FindTraces(grpc::ServerContext* ctx, const v2::FindTracesRequest* req,
                            grpc::ServerWriter<v2::SpansResponseChunk>* writer) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      if (!req->has_query()) return {grpc::StatusCode::INVALID_ARGUMENT, "missing query"};
      const v2::TraceQueryParameters& q = req->query();
      if (!q.has_start_time_min() || !q.has_start_time_max() || q.search_depth() <= 0) {
        return {grpc::StatusCode::INTERNAL, "start and End Time must be set; search depth > 0"};
      }
      int sent = 0;
      for (const FakeTrace* t : impl_->store->Find(impl_->ToSearch(
               q.tags(), q.service_name(), q.operation_name(), q.start_time_min(),
               q.start_time_max(), q.duration_min(), q.duration_max(), q.search_depth()))) {
        if (grpc::Status s = impl_->SendV2(ctx, *t, writer, &sent); !s.ok()) return s;
      }
      return impl_->MaybeHang(ctx, sent);
    }
    grpc::Status GetServices(grpc::ServerContext* ctx, const v2::GetServicesRequest*,
                             v2::GetServicesResponse* res) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      for (const std::string& s : impl_->store->Services()) res->add_services(s);
      return grpc::Status::OK;
    }
    grpc::Status GetOperations(grpc::ServerContext* ctx, const v2::GetOperationsRequest* req,
                               v2::GetOperationsResponse* res) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      for (const auto& [name, kind] : impl_->store->Operations(req->service())) {
        res->add_operationnames(name);
        v2::Operation* op = res->add_operations();
        op->set_name(name);
        op->set_span_kind(kind);
      }
      return grpc::Status::OK;
    }

   private:
    Impl* impl_;
  };

  class V3 : public v3::QueryService::Service {
   public:
    explicit V3(Impl* impl) : impl_(impl) {}
    grpc::Status GetTrace(
        grpc::ServerContext* ctx, const v3::GetTraceRequest* req,
        grpc::ServerWriter<::opentelemetry::proto::trace::v1::TracesData>* writer) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      const FakeTrace* t = impl_->store->Get(req->trace_id());
      int sent = 0;
      if (grpc::Status s = impl_->MaybeHang(ctx, sent); !s.ok()) return s;
      if (t != nullptr) {
        writer->Write(ToOtlpProto(*t));  // missing: empty OK stream (<= v2.20)
        ++sent;
      }
      return impl_->MaybeHang(ctx, sent);
    }
    grpc::Status FindTraces(
        grpc::ServerContext* ctx, const v3::FindTracesRequest* req,
        grpc::ServerWriter<::opentelemetry::proto::trace::v1::TracesData>* writer) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      const v3::TraceQueryParameters& q = req->query();
      if (!q.has_start_time_min() || !q.has_start_time_max()) {
        return {grpc::StatusCode::INVALID_ARGUMENT,
                "start time min and max are required parameters"};
      }
      int sent = 0;
      for (const FakeTrace* t : impl_->store->Find(impl_->ToSearch(
               q.attributes(), q.service_name(), q.operation_name(), q.start_time_min(),
               q.start_time_max(), q.duration_min(), q.duration_max(), q.search_depth()))) {
        if (grpc::Status s = impl_->MaybeHang(ctx, sent); !s.ok()) return s;
        writer->Write(ToOtlpProto(*t));
        ++sent;
      }
      return impl_->MaybeHang(ctx, sent);
    }
    grpc::Status GetServices(grpc::ServerContext* ctx, const v3::GetServicesRequest*,
                             v3::GetServicesResponse* res) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      for (const std::string& s : impl_->store->Services()) res->add_services(s);
      return grpc::Status::OK;
    }
    grpc::Status GetOperations(grpc::ServerContext* ctx, const v3::GetOperationsRequest* req,
                               v3::GetOperationsResponse* res) override {
      if (grpc::Status s = impl_->Enter(ctx); !s.ok()) return s;
      for (const auto& [name, kind] : impl_->store->Operations(req->service())) {
        v3::Operation* op = res->add_operations();
        op->set_name(name);
        op->set_span_kind(kind);
      }
      return grpc::Status::OK;
    }

   private:
    Impl* impl_;
  };

  const FakeJaegerStore* store;
  FakeGrpcBehaviour behaviour;
  std::atomic<bool> stopping{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> metadata;
  int max_chunk = 0;
  V2 v2_service;
  V3 v3_service;
};

namespace {

// Answers every call with fixed raw messages, then OK.
class RawReactor : public grpc::ServerGenericBidiReactor {
 public:
  explicit RawReactor(std::vector<std::string> messages) : messages_(std::move(messages)) {
    StartRead(&request_);
  }
  void OnReadDone(bool) override { Next(); }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish({grpc::StatusCode::CANCELLED, "test server: write failed"});
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (next_ == messages_.size()) return Finish(grpc::Status::OK);
    grpc::Slice slice(messages_[next_++]);
    out_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&out_);
  }

  std::vector<std::string> messages_;
  size_t next_ = 0;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer out_;
};

// FakeGrpcBehaviour::truncate_messages: a valid message, then a cut one.
class TruncatingService : public grpc::CallbackGenericService {
 public:
  TruncatingService(const FakeJaegerStore* store, std::atomic<int>* calls)
      : store_(store), calls_(calls) {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    ++*calls_;
    std::string whole;
    if (ctx->method().find("api_v2") != std::string::npos) {
      v2::SpansResponseChunk chunk;
      for (const v2::Span& span : ToApiV2Spans(store_->traces().at(0))) *chunk.add_spans() = span;
      whole = chunk.SerializeAsString();
    } else {
      whole = ToOtlpProto(store_->traces().at(0)).SerializeAsString();
    }
    // Cut inside the last (nested) field: never a valid message.
    return new RawReactor({whole, whole.substr(0, whole.size() - 3)});
  }

 private:
  const FakeJaegerStore* store_;
  std::atomic<int>* calls_;
};

}  // namespace

FakeJaegerGrpc::FakeJaegerGrpc(const FakeJaegerStore* store, FakeGrpcBehaviour behaviour)
    : impl_(std::make_unique<Impl>(store, std::move(behaviour))) {
  const FakeGrpcBehaviour& b = impl_->behaviour;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!b.tls_cert_file.empty()) {
    grpc::SslServerCredentialsOptions tls(
        b.tls_client_ca_file.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                     : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_key_cert_pairs.push_back({ReadPemFile(b.tls_key_file), ReadPemFile(b.tls_cert_file)});
    if (!b.tls_client_ca_file.empty()) tls.pem_root_certs = ReadPemFile(b.tls_client_ca_file);
    credentials = grpc::SslServerCredentials(tls);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
  if (b.truncate_messages) {
    generic_ = std::make_unique<TruncatingService>(store, &impl_->calls);
    builder.RegisterCallbackGenericService(generic_.get());
  } else {
    if (b.serve_v2) builder.RegisterService(&impl_->v2_service);
    if (b.serve_v3) builder.RegisterService(&impl_->v3_service);
  }
  server_ = builder.BuildAndStart();
}

FakeJaegerGrpc::~FakeJaegerGrpc() {
  impl_->stopping = true;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

std::string FakeJaegerGrpc::url() const {
  return fmt::format("{}://127.0.0.1:{}", impl_->behaviour.tls_cert_file.empty() ? "grpc" : "grpcs",
                     port_);
}

int FakeJaegerGrpc::calls() const { return impl_->calls; }

std::vector<std::string> FakeJaegerGrpc::SeenMetadata() const {
  std::lock_guard lock(impl_->mu);
  return impl_->metadata;
}

int FakeJaegerGrpc::max_chunk_spans() const {
  std::lock_guard lock(impl_->mu);
  return impl_->max_chunk;
}

}  // namespace trace_analyze::testing
