// Internal: the keys each mapping of cluster.yaml accepts. The decoder rejects every other key
// (with a suggestion), and a test checks that schema/cluster.schema.json lists the same keys.
#pragma once

#include <span>
#include <string_view>

namespace spec::keys {

inline constexpr std::string_view kRoot[] = {"apiVersion", "kind",    "cluster", "network",
                                             "cni",        "image",   "patches", "proxmox",
                                             "vm",         "upgrade", "nodes"};
inline constexpr std::string_view kCluster[] = {"name",
                                                "talosVersion",
                                                "kubernetesVersion",
                                                "endpoint",
                                                "endpointPort",
                                                "vip",
                                                "podSubnets",
                                                "serviceSubnets",
                                                "dnsDomain",
                                                "allowSchedulingOnControlPlanes",
                                                "secretsFile"};
inline constexpr std::string_view kNetwork[] = {"cidr", "gateway", "nameservers", "mtu", "vlan"};
inline constexpr std::string_view kCni[] = {"cilium"};
inline constexpr std::string_view kCilium[] = {"version", "install", "manifestFile"};
inline constexpr std::string_view kImage[] = {"factoryUrl", "systemExtensions", "extraKernelArgs",
                                              "boot", "platform"};
inline constexpr std::string_view kPatches[] = {"all", "controlPlane", "worker"};
inline constexpr std::string_view kPatch[] = {"file", "inline"};
inline constexpr std::string_view kProxmox[] = {"endpoint", "tokenId",     "tokenSecretEnv",
                                                "caFile",   "fingerprint", "insecureSkipVerify"};
inline constexpr std::string_view kVm[] = {"pveNode", "storage", "isoStorage", "bridge",   "vlan",
                                           "cores",   "cpuType", "memory",     "diskSize", "tags"};
inline constexpr std::string_view kNode[] = {"name",        "role",   "address", "pveNode",
                                             "vmid",        "cores",  "memory",  "diskSize",
                                             "installDisk", "patches"};

inline constexpr std::string_view kUpgrade[] = {"workersMaxUnavailable", "gate"};
inline constexpr std::string_view kGate[] = {"command", "timeout", "interval"};

struct Section {
  std::string_view name;  // as in a YAML path: "cluster", "nodes[]"
  std::span<const std::string_view> keys;
};

inline constexpr Section kSections[] = {
    {"cluster", kCluster}, {"network", kNetwork}, {"cni.cilium", kCilium}, {"image", kImage},
    {"proxmox", kProxmox}, {"vm", kVm},           {"upgrade", kUpgrade},
    {"upgrade.gate", kGate}, {"nodes[]", kNode},
};

}  // namespace spec::keys
