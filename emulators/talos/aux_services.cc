// storage.StorageService, securityapi.SecurityService (trustd), machine.ImageService and
// machine.LifecycleService (the v1.13+ upgrade path).
#include <cstdio>
#include <thread>

#include "machine/image.grpc.pb.h"
#include "machine/lifecycle.grpc.pb.h"
#include "security/security.grpc.pb.h"
#include "storage/storage.grpc.pb.h"
#include "emulators/talos/dispatch.h"
#include "emulators/talos/emulator.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

class StorageService final : public storage::StorageService::Service {
 public:
  StorageService(Emulator& emulator, std::weak_ptr<Node> node, Personality personality)
      : emulator_(emulator), node_(std::move(node)), personality_(personality) {}

  Status Disks(ServerContext* context, const google::protobuf::Empty* request,
               storage::DisksResponse* response) override {
    return dispatch_unary(emulator_, node_.lock(), personality_, *context, "Disks", *request,
                          response, [](Node& node, const auto&, auto* resp) {
                            NodeSnapshot s = node.snapshot();
                            auto* disk = resp->add_messages()->add_disks();
                            disk->set_size(static_cast<uint64_t>(s.spec.disk_gib) << 30);
                            disk->set_model("QEMU HARDDISK");
                            disk->set_device_name("/dev/sda");
                            disk->set_name("sda");
                            disk->set_serial("drive-scsi0");
                            disk->set_type(storage::Disk::UNKNOWN);  // virtio: no transport
                            disk->set_bus_path("/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0");
                            disk->set_system_disk(s.disk.installed);
                            disk->set_subsystem("/sys/class/block");
                            return Status::OK;
                          });
  }

 private:
  Emulator& emulator_;
  std::weak_ptr<Node> node_;
  Personality personality_;
};

class TrustdService final : public securityapi::SecurityService::Service {
 public:
  explicit TrustdService(std::weak_ptr<Node> node) : node_(std::move(node)) {}

  Status Certificate(ServerContext* context, const securityapi::CertificateRequest* request,
                     securityapi::CertificateResponse* response) override {
    auto node = node_.lock();
    if (!node) return {StatusCode::UNAVAILABLE, "trustd is shutting down"};
    auto token = context->client_metadata().find("token");
    if (token == context->client_metadata().end()) {
      return {StatusCode::UNAUTHENTICATED, "missing token"};
    }
    auto r = node->issue_trustd_cert(std::string(token->second.data(), token->second.size()),
                                     request->csr());
    if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
    response->set_ca(node->snapshot().config->os_ca_crt_pem);
    response->set_crt(std::get<std::string>(r));
    return Status::OK;
  }

 private:
  std::weak_ptr<Node> node_;
};

// ImageService and LifecycleService exist from Talos v1.13 (talos.md §2.1); an older apid
// answers as gRPC does for a service it never registered.
Status require_v113(const Node& node, const std::string& service) {
  int major = 0, minor = 0;
  if (std::sscanf(node.snapshot().running_version.c_str(), "v%d.%d", &major, &minor) == 2 &&
      major == 1 && minor < 13) {
    return {StatusCode::UNIMPLEMENTED, "unknown service " + service};
  }
  return Status::OK;
}

Status admin_only(const ServerContext& context, std::string_view method) {
  Caller caller;
  if (auto st = identify_caller(context, Personality::Configured, &caller); !st.ok()) return st;
  if (!role_allows(caller, method)) return not_authorized();
  return Status::OK;
}

class ImageService final : public machine::ImageService::Service {
 public:
  explicit ImageService(std::weak_ptr<Node> node) : node_(std::move(node)) {}

  Status Pull(ServerContext* context, const machine::ImageServicePullRequest* request,
              grpc::ServerWriter<machine::ImageServicePullResponse>* writer) override {
    auto node = node_.lock();
    if (!node) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    if (auto st = require_v113(*node, "machine.ImageService"); !st.ok()) return st;
    if (auto st = admin_only(*context, "ImagePull"); !st.ok()) return st;
    const std::string& ref = request->image_ref();
    if (ref.empty() || ref.find(':') == std::string::npos || ref.find(' ') != std::string::npos) {
      return {StatusCode::INVALID_ARGUMENT, "failed to parse image reference \"" + ref + "\""};
    }
    machine::ImageServicePullResponse progress;
    auto* p = progress.mutable_pull_progress();
    p->set_layer_id("sha256:0000000000000000000000000000000000000000000000000000000000000001");
    p->mutable_progress()->set_status(machine::ImageServicePullLayerProgress::DOWNLOAD_COMPLETE);
    p->mutable_progress()->set_offset(1 << 20);
    p->mutable_progress()->set_total(1 << 20);
    writer->Write(progress);
    node->pull_image(ref);
    machine::ImageServicePullResponse done;
    done.set_name(ref);
    writer->Write(done);
    return Status::OK;
  }

 private:
  std::weak_ptr<Node> node_;
};

class LifecycleService final : public machine::LifecycleService::Service {
 public:
  LifecycleService(Emulator& emulator, std::weak_ptr<Node> node)
      : emulator_(emulator), node_(std::move(node)) {}

  Status Upgrade(ServerContext* context, const machine::LifecycleServiceUpgradeRequest* request,
                 grpc::ServerWriter<machine::LifecycleServiceUpgradeResponse>* writer) override {
    auto node = node_.lock();
    if (!node) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    if (auto st = require_v113(*node, "machine.LifecycleService"); !st.ok()) return st;
    if (auto st = admin_only(*context, "LifecycleUpgrade"); !st.ok()) return st;
    auto line = [&](const std::string& text) {
      machine::LifecycleServiceUpgradeResponse r;
      r.mutable_progress()->set_message(text);
      return writer->Write(r);
    };
    auto finish = [&](int code) {
      machine::LifecycleServiceUpgradeResponse r;
      r.mutable_progress()->set_exit_code(code);
      writer->Write(r);
      return Status::OK;
    };
    const std::string& image = request->source().image_name();
    if (!node->image_pulled(image)) {
      line("error: image \"" + image + "\" not found: pull it with ImageService.Pull first");
      return finish(1);
    }
    line("validating installer image " + image);
    if (auto e = node->validate_installer_image(image)) {
      line("error: " + e->message);
      return finish(1);
    }
    line("installing " + image + " into the inactive boot slot");
    // The installer runs while the stream is open; the reboot is the caller's separate call.
    std::this_thread::sleep_for(emulator_.timing().scaled(emulator_.timing().upgrade));
    if (context->IsCancelled()) return {StatusCode::CANCELLED, "upgrade cancelled"};
    if (auto e = node->install_into_inactive_slot(image)) {
      line("error: " + e->message);
      return finish(1);
    }
    line("installed " + image + "; reboot to boot it");
    return finish(0);
  }

 private:
  Emulator& emulator_;
  std::weak_ptr<Node> node_;
};

}  // namespace

std::shared_ptr<grpc::Service> make_storage_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                    Personality personality) {
  return std::make_shared<StorageService>(emulator, std::move(node), personality);
}

std::shared_ptr<grpc::Service> make_trustd_service(std::weak_ptr<Node> node) {
  return std::make_shared<TrustdService>(std::move(node));
}

std::shared_ptr<grpc::Service> make_image_service(Emulator&, std::weak_ptr<Node> node) {
  return std::make_shared<ImageService>(std::move(node));
}

std::shared_ptr<grpc::Service> make_lifecycle_service(Emulator& emulator, std::weak_ptr<Node> node) {
  return std::make_shared<LifecycleService>(emulator, std::move(node));
}

}  // namespace talos_emu
