#include "emulators/proxmox/vm_drives.h"

#include <regex>

#include <fmt/format.h>

#include "emulators/proxmox/permissions.h"
#include "emulators/proxmox/property_string.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {
namespace {

std::string storage_of(const std::string& volid) { return volid.substr(0, volid.find(':')); }

std::optional<Reply> usable_image_storage(Emulator& emu, const DriveRequest& r,
                                          const std::string& storage_id, Storage** out) {
  Storage* storage = emu.cluster.storage(r.node, storage_id);
  if (storage == nullptr) {
    return reply_error(500, fmt::format("storage '{}' does not exist", storage_id));
  }
  if (!storage->content.contains("images")) {
    return reply_param_error("storage",
                             fmt::format("storage '{}' does not support vm images", storage_id));
  }
  if (auto denied = require_privilege(r.call.who.privileges, "/storage/" + storage_id,
                                      "Datastore.AllocateSpace")) {
    return reply_error(403, *denied);
  }
  *out = storage;
  return std::nullopt;
}

Volume& allocate(Storage& storage, int vmid, const std::string& name_hint, long long size) {
  std::string name = name_hint;
  if (name.empty()) {
    for (int n = 0;; ++n) {
      name = fmt::format("vm-{}-disk-{}", vmid, n);
      const std::string candidate =
          storage.file_based() ? fmt::format("{}:{}/{}.qcow2", storage.id, vmid, name)
                               : fmt::format("{}:{}", storage.id, name);
      if (!storage.volumes.contains(candidate)) {
        break;
      }
    }
  }
  Volume volume;
  volume.volid = storage.file_based() ? fmt::format("{}:{}/{}.qcow2", storage.id, vmid, name)
                                      : fmt::format("{}:{}", storage.id, name);
  volume.content = "images";
  volume.format = storage.file_based() ? "qcow2" : "raw";
  volume.size = size;
  volume.ctime = now_epoch();
  volume.vmid = vmid;
  return storage.volumes[volume.volid] = volume;
}

std::string with_options(const std::string& volid, PropertyString options) {
  options.erase("volume");
  options.erase("import-from");
  options.set("file", volid);
  return options.sorted_str("file");
}

std::optional<Reply> import_drive(Emulator& emu, const DriveRequest& r, PropertyString p,
                                  const std::string& target, std::string* stored,
                                  std::vector<std::string>* allocated) {
  const std::string source = *p.get("import-from");
  if (source.rfind('/', 0) == 0) {
    return reply_error(403, "Only root can pass arbitrary filesystem paths.");
  }
  Volume* src = emu.cluster.volume(r.node, source);
  if (src == nullptr) {
    return reply_error(500, fmt::format("volume '{}' does not exist", source));
  }
  if (src->content != "images" && src->content != "import") {
    return reply_param_error(r.key, fmt::format("{} has wrong type '{}' - needs to be 'images' "
                                                "or 'import'",
                                                source, src->content));
  }
  const std::string asset = src->asset;
  Storage* storage = nullptr;
  if (auto bad = usable_image_storage(emu, r, target, &storage)) {
    return bad;
  }
  Volume& volume = allocate(*storage, r.vmid, "", kStandInVirtualSize);
  volume.asset = asset;
  allocated->push_back(volume.volid);
  p.set("size", format_size(volume.size));
  *stored = with_options(volume.volid, p);
  return std::nullopt;
}

}  // namespace

std::optional<Reply> prepare_drive(Emulator& emu, const DriveRequest& r, std::string* stored,
                                   std::vector<std::string>* allocated) {
  static const std::regex kNewDisk(R"((?:([^/:\s]+):)?(\d+(?:\.\d+)?))");
  static const std::regex kCloudInit(R"(([^/:\s]+):cloudinit)");
  PropertyString p = parse_property_string(r.value, "file").value;
  if (auto alias = p.get("volume"); alias && !p.get("file")) {
    p.set("file", *alias);
  }
  const std::string file = p.get("file").value_or("");
  std::smatch m;
  if (file == "none" || file == "cdrom") {
    *stored = r.value;
    return std::nullopt;
  }
  if (std::regex_match(file, m, kCloudInit)) {
    Storage* storage = nullptr;
    if (auto bad = usable_image_storage(emu, r, m[1], &storage)) {
      return bad;
    }
    Volume& volume = allocate(*storage, r.vmid, fmt::format("vm-{}-cloudinit", r.vmid), 4LL << 20);
    allocated->push_back(volume.volid);
    *stored = volume.volid + ",media=cdrom";
    return std::nullopt;
  }
  if (std::regex_match(file, m, kNewDisk)) {
    std::string storage_id = m[1].matched ? m[1].str() : r.call.param("storage");
    if (storage_id.empty()) {
      return reply_error(500, "no storage ID specified (and no default storage)");
    }
    if (p.get("import-from")) {
      return import_drive(emu, r, p, storage_id, stored, allocated);
    }
    Storage* storage = nullptr;
    if (auto bad = usable_image_storage(emu, r, storage_id, &storage)) {
      return bad;
    }
    long long size = static_cast<long long>(std::stod(m[2]) * (1LL << 30));
    if (r.key == "efidisk0") {
      size = storage->file_based() ? 528LL << 10 : 4LL << 20;
    } else if (r.key == "tpmstate0") {
      size = 4LL << 20;
    }
    Volume& volume = allocate(*storage, r.vmid, "", size);
    allocated->push_back(volume.volid);
    p.set("size", format_size(size));
    *stored = with_options(volume.volid, p);
    return std::nullopt;
  }
  Volume* existing = emu.cluster.volume(r.node, file);
  if (existing == nullptr) {
    return reply_error(500, fmt::format("volume '{}' does not exist", file));
  }
  if (existing->content != "images" && existing->content != "iso") {
    return reply_param_error(r.key, fmt::format("{} has wrong type '{}' - needs to be 'images' "
                                                "or 'iso'",
                                                file, existing->content));
  }
  *stored = r.value;
  return std::nullopt;
}

void free_volumes(Cluster& cluster, const std::string& node,
                  const std::vector<std::string>& volids) {
  for (const std::string& volid : volids) {
    if (Storage* storage = cluster.storage(node, storage_of(volid))) {
      storage->volumes.erase(volid);
    }
  }
}

std::vector<std::string> referenced_volumes(const std::map<std::string, std::string>& config) {
  std::vector<std::string> out;
  for (const auto& [key, value] : config) {
    if (!is_disk_key(key) && key.rfind("unused", 0) != 0) {
      continue;
    }
    const std::string file = parse_property_string(value, "file").value.get("file").value_or("");
    if (file.find(':') != std::string::npos) {
      out.push_back(file);
    }
  }
  return out;
}

std::optional<BootImage> vm_boot_image(Cluster& cluster, const Vm& vm) {
  std::optional<BootImage> cdrom;
  for (const auto& [key, value] : vm.config) {
    if (!is_disk_key(key)) {
      continue;
    }
    PropertyString p = parse_property_string(value, "file").value;
    Volume* volume = cluster.volume(vm.node, p.get("file").value_or(""));
    if (volume == nullptr || volume->asset.empty()) {
      continue;
    }
    std::optional<BootImage> image = parse_boot_image(volume->asset);
    if (!image) {
      continue;
    }
    if (volume->content == "images") {
      return image;
    }
    if (!cdrom) {
      cdrom = image;
    }
  }
  return cdrom;
}

}  // namespace pve_emu
