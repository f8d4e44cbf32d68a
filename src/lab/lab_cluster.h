// The cluster.yaml `lab up` writes: 3 control planes + 2 workers spread over the emulated PVE
// nodes, loopback addresses only (127.10.<subnet>.0/24, VIP .10), pointing at the lab's Proxmox and
// Image Factory emulators. A normal cluster.yaml: talforge has no lab mode.
#pragma once

#include <string>

namespace lab {

struct LabClusterInputs {
  std::string proxmox_url;          // https://127.0.0.1:<port>
  std::string proxmox_fingerprint;  // AA:BB:…
  std::string token_id;
  std::string token_env;            // name of the variable proxmox.env exports
  std::string factory_url;
  int pve_nodes = 2;
  int subnet = 0;  // third octet of the node addresses, so several labs can run side by side
  std::string talos_version = "v1.11.6";
  std::string kubernetes_version = "1.34.1";
};

std::string lab_cluster_yaml(const LabClusterInputs& inputs);

}  // namespace lab
