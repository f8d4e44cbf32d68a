// Storage listing, content listing, the storage's allowed content, volume delete and
// download-url (proxmox.md §2.14).
#include <regex>
#include <set>

#include <fmt/format.h>

#include "emulators/proxmox/download.h"
#include "emulators/proxmox/emulator.h"

namespace pve_emu {
namespace {

using nlohmann::json;

std::string content_text(const Storage& storage) {
  std::string out;
  for (const std::string& c : storage.content) {
    out += (out.empty() ? "" : ",") + c;
  }
  return out;
}

json storage_json(const Storage& storage) {
  const long long used = storage.used();
  return {{"storage", storage.id},  {"type", storage.type},  {"content", content_text(storage)},
          {"active", 1},            {"enabled", 1},          {"shared", 0},
          {"total", storage.total}, {"used", used},          {"avail", storage.total - used},
          {"used_fraction", static_cast<double>(used) / static_cast<double>(storage.total)}};
}

// Content types a storage type can hold at all (proxmox.md §2.14; `import` from PVE 8).
bool storage_type_holds(const std::string& type, const std::string& content,
                        const PveVersion& version) {
  if (type == "dir") {
    return content != "import" || version.major >= 8;
  }
  return content == "images" || content == "rootdir";
}

Reply list_storages(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  const PveNode& node = emu.cluster.nodes.at(call.node());
  const std::string content = call.param("content");
  const std::string only = call.param("storage");
  if (!only.empty() && !node.storages.contains(only)) {
    return reply_param_error("storage", "No such storage.");
  }
  json list = json::array();
  for (const auto& [id, storage] : node.storages) {
    if ((!content.empty() && !storage.content.contains(content)) || (!only.empty() && id != only)) {
      continue;
    }
    list.push_back(storage_json(storage));
  }
  return reply_data(list);
}

Reply storage_status(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Storage* storage = emu.cluster.storage(call.node(), call.param("storage"));
  if (storage == nullptr) {
    return reply_error(500, fmt::format("storage '{}' does not exist", call.param("storage")));
  }
  return reply_data(storage_json(*storage));
}

Reply list_content(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Storage* storage = emu.cluster.storage(call.node(), call.param("storage"));
  if (storage == nullptr) {
    return reply_error(500, fmt::format("storage '{}' does not exist", call.param("storage")));
  }
  const std::string content = call.param("content");
  const std::string vmid = call.param("vmid");
  json list = json::array();
  for (const auto& [volid, volume] : storage->volumes) {
    if ((!content.empty() && volume.content != content) ||
        (!vmid.empty() && std::to_string(volume.vmid) != vmid)) {
      continue;
    }
    json item = {{"volid", volid},
                 {"content", volume.content},
                 {"format", volume.format},
                 {"size", volume.size},
                 {"ctime", volume.ctime}};
    if (volume.vmid != 0) {
      item["vmid"] = volume.vmid;
      item["used"] = volume.size;
    }
    list.push_back(item);
  }
  return reply_data(list);
}

Reply delete_content(Emulator& emu, const Call& call) {
  const std::string storage_id = call.param("storage");
  std::string volid = call.param("volume");
  if (volid.find(':') == std::string::npos) {
    volid = storage_id + ":" + volid;
  }
  std::lock_guard lock(emu.cluster.mutex);
  Storage* storage = emu.cluster.storage(call.node(), storage_id);
  if (storage == nullptr) {
    return reply_error(500, fmt::format("storage '{}' does not exist", storage_id));
  }
  if (!storage->volumes.contains(volid)) {
    return reply_error(500, fmt::format("volume '{}' does not exist", volid));
  }
  storage->volumes.erase(volid);
  return reply_data(emu.tasks.start(call.node(), "imgdel", storage_id, call.who.token_id,
                                    [](TaskContext& ctx) {
                                      ctx.log("Removed volume");
                                      return std::string();
                                    }));
}

// Extension rules per content type and version (proxmox.md §2.14, §4).
std::optional<Reply> check_filename(const PveVersion& version, const std::string& content,
                                    const std::string& filename) {
  auto ends = [&](const char* pattern) {
    return std::regex_match(filename, std::regex(pattern, std::regex::icase));
  };
  if (content == "iso" && !ends(R"(.+\.(iso|img))")) {
    return reply_param_error("filename", "wrong file extension");
  }
  if (content == "vztmpl" && !ends(R"(.+\.tar\.(gz|xz|zst|bz2))")) {
    return reply_param_error("filename", "wrong file extension");
  }
  if (content == "import") {
    const char* allowed = version.at_least(8, 4) ? R"([a-zA-Z0-9\-.+=_]+\.(ova|qcow2|raw|vmdk))"
                                                 : R"([a-zA-Z0-9\-.+=_]+\.ova)";
    if (!std::regex_match(filename, std::regex(allowed))) {
      return reply_param_error("filename", "invalid filename or wrong extension");
    }
  }
  return std::nullopt;
}

// PUT /storage/{storage}: only `content` is modelled (an administrator enabling `import` or
// taking `iso` away). Like PVE's storage plugins, content types the storage type cannot hold are
// dropped (PVE only warns in its log).
Reply update_storage(Emulator& emu, const Call& call) {
  for (const auto& [key, value] : call.params) {
    if (key != "storage" && key != "content" && key != "digest") {
      return reply_error(500, fmt::format("the proxmox emulator models only 'content' of PUT "
                                          "/storage/{{storage}}, not '{}'",
                                          key));
    }
  }
  const std::string id = call.param("storage");
  static const std::regex kSeparator(R"([,;\s]+)");
  const std::string wanted = call.param("content");
  std::lock_guard lock(emu.cluster.mutex);
  std::string type;
  for (auto& [name, node] : emu.cluster.nodes) {
    auto it = node.storages.find(id);
    if (it == node.storages.end()) {
      continue;
    }
    Storage& storage = it->second;
    type = storage.type;
    if (!call.params.contains("content")) {
      continue;
    }
    std::set<std::string> content;
    for (std::sregex_token_iterator t(wanted.begin(), wanted.end(), kSeparator, -1), end; t != end;
         ++t) {
      if (!t->str().empty() && storage_type_holds(storage.type, *t, emu.version)) {
        content.insert(*t);
      }
    }
    if (content.empty()) {
      return reply_error(500, "storage does not support content type 'none'");
    }
    storage.content = std::move(content);
  }
  if (type.empty()) {
    return reply_error(500, fmt::format("storage '{}' does not exist", id));
  }
  return reply_data({{"storage", id}, {"type", type}});
}

Reply download_url(Emulator& emu, const Call& call) {
  DownloadRequest r;
  r.node = call.node();
  r.storage = call.param("storage");
  r.url = call.param("url");
  r.content = call.param("content");
  r.filename = normalise_filename(call.param("filename"));
  r.checksum = call.param("checksum");
  r.checksum_algorithm = call.param("checksum-algorithm");
  r.compression = call.param("compression");
  r.verify_certificates = call.param("verify-certificates", "1") == "1";
  {
    std::lock_guard lock(emu.cluster.mutex);
    Storage* storage = emu.cluster.storage(r.node, r.storage);
    if (storage == nullptr) {
      return reply_error(500, fmt::format("storage '{}' does not exist", r.storage));
    }
    if (!storage->file_based()) {
      return reply_error(500, fmt::format("can't upload to storage type '{}', not a file based "
                                          "storage!",
                                          storage->type));
    }
    if (!storage->content.contains(r.content)) {
      return reply_error(500, fmt::format("storage '{}' is not configured for content-type '{}'",
                                          r.storage, r.content));
    }
  }
  if (r.content == "import" && !emu.version.at_least(8, 3)) {
    return reply_param_error("content", "value 'import' does not have a value in the enumeration "
                                        "'iso, vztmpl'");
  }
  if (auto bad = check_filename(emu.version, r.content, r.filename)) {
    return *bad;
  }
  const bool fail = emu.faults.take_task_failure();
  return reply_data(emu.tasks.start(r.node, "download", r.filename, call.who.token_id,
                                    [&emu, r, fail](TaskContext& ctx) {
                                      if (fail) {
                                        ctx.log(fmt::format("downloading {}", r.url));
                                        ctx.sleep(0.2);
                                        return std::string(
                                            "download failed: emulated failure (fault injection)");
                                      }
                                      return run_download(emu, ctx, r);
                                    }));
}

}  // namespace

void register_storage_handlers(HandlerTable& table) {
  table[{"GET", "/nodes/{node}/storage"}] = list_storages;
  table[{"GET", "/nodes/{node}/storage/{storage}/status"}] = storage_status;
  table[{"GET", "/nodes/{node}/storage/{storage}/content"}] = list_content;
  table[{"DELETE", "/nodes/{node}/storage/{storage}/content/{volume}"}] = delete_content;
  table[{"POST", "/nodes/{node}/storage/{storage}/download-url"}] = download_url;
  table[{"PUT", "/storage/{storage}"}] = update_storage;
}

}  // namespace pve_emu
