// spec::Cluster — the validated, defaulted model of cluster.yaml (apiVersion
// talforge.dev/v1alpha1, kind Cluster). Every other module receives this and never re-checks
// user input. Defaults are filled in one place: spec/defaults.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spec {

enum class NodeRole { ControlPlane, Worker };
enum class CiliumInstall { Job, Manifest };
enum class BootMethod { Iso, DiskImage };
enum class PatchKind { StrategicMerge, Json6902, Auto };

// One config patch: inline text or a file (path relative to cluster.yaml's directory, already
// read by the loader so later stages do no file I/O).
struct Patch {
  std::string origin;  // "cluster.yaml:42:7" or "patches/cp.yaml", for messages
  std::string text;    // the patch body (YAML or JSON)
};

struct Network {
  std::string cidr;  // node network, e.g. 127.10.0.0/24
  std::string gateway;
  std::vector<std::string> nameservers;
  std::optional<int> mtu;
  std::optional<int> vlan;
};

struct Cilium {
  std::string version;  // e.g. 1.16.5
  CiliumInstall install = CiliumInstall::Job;
  std::string manifest_file;      // for install: manifest (path as written)
  std::string manifest_contents;  // read by the loader
};

struct Image {
  std::string factory_url = "https://factory.talos.dev";
  std::vector<std::string> extensions;  // official extension names, e.g. siderolabs/qemu-guest-agent
  std::vector<std::string> extra_kernel_args;
  BootMethod boot = BootMethod::Iso;
  std::string platform = "nocloud";  // installer/boot asset platform
};

struct Patches {
  std::vector<Patch> all;
  std::vector<Patch> control_plane;
  std::vector<Patch> worker;
};

struct ProxmoxConnection {
  std::string endpoint;          // https://host:8006
  std::string token_id;          // user@realm!tokenname
  std::string token_secret_env;  // name of the environment variable holding the secret
  std::string ca_file;
  std::string fingerprint;  // SHA-256, AA:BB:… form
  bool insecure_skip_verify = false;
};

struct VmDefaults {
  std::string pve_node;
  std::string storage = "local-lvm";
  std::string iso_storage = "local";
  std::string bridge = "vmbr0";
  std::optional<int> vlan;
  int cores = 2;
  std::string cpu_type = "x86-64-v2-AES";
  int memory_mib = 4096;
  int disk_gib = 20;
  std::vector<std::string> tags;
};

struct Node {
  std::string name;
  NodeRole role = NodeRole::Worker;
  std::string address;  // IPv4 without prefix
  std::string pve_node;
  std::optional<int> vmid;
  int cores = 0;  // filled from VmDefaults when not set
  int memory_mib = 0;
  int disk_gib = 0;
  std::string install_disk = "/dev/sda";
  std::vector<Patch> patches;
};

struct Cluster {
  std::string file;  // path of cluster.yaml as given
  std::string name;
  std::string talos_version;       // "v1.11.6" (always with the leading v)
  std::string kubernetes_version;  // "1.34.1" (without v)
  std::string endpoint;            // control-plane endpoint host (IP or DNS name)
  int endpoint_port = 6443;
  std::optional<std::string> vip;
  Network network;
  std::vector<std::string> pod_subnets{"10.244.0.0/16"};
  std::vector<std::string> service_subnets{"10.96.0.0/12"};
  std::string dns_domain = "cluster.local";
  Cilium cilium;
  Image image;
  Patches patches;
  bool allow_scheduling_on_control_planes = false;
  std::string secrets_file = "secrets.yaml";  // relative to cluster.yaml's directory
  ProxmoxConnection proxmox;
  VmDefaults vm_defaults;
  std::vector<Node> nodes;

  // "https://<endpoint>:<port>"
  std::string endpoint_url() const;
  std::vector<const Node*> control_planes() const;
};

}  // namespace spec
