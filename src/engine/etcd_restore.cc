// engine::restore_etcd (see etcd_restore.h).
#include "engine/etcd_restore.h"

#include <fstream>

#include <fmt/format.h>

#include "engine/etcd_backup.h"

namespace engine {
namespace {

// Long enough for a large snapshot over a slow link; a node that reboots mid-upload ends the
// attempt sooner (the stream breaks).
constexpr std::chrono::minutes kUploadTimeout{10};

util::Result<void> refuse_running_etcd(const std::vector<std::string>& control_planes,
                                       const TalosDialer& dial) {
  for (const std::string& address : control_planes) {
    util::Result<std::unique_ptr<talos::Api>> api = dial(address, talos::ConnectMode::Secure);
    if (!api.ok()) {
      continue;
    }
    util::Result<std::vector<talos::EtcdMember>> members = (*api)->etcd_member_list(false);
    if (members.ok() && !members->empty()) {
      return util::Error::conflict(
                 fmt::format("etcd is running: {} reports {} member(s); a restore only replaces "
                             "an etcd every control plane has lost",
                             address, members->size()))
          .with_hint(
              "to roll the cluster back, first wipe etcd's data on every control plane (talosctl "
              "reset --graceful=false --reboot --system-labels-to-wipe EPHEMERAL), then restore");
    }
  }
  return {};
}

}  // namespace

util::Result<void> restore_etcd(const EtcdRestore& restore, const TalosDialer& dial,
                                util::Clock& clock, const WaitPolicy& wait, Progress::Step& step) {
  if (!restore.skip_hash_check) {
    ASSIGN_OR_RETURN(const std::uint64_t bytes, verify_etcd_snapshot_file(restore.snapshot_path));
    step.note(fmt::format("{}: {} bytes, SHA-256 verified", restore.snapshot_path, bytes));
  }
  RETURN_IF_ERROR(refuse_running_etcd(restore.control_planes, dial));
  // The node may be rebooting (its reset): a fresh connection per attempt, as a channel opened
  // before a reboot is not to be trusted after it. etcd takes the upload only once it waits for
  // Bootstrap ("not ready … yet" until then).
  RETURN_IF_ERROR(wait_until(
      fmt::format("{} accepting the snapshot", restore.node), clock, wait,
      [&]() -> util::Result<void> {
        std::ifstream snapshot(restore.snapshot_path, std::ios::binary);
        if (!snapshot) {
          return util::Error::not_found(fmt::format("cannot read {}", restore.snapshot_path));
        }
        ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                         dial(restore.address, talos::ConnectMode::Secure));
        talos::StreamOptions upload;
        upload.timeout = kUploadTimeout;
        return api->etcd_recover(snapshot, upload);
      }));
  step.note(fmt::format("snapshot uploaded to {}", restore.node));
  talos::BootstrapOptions bootstrap;
  bootstrap.recover_etcd = true;
  bootstrap.recover_skip_hash_check = restore.skip_hash_check;
  RETURN_IF_ERROR(wait_until(
      fmt::format("{} bootstrapping etcd from the snapshot", restore.node), clock, wait,
      [&]() -> util::Result<void> {
        ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                         dial(restore.address, talos::ConnectMode::Secure));
        return api->bootstrap(bootstrap);
      }));
  step.note("etcd bootstrapped from the snapshot; the other control planes join it");
  return {};
}

}  // namespace engine
