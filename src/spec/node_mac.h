// The MAC address talforge gives a node's first NIC. It is derived from the cluster and node
// names, so it is known before the VM exists: the machine config selects the node's network
// link by it (never by a guessed interface name), and the Proxmox VM's net0 is created with it.
#pragma once

#include <string>

#include "spec/cluster.h"

namespace spec {

// "bc:24:11:xx:xx:xx" — Proxmox's own OUI (unicast, globally administered, as Proxmox
// generates them) followed by three bytes of SHA-256(cluster name "/" node name).
std::string node_mac(const Cluster& cluster, const Node& node);

}  // namespace spec
