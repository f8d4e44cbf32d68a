// The nodes: hostnames, control-plane count, addresses, VMIDs, placement. A duplicate is
// reported at its second use and names the first.
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "spec/ip.h"
#include "spec/node_mac.h"
#include "spec/validate.h"

namespace spec {
namespace {

constexpr int kMinVmid = 100;
constexpr int kMaxVmid = 999999999;
constexpr std::string_view kPveNodeFirst =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kPveNodeRest =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

std::string node_path(size_t i, std::string_view key) {
  return fmt::format("nodes[{}].{}", i, key);
}

// Remembers the first node using each value; reports later uses.
class UniqueValues {
 public:
  UniqueValues(const Cluster& c, const Checker& check, std::string_view key, std::string_view what)
      : c_(c), check_(check), key_(key), what_(what) {}

  void add(size_t i, const std::string& value) {
    const auto [it, inserted] = first_.try_emplace(value, i);
    if (inserted) {
      return;
    }
    const size_t first = it->second;
    const std::string& name = c_.nodes[first].name;
    check_.error(node_path(i, key_),
                 fmt::format("{} {} is already used by {} (line {})", what_, value,
                             name.empty() ? fmt::format("nodes[{}]", first) : name,
                             check_.value_place(node_path(first, key_)).line),
                 fmt::format("every node needs its own {}", what_));
  }

 private:
  const Cluster& c_;
  const Checker& check_;
  std::string key_;
  std::string what_;
  std::unordered_map<std::string, size_t> first_;
};

void check_names(const Cluster& c, const Checker& check) {
  UniqueValues names(c, check, "name", "node name");
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    if (!check.has(node_path(i, "name"))) {
      continue;
    }
    if (!is_dns_label(c.nodes[i].name)) {
      check.error(
          node_path(i, "name"),
          fmt::format("\"{}\" is not a valid node name (it becomes the hostname)", c.nodes[i].name),
          "use lower-case letters, digits and '-', at most 63, starting and ending with a "
          "letter or digit, e.g. cp-1");
      continue;
    }
    names.add(i, c.nodes[i].name);
  }
}

void check_control_planes(const Cluster& c, const Checker& check) {
  size_t control_planes = 0;
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    if (!check.has(node_path(i, "role"))) {
      return;  // a role is missing or wrong (reported); the count would mislead
    }
    control_planes += c.nodes[i].role == NodeRole::ControlPlane ? 1 : 0;
  }
  if (control_planes == 0) {
    check.error("nodes", "the cluster has no control-plane node",
                "give at least one node role: controlplane (three for high availability)");
  } else if (control_planes == c.nodes.size() && !c.allow_scheduling_on_control_planes) {
    check.warning("nodes", "the cluster has no worker, and control planes do not run workloads",
                  "add a worker, or set cluster.allowSchedulingOnControlPlanes: true");
  }
  if (control_planes > 0 && control_planes % 2 == 0) {
    check.warning("nodes",
                  fmt::format("{} control-plane nodes: etcd tolerates no more failures with {} "
                              "than with {}",
                              control_planes, control_planes, control_planes - 1),
                  "use an odd number of control planes (1, 3 or 5)");
  }
}

void check_address(const Cluster& c, size_t i, uint32_t ip, const Checker& check) {
  const std::string path = node_path(i, "address");
  const std::optional<Cidr> net =
      check.has("network.cidr") ? parse_cidr(c.network.cidr) : std::nullopt;
  if (net && !net->contains(ip)) {
    check.error(path,
                fmt::format("{} is outside the node network {}", c.nodes[i].address, net->str()),
                "use an address inside network.cidr");
  } else if (net && net->prefix < 31 && (ip == net->network() || ip == net->broadcast())) {
    check.error(path, fmt::format("{} is the {} address of {}", c.nodes[i].address,
                                  ip == net->network() ? "network" : "broadcast", net->str()));
  }
  if (c.vip && check.has("cluster.vip") && parse_ipv4(*c.vip) == ip) {
    check.error(path,
                fmt::format("{} is the cluster VIP (cluster.vip, line {})", c.nodes[i].address,
                            check.value_place("cluster.vip").line),
                "the VIP floats between control planes; give the node its own address");
  }
  if (check.has("network.gateway") && parse_ipv4(c.network.gateway) == ip) {
    check.error(path, fmt::format("{} is the gateway (network.gateway)", c.nodes[i].address));
  }
}

void check_addresses(const Cluster& c, const Checker& check) {
  UniqueValues seen(c, check, "address", "address");
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const std::string path = node_path(i, "address");
    if (!check.has(path)) {
      continue;
    }
    const std::optional<uint32_t> ip = parse_ipv4(c.nodes[i].address);
    if (!ip) {
      check.error(path, fmt::format("\"{}\" is not an IPv4 address", c.nodes[i].address),
                  "write four decimal numbers 0-255, e.g. 127.10.0.11");
      continue;
    }
    check_address(c, i, *ip, check);
    seen.add(i, format_ipv4(*ip));
  }
}

void check_vmids(const Cluster& c, const Checker& check) {
  UniqueValues seen(c, check, "vmid", "VMID");
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const std::optional<int>& vmid = c.nodes[i].vmid;
    if (!vmid || !check.has(node_path(i, "vmid"))) {
      continue;
    }
    if (*vmid < kMinVmid || *vmid > kMaxVmid) {
      check.error(node_path(i, "vmid"), fmt::format("VMID {} is out of range", *vmid),
                  fmt::format("Proxmox VMIDs are {} … {}", kMinVmid, kMaxVmid));
      continue;
    }
    seen.add(i, std::to_string(*vmid));
  }
}

void check_placement(const Cluster& c, const Checker& check) {
  if (check.has("vm.pveNode") &&
      !matches_charset(c.vm_defaults.pve_node, kPveNodeFirst, kPveNodeRest)) {
    check.error("vm.pveNode",
                fmt::format("\"{}\" is not a Proxmox node name", c.vm_defaults.pve_node));
  }
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const Node& n = c.nodes[i];
    const std::string path = node_path(i, "pveNode");
    if (check.has(path) && !matches_charset(n.pve_node, kPveNodeFirst, kPveNodeRest)) {
      check.error(path, fmt::format("\"{}\" is not a Proxmox node name", n.pve_node));
    }
    if (n.pve_node.empty() && check.has(fmt::format("nodes[{}]", i))) {
      check.error(fmt::format("nodes[{}]", i),
                  fmt::format("node {} has no Proxmox node to run on", n.name),
                  "set pveNode on the node, or vm.pveNode for all nodes");
    }
    const std::string disk = node_path(i, "installDisk");
    if (check.has(disk) && (!n.install_disk.starts_with("/dev/") || n.install_disk.size() <= 5)) {
      check.error(disk, fmt::format("\"{}\" is not a device path", n.install_disk),
                  "e.g. /dev/sda (SCSI, the Proxmox default) or /dev/vda (VirtIO block)");
    }
  }
}

}  // namespace

// The derived MACs have 24 bits of hash: rare collisions must be caught before two VMs share one.
void check_macs(const Cluster& c, const Checker& check) {
  UniqueValues macs(c, check, "name", "NIC MAC (derived from the cluster and node names)");
  std::unordered_set<std::string> names;  // a repeated name is reported once, by check_names
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const std::string& name = c.nodes[i].name;
    if (check.has(node_path(i, "name")) && is_dns_label(name) && names.insert(name).second) {
      macs.add(i, node_mac(c, c.nodes[i]));
    }
  }
}

void validate_nodes(const Cluster& c, const Checker& check) {
  if (!check.has("nodes")) {
    return;
  }
  check_names(c, check);
  check_control_planes(c, check);
  check_addresses(c, check);
  check_vmids(c, check);
  check_macs(c, check);
  check_placement(c, check);
}

}  // namespace spec
