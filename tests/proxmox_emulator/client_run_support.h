// talforge's own Proxmox client (src/proxmox) against an in-process Proxmox emulator, with boot
// images from an Image Factory emulator. Each ClientRun is one talforge invocation (its own
// Client and Api on the same emulated estate). After every test the fixture checks that every
// request of every run passed the emulator's schema validation (issue 5, criterion 1) and
// records how many there were: gtest property `pve_requests_validated`, and a total per test
// process printed at its end.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulators/factory/server.h"
#include "emulators/proxmox/server.h"
#include "factory/client.h"
#include "proxmox/api.h"
#include "pve_test_support.h"

namespace pve_test {

struct ClientRun {
  std::unique_ptr<proxmox::Client> client;
  std::unique_ptr<proxmox::Api> api;
};

class ClientAgainstEmulator : public ::testing::Test {
 protected:
  void TearDown() override;

  // Starts both emulators; call first in every test.
  void start(const std::string& pve_version = "8.4", int pve_nodes = 2);
  // A fresh talforge run (new connection, nothing cached) against the same emulator.
  proxmox::Api& new_run();

  // The factory asset `<platform>-amd64.<extension>` of a registered schematic (qemu guest agent).
  factory::BootAsset boot_asset(const std::string& talos_version, const std::string& extension);
  proxmox::VmSpec vm_spec(int vmid, const std::string& name) const;

  nlohmann::json counters() const;
  // Requests the emulator received for one endpoint, e.g. "POST /nodes/{node}/qemu".
  long long requests_to(const std::string& endpoint) const;
  // An administrator acting outside talforge (same emulator, raw API calls).
  PveClient& outside();

  std::unique_ptr<factory_emu::FactoryServer> factory_;
  std::unique_ptr<pve_emu::ProxmoxServer> pve_;

 private:
  std::vector<ClientRun> runs_;
  std::unique_ptr<PveClient> outside_;
};

}  // namespace pve_test
