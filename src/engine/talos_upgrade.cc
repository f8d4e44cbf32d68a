// engine::upgrade_node and roll_back_node (see talos_upgrade.h).
#include "engine/talos_upgrade.h"

#include <fmt/format.h>

#include "spec/versions.h"
#include "talos/machine_stage.h"
#include "talos/running_schematic.h"

namespace engine {
namespace {

bool has_lifecycle_service(const std::string& running) {
  const std::optional<spec::Version> v = spec::parse_version(running);
  return v && (v->major > 1 || (v->major == 1 && v->minor >= 13));
}

util::Result<void> send_upgrade(talos::Api& api, const NodeUpgrade& upgrade,
                                const std::string& running, Progress::Step& step) {
  if (has_lifecycle_service(running)) {
    talos::LifecycleUpgradeRequest request;
    request.image = upgrade.image;
    RETURN_IF_ERROR(api.lifecycle_upgrade(
        request,
        [&](const std::string& line) {
          step.note(line);
          return true;
        },
        {}));
    RETURN_IF_ERROR(api.reboot(talos::RebootMode::Default));
    return {};
  }
  talos::UpgradeRequest request;
  request.image = upgrade.image;
  RETURN_IF_ERROR(api.upgrade(request));
  return {};
}

// Waits until the node has gone away (it reboots) and answers over mTLS again; its version then.
util::Result<std::string> wait_rebooted(const NodeUpgrade& upgrade, const TalosDialer& dial,
                                        const TalosPortCheck& port_open, util::Clock& clock,
                                        const WaitPolicy& wait, const std::string& what) {
  bool went_away = false;
  std::string version;
  const WaitGate gate = [&]() -> std::optional<util::Error> {
    if (port_open && !port_open(upgrade.address)) {
      went_away = true;
      return util::Error::unavailable(fmt::format("{} is rebooting", upgrade.name));
    }
    return std::nullopt;
  };
  RETURN_IF_ERROR(wait_until_gated(
      fmt::format("{} back after {}", upgrade.name, what), clock, wait, gate,
      [&]() -> util::Result<void> {
        util::Result<std::unique_ptr<talos::Api>> api =
            dial(upgrade.address, talos::ConnectMode::Secure);
        util::Result<talos::VersionInfo> answer =
            api.ok() ? (*api)->version() : util::Result<talos::VersionInfo>(api.error());
        if (!answer.ok()) {
          went_away = true;
          return util::Error::unavailable(answer.error().describe());
        }
        if (!went_away) {
          return util::Error::unavailable(
              fmt::format("{} has not rebooted yet (installing)", upgrade.name));
        }
        version = answer->tag;
        return {};
      }));
  return version;
}

}  // namespace

util::Result<void> upgrade_node(const NodeUpgrade& upgrade, const TalosDialer& dial,
                                const TalosPortCheck& port_open, util::Clock& clock,
                                const WaitPolicy& wait, Progress::Step& step) {
  ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                   dial(upgrade.address, talos::ConnectMode::Secure));
  ASSIGN_OR_RETURN(const talos::VersionInfo before, api->version());
  if (before.tag == upgrade.version) {
    ASSIGN_OR_RETURN(const std::string schematic, talos::running_schematic(*api));
    if (upgrade.schematic.empty() || schematic == upgrade.schematic) {
      step.note(fmt::format("already runs {}", upgrade.version));
      return {};
    }
  }
  // An upgrade sent by a run that was killed may still be installing: wait for it, never send a
  // second one.
  ASSIGN_OR_RETURN(const talos::MachineStage stage, talos::machine_stage(*api));
  if (stage == talos::MachineStage::Upgrading || stage == talos::MachineStage::Rebooting) {
    step.note("an upgrade is already under way: waiting for it");
  } else {
    step.note(fmt::format("upgrading {} → {} ({})", before.tag, upgrade.version, upgrade.image));
    RETURN_IF_ERROR(send_upgrade(*api, upgrade, before.tag, step));
  }
  ASSIGN_OR_RETURN(const std::string after,
                   wait_rebooted(upgrade, dial, port_open, clock, wait, "its upgrade"));
  if (after != upgrade.version) {
    return util::Error::conflict(
        fmt::format("{} came back on {} instead of {}: the new slot did not boot and Talos fell "
                    "back to the previous one",
                    upgrade.name, after, upgrade.version));
  }
  if (!upgrade.schematic.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> again,
                     dial(upgrade.address, talos::ConnectMode::Secure));
    ASSIGN_OR_RETURN(const std::string schematic, talos::running_schematic(*again));
    if (schematic != upgrade.schematic) {
      return util::Error::conflict(fmt::format(
          "{} runs {} but booted schematic {} instead of {}: the installer image did not carry "
          "the cluster's extensions",
          upgrade.name, after, schematic.empty() ? "(none)" : schematic, upgrade.schematic));
    }
  }
  step.note(fmt::format("runs {} (schematic verified)", after));
  return {};
}

util::Result<std::string> roll_back_node(const NodeUpgrade& upgrade, const TalosDialer& dial,
                                         const TalosPortCheck& port_open, util::Clock& clock,
                                         const WaitPolicy& wait, Progress::Step& step) {
  ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                   dial(upgrade.address, talos::ConnectMode::Secure));
  RETURN_IF_ERROR(api->rollback());
  step.note("rollback sent: booting the previous slot");
  return wait_rebooted(upgrade, dial, port_open, clock, wait, "its rollback");
}

}  // namespace engine
