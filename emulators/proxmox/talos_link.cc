#include "emulators/proxmox/talos_link.h"

#include <httplib.h>

#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pve_emu {

util::Result<TalosLink> TalosLink::create(const std::string& admin_url) {
  static const std::regex kUrl(R"(http://(127\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})/?)");
  std::smatch m;
  if (!std::regex_match(admin_url, m, kUrl)) {
    return util::Error::invalid_input(
        fmt::format("--talos-admin must be http://127.x.y.z:<port>, got \"{}\"", admin_url));
  }
  TalosLink link;
  link.host_ = m[1];
  link.port_ = std::stoi(m[2]);
  return link;
}

util::Result<void> TalosLink::post(const std::string& path, const std::string& body) const {
  httplib::Client client(host_, port_);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  auto res = client.Post(path.c_str(), body, "application/json");
  if (!res) {
    return util::Error::unavailable(
        fmt::format("Talos emulator at {}:{} unreachable ({})", host_, port_,
                    httplib::to_string(res.error())));
  }
  if (res->status / 100 != 2) {
    return util::Error::unavailable(fmt::format("Talos emulator POST {} answered {}: {}", path,
                                                res->status, res->body));
  }
  return {};
}

util::Result<void> TalosLink::power_on(const TalosNodeSpec& node) const {
  const nlohmann::json body = {{"address", node.address},
                               {"uuid", node.uuid},
                               {"memory_mib", node.memory_mib},
                               {"disk_gib", node.disk_gib},
                               {"talos_version", node.talos_version},
                               {"schematic_id", node.schematic_id},
                               {"extensions", node.extensions},
                               {"platform", node.platform}};
  return post("/v1/nodes", body.dump());
}

util::Result<void> TalosLink::power_off(const std::string& address) const {
  return post(fmt::format("/v1/nodes/{}/power-off", address), "{}");
}

}  // namespace pve_emu
