// GrpcApi: talos::Api over gRPC. Internal to src/talos; its methods are spread over
// grpc_api.cc (reads, apply, bootstrap), grpc_api_actions.cc (upgrade, reboot, reset, etcd
// actions), grpc_api_streams.cc (long streams) and grpc_api_fanout.cc (`nodes` fan-out).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "cluster/cluster.grpc.pb.h"
#include "cosi/state.grpc.pb.h"
#include "machine/image.grpc.pb.h"
#include "machine/lifecycle.grpc.pb.h"
#include "machine/machine.grpc.pb.h"
#include "storage/storage.grpc.pb.h"
#include "talos/api.h"
#include "talos/grpc_errors.h"

namespace talos {

enum class Idempotent { Yes, No };

class GrpcApi final : public Api {
 public:
  GrpcApi(ConnectOptions options, std::string endpoint, std::shared_ptr<grpc::Channel> channel,
          std::vector<std::string> roles);

  util::Result<VersionInfo> version() override;
  util::Result<std::vector<Disk>> disks() override;
  util::Result<std::vector<ServiceInfo>> service_list() override;
  util::Result<MemoryInfo> memory() override;
  util::Result<std::vector<EtcdMember>> etcd_member_list(bool query_local) override;
  util::Result<Resource> cosi_get(const std::string& ns, const std::string& type,
                                  const std::string& id) override;
  util::Result<std::vector<Resource>> cosi_list(const std::string& ns,
                                                const std::string& type) override;
  util::Result<Kubeconfig> kubeconfig() override;
  util::Result<HostnameInfo> hostname() override;
  util::Result<EtcdMemberStatus> etcd_status() override;
  util::Result<std::vector<NodeResult<VersionInfo>>> version_on(
      const std::vector<std::string>& nodes) override;
  util::Result<std::vector<NodeResult<std::vector<ServiceInfo>>>> service_list_on(
      const std::vector<std::string>& nodes) override;

  util::Result<ApplyResult> apply_configuration(const std::string& yaml, ApplyMode mode,
                                                bool dry_run) override;
  util::Result<void> bootstrap(const BootstrapOptions& options) override;
  using Api::bootstrap;
  util::Result<ActionAck> upgrade(const UpgradeRequest& request) override;
  util::Result<void> rollback() override;
  util::Result<ActionAck> reboot(RebootMode mode) override;
  util::Result<ActionAck> shutdown(bool force) override;
  util::Result<ActionAck> reset(const ResetRequest& request) override;
  util::Result<void> etcd_remove_member(std::uint64_t member_id) override;
  util::Result<void> etcd_leave_cluster() override;
  util::Result<std::string> etcd_forfeit_leadership() override;

  util::Result<void> lifecycle_upgrade(const LifecycleUpgradeRequest& request,
                                       const LineSink& progress,
                                       const StreamOptions& stream) override;
  util::Result<std::uint64_t> etcd_snapshot(const ChunkSink& sink,
                                            const StreamOptions& stream) override;
  util::Result<void> etcd_recover(std::istream& snapshot, const StreamOptions& stream) override;
  util::Result<void> health_check(const HealthCheckRequest& request, const LineSink& progress,
                                  const StreamOptions& stream) override;
  util::Result<void> events(const EventsRequest& request, const EventSink& sink,
                            const StreamOptions& stream) override;
  util::Result<void> cosi_watch(const std::string& ns, const std::string& type,
                                const std::string& id, const std::function<void()>& established,
                                const WatchSink& sink, const StreamOptions& stream) override;

 private:
  using Attempt = std::function<grpc::Status(grpc::ClientContext&)>;
  // A stream body: reads until done; sets `stopped` when the caller's sink asked to stop.
  using StreamBody = std::function<grpc::Status(grpc::ClientContext&, bool& stopped)>;

  CallSite site(const char* method) const;
  // `nodes` non-empty: one-to-many metadata instead of the `node` of ConnectOptions.
  grpc::Status invoke(Idempotent idempotent, const Attempt& attempt,
                      const std::vector<std::string>& nodes = {}) const;
  // invoke() and, on failure, the mapped error for `method`.
  util::Result<void> call(const char* method, Idempotent idempotent, const Attempt& attempt,
                          const std::vector<std::string>& nodes = {}) const;
  // One attempt of a long stream with its own deadline and cancellation; a stop requested by
  // the sink or the caller's StreamCancel is OK.
  util::Result<void> stream(const char* method, const StreamOptions& options,
                            const StreamBody& body) const;
  void prepare(grpc::ClientContext& context, std::chrono::milliseconds timeout,
               const std::vector<std::string>& nodes) const;

  ConnectOptions options_;
  std::string endpoint_;
  std::vector<std::string> roles_;
  std::unique_ptr<::machine::MachineService::Stub> machine_;
  std::unique_ptr<::machine::LifecycleService::Stub> lifecycle_;
  std::unique_ptr<::machine::ImageService::Stub> image_;
  std::unique_ptr<::storage::StorageService::Stub> storage_;
  std::unique_ptr<::cluster::ClusterService::Stub> cluster_;
  std::unique_ptr<::cosi::resource::State::Stub> state_;
};

// Reads every message of a server stream into `out`, cleared first so a retry starts afresh.
template <typename Message, typename Start>
grpc::Status read_stream(grpc::ClientContext& context, Start start, std::vector<Message>& out) {
  out.clear();
  auto reader = start(context);
  Message message;
  while (reader->Read(&message)) {
    out.push_back(std::move(message));
    message.Clear();
  }
  return reader->Finish();
}

}  // namespace talos
