// Per-node machine configs from the cluster model.
#include "talos/cluster_configs.h"

#include <fmt/format.h>

#include "spec/node_mac.h"
#include "talos/cilium_manifest.h"
#include "talos/config_document.h"
#include "talos/patch.h"

namespace talos {
namespace {

using util::Error;
using util::Result;

std::string factory_host(const std::string& url) {
  std::string host = url;
  if (const size_t scheme = host.find("://"); scheme != std::string::npos) {
    host = host.substr(scheme + 3);
  }
  while (!host.empty() && host.back() == '/') {
    host.pop_back();
  }
  return host;
}

std::string prefix_length(const std::string& cidr) {
  const size_t slash = cidr.find('/');
  return slash == std::string::npos ? "32" : cidr.substr(slash + 1);
}

constexpr const char* kLinkAlias = "uplink";

// Talos ≤ 1.11: one machine.network.interfaces entry selected by the NIC's MAC.
Tree v1alpha1_network(const spec::Cluster& c, const spec::Node& n) {
  Tree iface = Tree::object();
  iface["deviceSelector"] = {{"hardwareAddr", spec::node_mac(c, n)}};
  iface["addresses"] = Tree::array({n.address + "/" + prefix_length(c.network.cidr)});
  if (!c.network.gateway.empty()) {
    iface["routes"] = Tree::array({{{"network", "0.0.0.0/0"}, {"gateway", c.network.gateway}}});
  }
  if (c.network.mtu) {
    iface["mtu"] = *c.network.mtu;
  }
  if (c.vip && n.role == spec::NodeRole::ControlPlane) {
    iface["vip"] = {{"ip", *c.vip}};
  }
  Tree network = {{"hostname", n.name}, {"interfaces", Tree::array({iface})}};
  if (!c.network.nameservers.empty()) {
    network["nameservers"] = c.network.nameservers;
  }
  return network;
}

// Talos ≥ 1.12: the network documents that replace machine.network (talos.md §4.6): a link alias
// selected by MAC, the link's static addressing, the VIP and the resolvers.
std::vector<Tree> network_documents(const spec::Cluster& c, const spec::Node& n) {
  std::vector<Tree> docs;
  const std::string match = fmt::format("mac(link.permanent_addr) == \"{}\"", spec::node_mac(c, n));
  docs.push_back({{"apiVersion", "v1alpha1"},
                  {"kind", "LinkAliasConfig"},
                  {"name", kLinkAlias},
                  {"selector", {{"match", match}}}});
  Tree link = {{"apiVersion", "v1alpha1"}, {"kind", "LinkConfig"}, {"name", kLinkAlias}};
  if (c.network.mtu) {
    link["mtu"] = *c.network.mtu;
  }
  link["addresses"] = Tree::array({{{"address", n.address + "/" + prefix_length(c.network.cidr)}}});
  if (!c.network.gateway.empty()) {
    link["routes"] = Tree::array({{{"gateway", c.network.gateway}}});
  }
  docs.push_back(std::move(link));
  if (c.vip && n.role == spec::NodeRole::ControlPlane) {
    docs.push_back({{"apiVersion", "v1alpha1"},
                    {"kind", "Layer2VIPConfig"},
                    {"name", *c.vip},
                    {"link", kLinkAlias}});
  }
  if (!c.network.nameservers.empty()) {
    Tree servers = Tree::array();
    for (const std::string& ns : c.network.nameservers) {
      servers.push_back({{"address", ns}});
    }
    docs.push_back(
        {{"apiVersion", "v1alpha1"}, {"kind", "ResolverConfig"}, {"nameservers", servers}});
  }
  docs.push_back({{"apiVersion", "v1alpha1"}, {"kind", "HostnameConfig"}, {"hostname", n.name}});
  return docs;
}

// Layer 2: the settings talforge owns, as strategic-merge patch documents.
std::vector<Tree> owned_settings(const spec::Cluster& c, const spec::Node& n,
                                 const VersionContract& contract) {
  const bool cp = n.role == spec::NodeRole::ControlPlane;
  Tree machine = {{"kubelet", {{"nodeIP", {{"validSubnets", Tree::array({c.network.cidr})}}}}}};
  if (!contract.at_least(1, 12)) {
    machine["network"] = v1alpha1_network(c, n);
  }
  Tree cluster = {{"network", {{"cni", {{"name", "none"}}}}}};
  if (cp) {
    cluster["proxy"] = {{"disabled", true}};
    cluster["etcd"] = {{"advertisedSubnets", Tree::array({c.network.cidr})}};
    const std::string contents = c.cilium.install == spec::CiliumInstall::Job
                                     ? cilium_install_job_manifest(c.cilium.version)
                                     : c.cilium.manifest_contents;
    cluster["inlineManifests"] =
        Tree::array({{{"name", kCiliumManifestName}, {"contents", contents}}});
  }
  std::vector<Tree> docs{{{"version", "v1alpha1"}, {"machine", machine}, {"cluster", cluster}}};
  if (contract.at_least(1, 12)) {
    for (Tree& d : network_documents(c, n)) {
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

Result<void> apply_user_patches(std::vector<Tree>& docs, const std::vector<spec::Patch>& patches) {
  for (const spec::Patch& p : patches) {
    ASSIGN_OR_RETURN(const ConfigPatch patch, parse_patch(p.text, p.origin));
    RETURN_IF_ERROR(apply_patch(docs, patch));
  }
  return {};
}

Result<std::string> node_config(const spec::Cluster& c, const spec::Node& n, const GenOptions& base,
                                const ClusterSecrets& secrets) {
  const bool cp = n.role == spec::NodeRole::ControlPlane;
  GenOptions options = base;
  options.install_disk = n.install_disk;
  std::vector<Tree> docs =
      generate_documents(cp ? MachineRole::ControlPlane : MachineRole::Worker, options, secrets);
  // The generated HostnameConfig says `auto: stable`; talforge names the node instead.
  std::erase_if(docs, [](const Tree& d) { return d.value("kind", "") == "HostnameConfig"; });
  RETURN_IF_ERROR(strategic_merge(docs, owned_settings(c, n, options.contract)));
  RETURN_IF_ERROR(apply_user_patches(docs, c.patches.all));
  RETURN_IF_ERROR(apply_user_patches(docs, cp ? c.patches.control_plane : c.patches.worker));
  RETURN_IF_ERROR(apply_user_patches(docs, n.patches));
  for (Tree& doc : docs) {
    ASSIGN_OR_RETURN(doc, normalize_document(doc));
  }
  return util::emit_yaml_stream(docs);
}

}  // namespace

std::string installer_image(const spec::Cluster& c, const std::string& schematic_id) {
  return installer_image(c, schematic_id, c.talos_version);
}

std::string installer_image(const spec::Cluster& c, const std::string& schematic_id,
                            const std::string& version) {
  Result<VersionContract> contract = VersionContract::parse(version);
  const bool platform_installer = contract.ok() && contract->at_least(1, 10);
  const std::string repo = platform_installer ? c.image.platform + "-installer" : "installer";
  return fmt::format("{}/{}/{}:{}", factory_host(c.image.factory_url), repo, schematic_id,
                     version);
}

GenOptions cluster_gen_options(const spec::Cluster& c, const std::string& schematic_id) {
  GenOptions o;
  Result<VersionContract> contract = VersionContract::parse(c.talos_version);
  TALFORGE_ASSERT(contract.ok());  // spec validation accepted the version
  o.contract = *contract;
  o.cluster_name = c.name;
  o.endpoint = c.endpoint_url();
  o.kubernetes_version = c.kubernetes_version;
  if (c.vip && *c.vip != c.endpoint) {
    o.additional_sans.push_back(*c.vip);
  }
  o.dns_domain = c.dns_domain;
  o.pod_subnets = c.pod_subnets;
  o.service_subnets = c.service_subnets;
  o.install_image = installer_image(c, schematic_id);
  if (!o.contract.at_least(1, 12)) {
    // Before v1.12 a GRUB install takes its command line from machine.install, not from the
    // schematic (the installer honours only the schematic's extensions, talos.md §8).
    o.install_extra_kernel_args = c.image.extra_kernel_args;
  }
  o.allow_scheduling_on_control_planes = c.allow_scheduling_on_control_planes;
  return o;
}

Result<std::vector<NodeConfig>> generate_cluster_configs(const spec::Cluster& cluster,
                                                         const ClusterSecrets& secrets,
                                                         const std::string& schematic_id) {
  const GenOptions base = cluster_gen_options(cluster, schematic_id);
  std::vector<NodeConfig> out;
  out.reserve(cluster.nodes.size());
  for (const spec::Node& n : cluster.nodes) {
    Result<std::string> yaml = node_config(cluster, n, base, secrets);
    if (!yaml.ok()) {
      return std::move(yaml).error().with_context(fmt::format("config for node {}", n.name));
    }
    out.push_back(
        {n.name,
         n.role == spec::NodeRole::ControlPlane ? MachineRole::ControlPlane : MachineRole::Worker,
         std::move(*yaml)});
  }
  return out;
}

}  // namespace talos
