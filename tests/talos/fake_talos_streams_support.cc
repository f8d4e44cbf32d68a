// FakeTalos: the v1.13+ upgrade services (ImageService.Pull, LifecycleService.Upgrade), the
// cluster HealthCheck stream, and RawTalos, which answers every call with scripted raw bytes.
#include <grpcpp/server_builder.h>
#include <grpcpp/support/byte_buffer.h>

#include "cluster/cluster.grpc.pb.h"
#include "machine/image.grpc.pb.h"
#include "machine/lifecycle.grpc.pb.h"
#include "talos/fake_talos_calls.h"

namespace talos_test {
namespace {

class Image final : public machine::ImageService::Service {
 public:
  explicit Image(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status Pull(grpc::ServerContext* context, const machine::ImageServicePullRequest* request,
                    grpc::ServerWriter<machine::ImageServicePullResponse>* writer) override {
    if (auto failed = begin(*s_, context, "Pull", true)) {
      return *failed;
    }
    {
      std::lock_guard lock(s_->mutex);
      s_->seen.pulled_image = request->image_ref();
      s_->seen.containerd = std::to_string(request->containerd().driver()) + "/" +
                            std::to_string(request->containerd().namespace_());
    }
    using Status = machine::ImageServicePullLayerProgress;
    for (auto status : {Status::DOWNLOADING, Status::DOWNLOADING, Status::DOWNLOAD_COMPLETE,
                        Status::EXTRACT_COMPLETE}) {
      machine::ImageServicePullResponse reply;
      reply.mutable_pull_progress()->set_layer_id("sha256:aa");
      reply.mutable_pull_progress()->mutable_progress()->set_status(status);
      writer->Write(reply);
    }
    machine::ImageServicePullResponse done;
    done.set_name(request->image_ref() + "@sha256:bb");
    writer->Write(done);
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<State> s_;
};

class Lifecycle final : public machine::LifecycleService::Service {
 public:
  explicit Lifecycle(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status Upgrade(
      grpc::ServerContext* context, const machine::LifecycleServiceUpgradeRequest* request,
      grpc::ServerWriter<machine::LifecycleServiceUpgradeResponse>* writer) override {
    if (auto failed = begin(*s_, context, "LifecycleUpgrade", true)) {
      return *failed;
    }
    {
      std::lock_guard lock(s_->mutex);
      s_->seen.lifecycle_image = request->source().image_name();
    }
    for (const std::string& line : s_->script.upgrade_lines) {
      machine::LifecycleServiceUpgradeResponse reply;
      reply.mutable_progress()->set_message(line);
      writer->Write(reply);
    }
    if (s_->script.upgrade_sends_exit_code) {
      machine::LifecycleServiceUpgradeResponse reply;
      reply.mutable_progress()->set_exit_code(s_->script.upgrade_exit_code);
      writer->Write(reply);
    }
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<State> s_;
};

class Cluster final : public cluster::ClusterService::Service {
 public:
  explicit Cluster(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status HealthCheck(grpc::ServerContext* context, const cluster::HealthCheckRequest* request,
                           grpc::ServerWriter<cluster::HealthCheckProgress>* writer) override {
    if (auto failed = begin(*s_, context, "HealthCheck", false)) {
      return *failed;
    }
    {
      std::lock_guard lock(s_->mutex);
      s_->seen.health_request = request->ShortDebugString();
    }
    for (const std::string& line : s_->script.health_lines) {
      cluster::HealthCheckProgress progress;
      progress.set_message(line);
      writer->Write(progress);
    }
    return s_->script.health_final;
  }

 private:
  std::shared_ptr<State> s_;
};

class RawReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit RawReactor(const std::string& reply) {
    grpc::Slice slice(reply);
    reply_ = grpc::ByteBuffer(&slice, 1);
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
      return;
    }
    StartWriteAndFinish(&reply_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer reply_;
};

class RawService final : public grpc::CallbackGenericService {
 public:
  explicit RawService(std::string reply) : reply_(std::move(reply)) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new RawReactor(reply_);
  }

 private:
  std::string reply_;
};

}  // namespace

void add_stream_services(const std::shared_ptr<State>& state,
                         std::vector<std::unique_ptr<grpc::Service>>& services) {
  services.push_back(std::make_unique<Image>(state));
  services.push_back(std::make_unique<Lifecycle>(state));
  services.push_back(std::make_unique<Cluster>(state));
}

RawTalos::RawTalos(const Pem& server, const std::string& client_ca, std::string reply)
    : service_(std::make_unique<RawService>(std::move(reply))) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", server_credentials(ServerMode::Secure, server, client_ca),
                           &port_);
  builder.RegisterCallbackGenericService(service_.get());
  server_ = builder.BuildAndStart();
}

RawTalos::~RawTalos() {
  server_->Shutdown(std::chrono::system_clock::now());
}

std::string RawTalos::endpoint() const {
  return "127.0.0.1:" + std::to_string(port_);
}

}  // namespace talos_test
