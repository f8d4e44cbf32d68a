// spec::Cluster — the validated, defaulted model of cluster.yaml (apiVersion
// talforge.dev/v1alpha1, kind Cluster). Every other module receives this and never re-checks
// user input. Defaults are filled in one place: spec/defaults.cc.
#pragma once

#include <cstdint>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "spec/defaults.h"

namespace spec {

enum class NodeRole { ControlPlane, Worker };
enum class CiliumInstall { Job, Manifest };
enum class BootMethod { Iso, DiskImage };
enum class PatchKind { StrategicMerge, Json6902, Auto };

// One config patch: inline text or a file (path relative to cluster.yaml's directory, already
// read by the loader so later stages do no file I/O).
struct Patch {
  std::string origin;                // "cluster.yaml:42:7" or "patches/cp.yaml", for messages
  std::string text;                  // the patch body (YAML or JSON)
  PatchKind kind = PatchKind::Auto;  // as the loader detected it (talos.md §5 detection order)
};

struct Network {
  std::string cidr;  // node network, e.g. 127.10.0.0/24
  std::string gateway;
  std::vector<std::string> nameservers;
  std::optional<int> mtu;
  std::optional<int> vlan;
};

struct Cilium {
  std::string version{kDefaultCiliumVersion};  // e.g. 1.16.5 (without v)
  CiliumInstall install = CiliumInstall::Job;
  std::string manifest_file;      // for install: manifest (path as written)
  std::string manifest_contents;  // read by the loader
};

struct Image {
  std::string factory_url{kDefaultFactoryUrl};
  std::vector<std::string>
      extensions;  // official extension names, e.g. siderolabs/qemu-guest-agent
  std::vector<std::string> extra_kernel_args;
  BootMethod boot = BootMethod::Iso;
  std::string platform{kDefaultPlatform};  // installer/boot asset platform: nocloud | metal
};

struct Patches {
  std::vector<Patch> all;
  std::vector<Patch> control_plane;
  std::vector<Patch> worker;
};

struct ProxmoxConnection {
  std::string endpoint;  // https://host:8006 (the loader adds :8006 when omitted)
  std::string token_id;  // user@realm!tokenname
  std::string token_secret_env{kDefaultTokenSecretEnv};  // NAME of the env var with the secret
  std::string ca_file;      // as written; resolve with Cluster::resolve_path
  std::string fingerprint;  // SHA-256, AA:BB:… form, upper case (normalised by the loader)
  bool insecure_skip_verify = false;
};

struct VmDefaults {
  std::string pve_node;
  std::string storage{kDefaultStorage};
  std::string iso_storage{kDefaultIsoStorage};
  std::string bridge{kDefaultBridge};
  std::optional<int> vlan;  // defaults to network.vlan
  int cores = kDefaultCores;
  std::string cpu_type{kDefaultCpuType};
  int memory_mib = kDefaultMemoryMib;
  int disk_gib = kDefaultDiskGib;
  std::vector<std::string> tags;
};

struct Node {
  std::string name;
  NodeRole role = NodeRole::Worker;
  std::string address;      // IPv4 without prefix
  std::string pve_node;     // filled from VmDefaults when not set
  std::optional<int> vmid;  // unset: allocated from Proxmox at apply time
  int cores = 0;            // filled from VmDefaults when not set
  int memory_mib = 0;
  int disk_gib = 0;
  std::string install_disk{kDefaultInstallDisk};
  std::vector<Patch> patches;
};

// How rolling Talos upgrades proceed (the `upgrade` section).
struct UpgradeGate {
  std::string command;  // run with /bin/sh -c after each node's health checks; empty: none
  std::chrono::seconds timeout{std::chrono::minutes(10)};  // until it must have passed
  std::chrono::seconds interval{std::chrono::seconds(10)};  // between failed tries
};

struct UpgradePolicy {
  int workers_max_unavailable = 1;  // workers upgraded at the same time (control planes: 1)
  UpgradeGate gate;
};

struct Cluster {
  std::string file;  // path of cluster.yaml as given
  std::string name;
  std::string talos_version;       // "v1.11.6" (always with the leading v)
  std::string kubernetes_version;  // "1.34.1" (without v)
  std::string endpoint;            // control-plane endpoint host (IP or DNS name)
  int endpoint_port = kDefaultEndpointPort;
  std::optional<std::string> vip;
  Network network;
  std::vector<std::string> pod_subnets{std::string(kDefaultPodSubnet)};
  std::vector<std::string> service_subnets{std::string(kDefaultServiceSubnet)};
  std::string dns_domain{kDefaultDnsDomain};
  Cilium cilium;
  Image image;
  Patches patches;
  bool allow_scheduling_on_control_planes = false;
  std::string secrets_file{kDefaultSecretsFile};  // relative to cluster.yaml's directory
  ProxmoxConnection proxmox;
  VmDefaults vm_defaults;
  UpgradePolicy upgrade;
  std::vector<Node> nodes;

  // "https://<endpoint>:<port>"
  std::string endpoint_url() const;
  std::vector<const Node*> control_planes() const;
  // `path` as written in cluster.yaml, resolved against cluster.yaml's directory (absolute
  // paths stay as they are), e.g. resolve_path(secrets_file).
  std::string resolve_path(const std::string& path) const;
};

}  // namespace spec
