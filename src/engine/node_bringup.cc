// Node bring-up (see node_bringup.h).
#include "engine/node_bringup.h"

#include <memory>

#include <fmt/format.h>

#include "plan/config_compare.h"
#include "talos/active_config.h"
#include "talos/system_information.h"

namespace engine {
namespace {

util::Result<std::unique_ptr<talos::Api>> answering(const NodeTarget& node, const TalosDialer& dial,
                                                    talos::ConnectMode mode) {
  ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api, dial(node.address, mode));
  // Version needs os:admin in maintenance mode; Disks answers any caller (talos.md §1.6).
  if (mode == talos::ConnectMode::Maintenance) {
    RETURN_IF_ERROR(api->disks());
  } else {
    RETURN_IF_ERROR(api->version());
  }
  return api;
}

util::Result<void> verify_identity(const NodeTarget& node, talos::Api& api) {
  ASSIGN_OR_RETURN(std::string uuid, talos::system_uuid(api));
  if (uuid != node.expected_uuid) {
    return util::Error{util::ErrorCode::PermissionDenied,
                       fmt::format("the machine answering at {} reports SMBIOS UUID {}, but the "
                                   "VM talforge created for {} has {}; no config was sent",
                                   node.address, uuid, node.name, node.expected_uuid),
                       "another machine holds this address: find it (its UUID is above), stop it "
                       "or change the node's address in cluster.yaml, then run apply again",
                       {}};
  }
  return {};
}

WaitGate port_gate(const NodeTarget& node, const TalosPortCheck& port_open) {
  if (!port_open) {
    return {};
  }
  return [&node, &port_open]() -> std::optional<util::Error> {
    if (port_open(node.address)) {
      return std::nullopt;
    }
    return util::Error::unavailable(fmt::format(
        "nothing accepts connections on {}'s Talos API port yet (booting or rebooting)",
        node.address));
  };
}

struct Answer {
  std::unique_ptr<talos::Api> api;
  talos::ConnectMode mode = talos::ConnectMode::Secure;
};

// mTLS first: a configured node never answers the maintenance API.
util::Result<Answer> wait_answering(const NodeTarget& node, const TalosDialer& dial,
                                    const TalosPortCheck& port_open, util::Clock& clock,
                                    const WaitPolicy& wait, Progress::Step& step) {
  Answer answer;
  RETURN_IF_ERROR(wait_until_gated(
      fmt::format("{} ({}) answering the Talos API", node.name, node.address), clock, wait,
      port_gate(node, port_open),
      [&]() -> util::Result<void> {
        std::string why;
        for (talos::ConnectMode mode :
             {talos::ConnectMode::Secure, talos::ConnectMode::Maintenance}) {
          util::Result<std::unique_ptr<talos::Api>> api = answering(node, dial, mode);
          if (api.ok()) {
            answer = {std::move(*api), mode};
            return {};
          }
          if (why.empty()) {
            why = api.error().describe();
          }
        }
        return util::Error::unavailable(
            fmt::format("neither mTLS nor maintenance mode answers ({})", why));
      },
      [&](const util::Error& e) { step.note("still waiting: " + e.describe()); }));
  return answer;
}

util::Result<void> configure_in_maintenance(const NodeTarget& node, talos::Api& api,
                                            Progress::Step& step) {
  step.note("in maintenance mode");
  RETURN_IF_ERROR(verify_identity(node, api));
  step.note("identity verified (SMBIOS UUID matches the VM)");
  RETURN_IF_ERROR(api.apply_configuration(node.config_yaml, talos::ApplyMode::Auto, false));
  step.note("config applied; installing");
  return {};
}

// Returns whether a config was sent.
util::Result<bool> reconfigure_if_different(const NodeTarget& node, talos::Api& api,
                                            Progress::Step& step) {
  ASSIGN_OR_RETURN(std::string active, talos::active_machine_config(api));
  ASSIGN_OR_RETURN(std::vector<std::string> paths,
                   plan::config_differences(active, node.config_yaml));
  if (paths.empty()) {
    step.note("config already up to date");
    return false;
  }
  ASSIGN_OR_RETURN(talos::ApplyResult applied,
                   api.apply_configuration(node.config_yaml, talos::ApplyMode::Auto, false));
  step.note(fmt::format("config applied (mode {}, {} setting(s) changed)",
                        talos::apply_mode_name(applied.mode), paths.size()));
  return true;
}

}  // namespace

util::Result<void> wait_configured(const NodeTarget& node, const TalosDialer& dial,
                                   const TalosPortCheck& port_open, util::Clock& clock,
                                   const WaitPolicy& wait) {
  // While the node installs and reboots, its TLS handshake fails in every way there is; all of
  // them mean "not yet" here (the identity was checked before the config was sent).
  return wait_until_gated(
      fmt::format("{} answering the Talos API with the cluster's certificates", node.name), clock,
      wait, port_gate(node, port_open), [&]() -> util::Result<void> {
        util::Result<std::unique_ptr<talos::Api>> api =
            answering(node, dial, talos::ConnectMode::Secure);
        if (!api.ok()) {
          return util::Error::unavailable(api.error().describe());
        }
        return {};
      });
}

util::Result<void> ensure_node_config(const NodeTarget& node, const TalosDialer& dial,
                                      const TalosPortCheck& port_open, util::Clock& clock,
                                      const WaitPolicy& wait, Progress::Step& step) {
  ASSIGN_OR_RETURN(Answer answer, wait_answering(node, dial, port_open, clock, wait, step));
  if (answer.mode == talos::ConnectMode::Maintenance) {
    RETURN_IF_ERROR(configure_in_maintenance(node, *answer.api, step));
    return wait_configured(node, dial, port_open, clock, wait);
  }
  ASSIGN_OR_RETURN(bool sent, reconfigure_if_different(node, *answer.api, step));
  return sent ? wait_configured(node, dial, port_open, clock, wait) : util::Result<void>();
}

}  // namespace engine
