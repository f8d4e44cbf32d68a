// The node network, the VIP, the control-plane endpoint and the cluster's internal subnets.
#include <fmt/format.h>

#include "spec/ip.h"
#include "spec/validate.h"

namespace spec {
namespace {

std::optional<Cidr> check_cidr(const std::string& path, const std::string& text,
                               const Checker& check) {
  const std::optional<Cidr> cidr = parse_cidr(text);
  if (!cidr) {
    check.error(path, fmt::format("\"{}\" is not an IPv4 CIDR", text),
                "write ADDRESS/PREFIX, e.g. 127.10.0.0/24");
    return std::nullopt;
  }
  if (cidr->host_bits_set()) {
    check.error(path, fmt::format("{} has host bits set", text),
                fmt::format("did you mean {}?", cidr->str()));
  }
  return Cidr{cidr->network(), cidr->prefix};  // later checks use the meant network
}

std::optional<uint32_t> check_ipv4(const std::string& path, const std::string& text,
                                   const Checker& check) {
  const std::optional<uint32_t> ip = parse_ipv4(text);
  if (!ip) {
    check.error(path, fmt::format("\"{}\" is not an IPv4 address", text),
                "write four decimal numbers 0-255, e.g. 127.10.0.11");
  }
  return ip;
}

// An address used on the node network: inside it, and neither its network nor broadcast address.
void check_in_network(const std::string& path, uint32_t ip, const std::optional<Cidr>& net,
                      const Checker& check) {
  if (!net) {
    return;
  }
  if (!net->contains(ip)) {
    check.error(path, fmt::format("{} is outside the node network {}", format_ipv4(ip), net->str()),
                "use an address inside network.cidr, or widen network.cidr");
  } else if (net->prefix < 31 && (ip == net->network() || ip == net->broadcast())) {
    check.error(path, fmt::format("{} is the {} address of {}", format_ipv4(ip),
                                  ip == net->network() ? "network" : "broadcast", net->str()));
  }
}

std::optional<Cidr> check_node_network(const Cluster& c, const Checker& check) {
  if (!check.has("network.cidr")) {
    return std::nullopt;
  }
  std::optional<Cidr> net = check_cidr("network.cidr", c.network.cidr, check);
  if (net && net->prefix > 30) {
    check.error("network.cidr", fmt::format("{} leaves no room for nodes", c.network.cidr),
                "use a prefix of /30 or shorter, e.g. /24");
    net.reset();
  }
  return net;
}

void check_network_details(const Cluster& c, const std::optional<Cidr>& net, const Checker& check) {
  if (check.has("network.gateway")) {
    if (auto gw = check_ipv4("network.gateway", c.network.gateway, check)) {
      check_in_network("network.gateway", *gw, net, check);
    }
  }
  for (size_t i = 0; i < c.network.nameservers.size(); ++i) {
    check_ipv4(fmt::format("network.nameservers[{}]", i), c.network.nameservers[i], check);
  }
  if (c.network.mtu && check.has("network.mtu") &&
      (*c.network.mtu < 576 || *c.network.mtu > 9216)) {
    check.error("network.mtu", fmt::format("MTU {} is out of range", *c.network.mtu),
                "use 576 … 9216 (1500 is the Ethernet default)");
  }
  if (c.network.vlan && check.has("network.vlan") &&
      (*c.network.vlan < 1 || *c.network.vlan > 4094)) {
    check.error("network.vlan", fmt::format("VLAN {} is out of range", *c.network.vlan),
                "use a VLAN ID 1 … 4094");
  }
}

void check_vip(const Cluster& c, const std::optional<Cidr>& net, const Checker& check) {
  if (!c.vip || !check.has("cluster.vip")) {
    return;
  }
  const std::optional<uint32_t> vip = check_ipv4("cluster.vip", *c.vip, check);
  if (!vip) {
    return;
  }
  check_in_network("cluster.vip", *vip, net, check);
  if (check.has("network.gateway") && parse_ipv4(c.network.gateway) == vip) {
    check.error("cluster.vip", fmt::format("the VIP {} is the gateway's address", *c.vip),
                "pick an unused address of the node network");
  }
}

void check_endpoint(const Cluster& c, const Checker& check) {
  if (check.has("cluster.endpoint") && !parse_ipv4(c.endpoint) && !is_dns_name(c.endpoint)) {
    std::string hint = "write an IPv4 address or a DNS name, e.g. 127.10.0.10";
    if (c.endpoint.find("://") != std::string::npos || c.endpoint.find(':') != std::string::npos) {
      hint = "write only the host; the port goes in cluster.endpointPort";
    }
    check.error("cluster.endpoint",
                fmt::format("\"{}\" is not a host name or IPv4 address", c.endpoint), hint);
  }
  if (check.has("cluster.endpointPort") && (c.endpoint_port < 1 || c.endpoint_port > 65535)) {
    check.error("cluster.endpointPort", fmt::format("port {} is out of range", c.endpoint_port),
                "use 1 … 65535; Kubernetes listens on 6443");
  }
}

struct NamedCidr {
  std::string path;
  Cidr cidr;
};

// Pod and service subnets must not overlap the node network or each other.
void check_cluster_subnets(const Cluster& c, const std::optional<Cidr>& net, const Checker& check) {
  std::vector<NamedCidr> seen;
  if (net) {
    seen.push_back({"network.cidr", *net});
  }
  for (const auto& [key, list] : {std::pair{"cluster.podSubnets", &c.pod_subnets},
                                  std::pair{"cluster.serviceSubnets", &c.service_subnets}}) {
    if (check.has(key) && list->empty()) {
      check.error(key, "needs at least one subnet");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = fmt::format("{}[{}]", key, i);
      const bool written = check.has(path);
      const std::optional<Cidr> cidr =
          written ? check_cidr(path, (*list)[i], check) : parse_cidr((*list)[i]);
      if (!cidr) {
        continue;
      }
      for (const NamedCidr& other : seen) {
        if (cidr->overlaps(other.cidr)) {
          const std::string msg =
              fmt::format("{} overlaps {} ({})", cidr->str(), other.path, other.cidr.str());
          if (written) {
            check.error(path, msg, "pick a range that no other network uses");
          } else {
            check.error(other.path, msg + fmt::format(", the default of {}", key),
                        fmt::format("set {} to a free range", key));
          }
        }
      }
      seen.push_back({path, *cidr});
    }
  }
}

}  // namespace

void validate_network(const Cluster& c, const Checker& check) {
  const std::optional<Cidr> net = check_node_network(c, check);
  check_network_details(c, net, check);
  check_vip(c, net, check);
  check_endpoint(c, check);
  check_cluster_subnets(c, net, check);
  if (check.has("cluster.dnsDomain") && !is_dns_name(c.dns_domain)) {
    check.error("cluster.dnsDomain", fmt::format("\"{}\" is not a DNS domain", c.dns_domain),
                "e.g. cluster.local");
  }
}

}  // namespace spec
