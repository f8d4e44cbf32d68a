#include "emulators/proxmox/cluster.h"

#include <openssl/sha.h>

#include <fmt/format.h>

namespace pve_emu {

long long Storage::used() const {
  long long sum = 0;
  for (const auto& [volid, volume] : volumes) {
    sum += volume.size;
  }
  return sum;
}

std::string Vm::lock() const {
  auto it = config.find("lock");
  return it == config.end() ? "" : it->second;
}

std::string Vm::name() const {
  auto it = config.find("name");
  return it == config.end() ? fmt::format("VM {}", vmid) : it->second;
}

void Cluster::populate(int node_count, bool with_import_content) {
  for (int i = 1; i <= node_count; ++i) {
    PveNode node;
    node.name = fmt::format("pve{}", i);
    Storage local{"local", "dir", {"iso", "vztmpl", "backup", "snippets"}, 100LL << 30, {}};
    if (with_import_content) {
      local.content.insert("import");
    }
    Storage lvm{"local-lvm", "lvmthin", {"images", "rootdir"}, 400LL << 30, {}};
    node.storages[local.id] = local;
    node.storages[lvm.id] = lvm;
    nodes[node.name] = std::move(node);
  }
}

Storage* Cluster::storage(const std::string& node, const std::string& id) {
  auto n = nodes.find(node);
  if (n == nodes.end()) {
    return nullptr;
  }
  auto s = n->second.storages.find(id);
  return s == n->second.storages.end() ? nullptr : &s->second;
}

Volume* Cluster::volume(const std::string& node, const std::string& volid) {
  const size_t colon = volid.find(':');
  if (colon == std::string::npos) {
    return nullptr;
  }
  Storage* s = storage(node, volid.substr(0, colon));
  if (s == nullptr) {
    return nullptr;
  }
  auto v = s->volumes.find(volid);
  return v == s->volumes.end() ? nullptr : &v->second;
}

std::string config_digest(const Vm& vm) {
  std::string text;
  for (const auto& [key, value] : vm.config) {
    text += key + ": " + value + "\n";
  }
  if (!vm.pending.empty() || !vm.pending_delete.empty()) {
    text += "[PENDING]\n";
    for (const auto& [key, value] : vm.pending) {
      text += key + ": " + value + "\n";
    }
    for (const std::string& key : vm.pending_delete) {
      text += "delete: " + key + "\n";
    }
  }
  unsigned char hash[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), hash);
  std::string hex;
  for (unsigned char b : hash) {
    hex += fmt::format("{:02x}", b);
  }
  return hex;
}

}  // namespace pve_emu
