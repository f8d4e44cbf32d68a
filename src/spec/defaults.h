// Every default value of cluster.yaml, in one place: the constants below initialise the model's
// fields (spec/cluster.h), and apply_defaults() fills the defaults that depend on other values.
// docs/cluster-yaml.md and schema/cluster.schema.json document the same values.
#pragma once

#include <string_view>

namespace spec {

struct Cluster;

inline constexpr std::string_view kApiVersion = "talforge.dev/v1alpha1";
inline constexpr std::string_view kKind = "Cluster";

inline constexpr int kDefaultEndpointPort = 6443;
inline constexpr std::string_view kDefaultPodSubnet = "10.244.0.0/16";
inline constexpr std::string_view kDefaultServiceSubnet = "10.96.0.0/12";
inline constexpr std::string_view kDefaultDnsDomain = "cluster.local";
inline constexpr std::string_view kDefaultSecretsFile = "secrets.yaml";

inline constexpr std::string_view kDefaultCiliumVersion = "1.16.5";
inline constexpr std::string_view kDefaultFactoryUrl = "https://factory.talos.dev";
inline constexpr std::string_view kDefaultPlatform = "nocloud";

inline constexpr int kDefaultProxmoxPort = 8006;
inline constexpr std::string_view kDefaultTokenSecretEnv = "PROXMOX_TOKEN_SECRET";

inline constexpr std::string_view kDefaultStorage = "local-lvm";
inline constexpr std::string_view kDefaultIsoStorage = "local";
inline constexpr std::string_view kDefaultBridge = "vmbr0";
inline constexpr int kDefaultCores = 2;
inline constexpr std::string_view kDefaultCpuType = "x86-64-v2-AES";
inline constexpr int kDefaultMemoryMib = 4096;
inline constexpr int kDefaultDiskGib = 20;
inline constexpr std::string_view kDefaultInstallDisk = "/dev/sda";

// Fills what depends on other values: kubernetesVersion from the Talos release (talos.md §0),
// endpoint from the VIP or else the first control plane, vm.vlan from network.vlan, and each
// node's pveNode/cores/memory/diskSize from `vm`. Leaves a value empty when its source is
// missing or invalid (validation reports that).
void apply_defaults(Cluster& cluster);

}  // namespace spec
