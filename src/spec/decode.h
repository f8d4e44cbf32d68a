// Internal: cluster.yaml's YAML tree → the Cluster model, reporting every structural problem
// (types, unknown/duplicate/missing keys, unreadable files). Values are checked later
// (validate.h); defaults that depend on other values are filled by apply_defaults().
#pragma once

#include <vector>

#include "spec/cluster.h"
#include "spec/yaml_reader.h"

namespace spec {

// `root` is the document's root node (any type; a non-mapping is reported).
Cluster decode_cluster(DecodeContext& ctx, const YAML::Node& root);

// One decoder per section, each in its own file.
void decode_cluster_section(DecodeContext& ctx, const Field& field, Cluster& out);  // decode.cc
void decode_network(DecodeContext& ctx, const Field& field, Network& out);  // decode_sections.cc
void decode_cni(DecodeContext& ctx, const Field& field, Cilium& out);       // decode_sections.cc
void decode_image(DecodeContext& ctx, const Field& field, Image& out);      // decode_sections.cc
void decode_proxmox(DecodeContext& ctx, const Field& field,
                    ProxmoxConnection& out);                              // decode_vm.cc
void decode_vm(DecodeContext& ctx, const Field& field, VmDefaults& out);  // decode_vm.cc
void decode_upgrade(DecodeContext& ctx, const Field& field,
                    UpgradePolicy& out);  // decode_upgrade.cc
void decode_nodes(DecodeContext& ctx, const Field& field,
                  std::vector<Node>& out);  // decode_nodes.cc
// decode_patches.cc: the patches section, and one list of patches (also used per node).
void decode_patches(DecodeContext& ctx, const Field& field, Patches& out);
std::vector<Patch> decode_patch_list(DecodeContext& ctx, const Field& field);

// `path` as written in cluster.yaml, relative to its directory unless absolute.
std::string resolve_file(const DecodeContext& ctx, const std::string& path);

// Memory (MiB), disk (GiB) and core counts into an int field; values must be ≥ 1 (decode_vm.cc).
void get_cores(DecodeContext& ctx, const MapReader& map, int& out);
bool at_least_one(DecodeContext& ctx, const Field& f, int64_t v);
void get_memory(DecodeContext& ctx, const MapReader& map, int& out);
void get_disk(DecodeContext& ctx, const MapReader& map, int& out);

}  // namespace spec
