// Internal: checks on the decoded, defaulted model. Each check reports at the place the value
// was written (Positions) and stays quiet about values that are absent or failed to decode.
#pragma once

#include <string>

#include "spec/cluster.h"
#include "spec/positions.h"
#include "spec/report.h"

namespace spec {

// Reporting by YAML path: places come from Positions.
class Checker {
 public:
  Checker(const Positions& positions, const Reporter& report)
      : positions_(positions), report_(report) {}

  bool has(const std::string& path) const { return positions_.has(path); }
  Place value_place(const std::string& path) const { return positions_.value(path); }
  Place key_place(const std::string& path) const { return positions_.key(path); }
  void error(const std::string& path, std::string message, std::string hint = {}) const;
  void warning(const std::string& path, std::string message, std::string hint = {}) const;
  void secret_error(const std::string& path, std::string message, std::string hint) const;
  const Reporter& report() const { return report_; }

 private:
  const Positions& positions_;
  const Reporter& report_;
};

// Runs every check below, in document order.
void validate(Cluster& cluster, const Checker& check);

// validate_versions.cc: Talos/Kubernetes versions against the support matrix; normalises both.
void validate_versions(Cluster& cluster, const Checker& check);
// validate_network.cc: network, VIP, endpoint, pod/service subnets, DNS domain.
void validate_network(const Cluster& cluster, const Checker& check);
// validate_image.cc: cluster name, secrets file, CNI, image; normalises the Cilium version.
void validate_image(Cluster& cluster, const Checker& check);
// validate_proxmox.cc: endpoint, token, TLS trust; normalises endpoint and fingerprint.
void validate_proxmox(Cluster& cluster, const Checker& check);
// validate_vm.cc: VM defaults and per-node resources against Talos minimums.
void validate_vm(const Cluster& cluster, const Checker& check);
// validate_nodes.cc: names, roles, addresses, VMIDs, duplicates.
void validate_nodes(const Cluster& cluster, const Checker& check);

// Small predicates shared by the checks (validate_names.cc).
bool is_dns_label(std::string_view s);  // RFC 1123 label, lower case: hostnames and names
bool is_dns_name(std::string_view s);   // dot-separated labels
bool matches_charset(std::string_view s, std::string_view first, std::string_view rest);

}  // namespace spec
