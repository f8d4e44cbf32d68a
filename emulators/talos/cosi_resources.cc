#include "emulators/talos/cosi_resources.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "resource/config/config.pb.h"
#include "resource/definitions/block/block.pb.h"
#include "resource/definitions/cluster/cluster.pb.h"
#include "resource/definitions/etcd/etcd.pb.h"
#include "resource/definitions/extensions/extensions.pb.h"
#include "resource/definitions/hardware/hardware.pb.h"
#include "resource/definitions/k8s/k8s.pb.h"
#include "resource/definitions/network/network.pb.h"
#include "resource/definitions/runtime/runtime.pb.h"

namespace talos_emu {
namespace {

namespace defs = talos::resource::definitions;

const std::vector<ResourceType>& types() {
  static const std::vector<ResourceType> all = {
      {"runtime", "MachineStatuses.runtime.talos.dev", false, true},
      {"hardware", "SystemInformations.hardware.talos.dev", false, true},
      {"runtime", "Disks.block.talos.dev", false, true},
      {"runtime", "VolumeStatuses.block.talos.dev", false, false},
      {"k8s", "StaticPodStatuses.kubernetes.talos.dev", false, false},
      {"runtime", "ExtensionStatuses.runtime.talos.dev", false, true},
      {"runtime", "Diagnostics.runtime.talos.dev", false, true},
      {"cluster", "Members.cluster.talos.dev", false, false},
      {"network", "NodeAddresses.net.talos.dev", false, true},
      {"network", "HostnameStatuses.net.talos.dev", false, true},
      {"etcd", "EtcdMembers.etcd.talos.dev", false, false},
      {"config", "MachineConfigs.config.talos.dev", true, false},
  };
  return all;
}

cosi::resource::Resource make(const std::string& ns, const std::string& type,
                              const std::string& id, const google::protobuf::Message& spec,
                              const std::string& yaml) {
  cosi::resource::Resource r;
  auto* m = r.mutable_metadata();
  m->set_namespace_(ns);
  m->set_type(type);
  m->set_id(id);
  m->set_version("1");
  m->set_owner("emulator");
  m->set_phase("running");
  r.mutable_spec()->set_proto_spec(spec.SerializeAsString());
  r.mutable_spec()->set_yaml_spec(yaml);
  return r;
}

std::string ip_bytes(const std::string& ip) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 16);
  return {};
}

std::vector<cosi::resource::Resource> machine_status(const NodeSnapshot& s) {
  defs::runtime::MachineStatusSpec spec;
  spec.set_stage(static_cast<defs::enums::RuntimeMachineStage>(s.stage));
  spec.mutable_status()->set_ready(s.ready);
  std::string unmet_yaml;
  for (const auto& u : s.unmet) {
    auto* c = spec.mutable_status()->add_unmet_conditions();
    c->set_name(u.name);
    c->set_reason(u.reason);
    unmet_yaml += fmt::format("        - name: {}\n          reason: {}\n", u.name, u.reason);
  }
  const std::string yaml = fmt::format("stage: {}\nstatus:\n    ready: {}\n    unmetConditions:{}",
                                       stage_name(s.stage), s.ready ? "true" : "false",
                                       unmet_yaml.empty() ? " []\n" : "\n" + unmet_yaml);
  return {make("runtime", "MachineStatuses.runtime.talos.dev", "machine", spec, yaml)};
}

std::vector<cosi::resource::Resource> system_information(const NodeSnapshot& s) {
  defs::hardware::SystemInformationSpec spec;
  spec.set_manufacturer("QEMU");
  spec.set_product_name("Standard PC (i440FX + PIIX, 1996)");
  spec.set_version("pc-i440fx-9.0");
  spec.set_uuid(s.spec.uuid);
  return {make("hardware", "SystemInformations.hardware.talos.dev", "systeminformation", spec,
               fmt::format("manufacturer: QEMU\nproductName: Standard PC (i440FX + PIIX, 1996)\n"
                           "uuid: {}\n",
                           s.spec.uuid))};
}

std::vector<cosi::resource::Resource> disks(const NodeSnapshot& s) {
  defs::block::DiskSpec spec;
  spec.set_size(static_cast<uint64_t>(s.spec.disk_gib) << 30);
  spec.set_io_size(512);
  spec.set_sector_size(512);
  spec.set_model("QEMU HARDDISK");
  spec.set_serial("drive-scsi0");
  spec.set_bus_path("/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0");
  spec.set_sub_system("/sys/class/block");
  spec.set_dev_path("/dev/sda");
  spec.set_pretty_size(fmt::format("{} GB", s.spec.disk_gib * 1074 / 1000));
  return {make("runtime", "Disks.block.talos.dev", "sda", spec,
               fmt::format("size: {}\ndev_path: /dev/sda\nmodel: QEMU HARDDISK\n", spec.size()))};
}

std::vector<cosi::resource::Resource> volume_statuses(const NodeSnapshot& s) {
  if (!s.disk.installed || !s.config) return {};
  defs::block::VolumeStatusSpec spec;
  spec.set_phase(defs::enums::VOLUME_PHASE_READY);
  spec.set_location("/dev/sda6");
  spec.set_parent_location("/dev/sda");
  spec.set_partition_index(6);
  // The disk minus EFI, BIOS, BOOT, META, STATE (≈ 1.1 GiB).
  const uint64_t size = (static_cast<uint64_t>(s.spec.disk_gib) << 30) - (1126ULL << 20);
  spec.set_size(size);
  spec.set_mount_location("/var");
  return {make("runtime", "VolumeStatuses.block.talos.dev", "EPHEMERAL", spec,
               fmt::format("phase: ready\nlocation: /dev/sda6\nsize: {}\n", size))};
}

std::vector<cosi::resource::Resource> static_pods(const NodeSnapshot& s) {
  std::vector<cosi::resource::Resource> out;
  if (!s.control_plane()) return out;
  const bool kubelet = std::any_of(s.services.begin(), s.services.end(), [](const auto& r) {
    return r.id == "kubelet" && r.state == "Running";
  });
  if (!kubelet) return out;
  for (const char* pod : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
    defs::k8s::StaticPodStatusSpec spec;
    auto& fields = *spec.mutable_pod_status()->mutable_fields();
    fields["phase"].set_string_value("Running");
    out.push_back(make("k8s", "StaticPodStatuses.kubernetes.talos.dev",
                       fmt::format("kube-system/{}-{}", pod, s.hostname), spec,
                       "podStatus:\n    phase: Running\n"));
  }
  return out;
}

std::vector<cosi::resource::Resource> extensions(const NodeSnapshot& s) {
  std::vector<cosi::resource::Resource> out;
  std::vector<std::pair<std::string, std::string>> layers;
  for (const std::string& e : s.spec.extensions) {
    const std::string name = e.substr(e.rfind('/') + 1);
    layers.emplace_back(name, "");
  }
  if (!s.running_schematic.empty()) layers.emplace_back("schematic", s.running_schematic);
  for (size_t i = 0; i < layers.size(); ++i) {
    defs::extensions::Layer spec;
    spec.set_image(fmt::format("{:03}.sqsh", i));
    spec.mutable_metadata()->set_name(layers[i].first);
    spec.mutable_metadata()->set_version(layers[i].second);
    out.push_back(make("runtime", "ExtensionStatuses.runtime.talos.dev", std::to_string(i), spec,
                       fmt::format("image: {:03}.sqsh\nmetadata:\n    name: {}\n    version: {}\n",
                                   i, layers[i].first, layers[i].second)));
  }
  return out;
}

std::vector<cosi::resource::Resource> members(Emulator& emulator, const NodeSnapshot& s) {
  std::vector<cosi::resource::Resource> out;
  if (!s.cluster) return out;
  for (const auto& peer : emulator.cluster_nodes(s.cluster->id)) {
    NodeSnapshot p = peer->snapshot();
    if (p.personality != Personality::Configured) continue;
    defs::cluster::MemberSpec spec;
    spec.set_node_id(p.spec.uuid);
    spec.add_addresses()->set_ip(ip_bytes(p.spec.address));
    spec.set_hostname(p.hostname);
    spec.set_machine_type(p.control_plane() ? defs::enums::TYPE_CONTROL_PLANE
                                            : defs::enums::TYPE_WORKER);
    spec.set_operating_system("Talos (" + p.running_version + ")");
    out.push_back(make("cluster", "Members.cluster.talos.dev", p.hostname, spec,
                       fmt::format("nodeId: {}\naddresses:\n    - {}\nhostname: {}\n", p.spec.uuid,
                                   p.spec.address, p.hostname)));
  }
  return out;
}

std::vector<cosi::resource::Resource> node_addresses(const NodeSnapshot& s) {
  std::vector<cosi::resource::Resource> out;
  for (const char* id : {"accumulative", "current", "default", "routed"}) {
    defs::network::NodeAddressSpec spec;
    auto* prefix = spec.add_addresses();
    prefix->set_ip(ip_bytes(s.spec.address));
    prefix->set_prefix_length(24);
    out.push_back(make("network", "NodeAddresses.net.talos.dev", id, spec,
                       fmt::format("addresses:\n    - {}/24\n", s.spec.address)));
  }
  return out;
}

std::vector<cosi::resource::Resource> hostname_status(const NodeSnapshot& s) {
  defs::network::HostnameStatusSpec spec;
  spec.set_hostname(s.hostname);
  return {make("network", "HostnameStatuses.net.talos.dev", "hostname", spec,
               "hostname: " + s.hostname + "\ndomainname: \"\"\n")};
}

std::vector<cosi::resource::Resource> etcd_member(const NodeSnapshot& s) {
  if (!s.control_plane() || !s.cluster) return {};
  for (const auto& m : s.cluster->etcd.members()) {
    if (m.name != s.hostname) continue;
    defs::etcd::MemberSpec spec;
    spec.set_member_id(fmt::format("{:016x}", m.id));
    return {make("etcd", "EtcdMembers.etcd.talos.dev", "local", spec,
                 "memberId: " + spec.member_id() + "\n")};
  }
  return {};
}

std::vector<cosi::resource::Resource> machine_config(const NodeSnapshot& s) {
  if (!s.config) return {};
  resource::config::MachineConfigSpec spec;
  spec.set_yaml_marshalled(s.config->raw_yaml);
  return {make("config", "MachineConfigs.config.talos.dev", "v1alpha1", spec, s.config->raw_yaml)};
}

}  // namespace

const ResourceType* find_resource_type(const std::string& type) {
  for (const ResourceType& t : types()) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

bool known_namespace(const std::string& ns) {
  static const std::vector<std::string> all = {"runtime", "hardware", "k8s",    "cluster",
                                               "network", "etcd",     "config", "meta",
                                               "controlplane", "secrets", "v1alpha1"};
  return std::find(all.begin(), all.end(), ns) != all.end();
}

std::vector<cosi::resource::Resource> node_resources(Emulator& emulator, const NodeSnapshot& s,
                                                     const std::string& ns,
                                                     const std::string& type) {
  const ResourceType* t = find_resource_type(type);
  if (!t || t->ns != ns) return {};
  if (type == "MachineStatuses.runtime.talos.dev") return machine_status(s);
  if (type == "SystemInformations.hardware.talos.dev") return system_information(s);
  if (type == "Disks.block.talos.dev") return disks(s);
  if (type == "VolumeStatuses.block.talos.dev") return volume_statuses(s);
  if (type == "StaticPodStatuses.kubernetes.talos.dev") return static_pods(s);
  if (type == "ExtensionStatuses.runtime.talos.dev") return extensions(s);
  if (type == "Diagnostics.runtime.talos.dev") return {};
  if (type == "Members.cluster.talos.dev") return members(emulator, s);
  if (type == "NodeAddresses.net.talos.dev") return node_addresses(s);
  if (type == "HostnameStatuses.net.talos.dev") return hostname_status(s);
  if (type == "EtcdMembers.etcd.talos.dev") return etcd_member(s);
  if (type == "MachineConfigs.config.talos.dev") return machine_config(s);
  return {};
}

}  // namespace talos_emu
