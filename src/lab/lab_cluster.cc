#include "lab/lab_cluster.h"

#include <fmt/format.h>

namespace lab {
namespace {

struct LabNode {
  const char* name;
  const char* role;
  int host;  // last octet
  int vmid;
};

constexpr LabNode kNodes[] = {
    {"cp-1", "controlplane", 11, 1101}, {"cp-2", "controlplane", 12, 1102},
    {"cp-3", "controlplane", 13, 1103}, {"worker-1", "worker", 21, 1201},
    {"worker-2", "worker", 22, 1202},
};

}  // namespace

std::string lab_cluster_yaml(const LabClusterInputs& in) {
  std::string nodes;
  int i = 0;
  for (const LabNode& n : kNodes) {
    nodes +=
        fmt::format("  - {{name: {}, role: {}, address: 127.10.{}.{}, pveNode: pve{}, vmid: {}}}\n",
                    n.name, n.role, in.subnet, n.host, i++ % std::max(1, in.pve_nodes) + 1, n.vmid);
  }
  return fmt::format(
      R"(# Written by `talforge lab up`: a cluster on the local lab's emulated Proxmox VE and Talos
# nodes. Everything listens on loopback addresses. Try:
#   source {token_file} && talforge validate -f cluster.yaml
apiVersion: talforge.dev/v1alpha1
kind: Cluster

cluster:
  name: lab
  talosVersion: {talos}
  kubernetesVersion: {k8s}
  vip: 127.10.{subnet}.10
  secretsFile: secrets.yaml

network:
  cidr: 127.10.{subnet}.0/24
  gateway: 127.10.{subnet}.1
  nameservers: [127.10.{subnet}.1]

cni:
  cilium:
    version: 1.16.5
    install: job

image:
  factoryUrl: {factory}
  systemExtensions:
    - siderolabs/qemu-guest-agent
  boot: iso
  platform: nocloud

proxmox:
  endpoint: {pve}
  tokenId: {token_id}
  tokenSecretEnv: {token_env}
  fingerprint: "{fingerprint}"

vm:
  storage: local-lvm
  isoStorage: local
  bridge: vmbr0
  cores: 2
  memory: 2GiB
  diskSize: 10GiB

nodes:
{nodes})",
      fmt::arg("token_file", "proxmox.env"), fmt::arg("talos", in.talos_version),
      fmt::arg("k8s", in.kubernetes_version), fmt::arg("factory", in.factory_url),
      fmt::arg("pve", in.proxmox_url), fmt::arg("token_id", in.token_id),
      fmt::arg("token_env", in.token_env), fmt::arg("fingerprint", in.proxmox_fingerprint),
      fmt::arg("subnet", in.subnet), fmt::arg("nodes", nodes));
}

}  // namespace lab
