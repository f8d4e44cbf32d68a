#include <mutex>

#include <fmt/format.h>

#include "proxmox/api.h"
#include "proxmox/json_values.h"
#include "proxmox/vm_facts.h"

namespace proxmox {
namespace {

using nlohmann::json;
using util::Error;
using util::ErrorCode;
using util::Result;

std::string vm_path(const std::string& node, int vmid, const std::string& rest = "") {
  return fmt::format("/nodes/{}/qemu/{}{}", node, vmid, rest);
}

// The name PVE stores a downloaded file under: path part dropped, every character outside
// [a-zA-Z0-9_.-] replaced by '_' (proxmox.md §2.14). Looking for the raw name would miss the
// file on the next run and the download would fail with "refusing to override existing file".
std::string pve_file_name(const std::string& filename) {
  const size_t slash = filename.find_last_of('/');
  std::string name = slash == std::string::npos ? filename : filename.substr(slash + 1);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      c = '_';
    }
  }
  return name;
}

VmState parse_vm(const json& entry) {
  VmState vm;
  vm.vmid = static_cast<int>(lenient_u64(entry, "vmid"));
  vm.node = lenient_string(entry, "node");
  vm.name = lenient_string(entry, "name");
  vm.status = lenient_string(entry, "status");
  vm.tags = split_list(lenient_string(entry, "tags"));
  vm.lock = lenient_string(entry, "lock");
  vm.is_template = lenient_u64(entry, "template") != 0;
  vm.maxmem = lenient_u64(entry, "maxmem");
  vm.maxdisk = lenient_u64(entry, "maxdisk");
  return vm;
}

StorageState parse_storage(const json& entry) {
  return {lenient_string(entry, "node"),       lenient_string(entry, "storage"),
          lenient_string(entry, "plugintype"), lenient_string(entry, "status"),
          split_list(lenient_string(entry, "content")), lenient_u64(entry, "shared") != 0};
}

class HttpApi final : public Api {
 public:
  HttpApi(Client& client, HttpApiOptions options) : client_(client), options_(options) {}

  Result<PveVersion> version() override {
    ASSIGN_OR_RETURN(json data, client_.call(Method::Get, "/version"));
    return parse_pve_version(lenient_string(data, "version"));
  }

  Result<ClusterState> cluster() override {
    ASSIGN_OR_RETURN(json data, client_.call(Method::Get, "/cluster/resources"));
    ClusterState state;
    for (const json& entry : data) {
      const std::string type = lenient_string(entry, "type");
      if (type == "node") {
        state.nodes.push_back({lenient_string(entry, "node"), lenient_string(entry, "status")});
      } else if (type == "qemu") {
        state.vms.push_back(parse_vm(entry));
      } else if (type == "storage") {
        state.storages.push_back(parse_storage(entry));
      }
    }
    return state;
  }

  Result<int> free_vmid(int from) override {
    ASSIGN_OR_RETURN(ClusterState state, cluster());
    for (int candidate = std::max(from, 100); candidate < from + 10000; ++candidate) {
      if (state.find_vm(candidate) != nullptr) {
        continue;
      }
      Result<json> probe =
          client_.call(Method::Get, "/cluster/nextid", {{"vmid", std::to_string(candidate)}});
      if (probe.ok()) {
        return candidate;
      }
      if (probe.error().code != ErrorCode::AlreadyExists) {
        return std::move(probe).error();
      }
    }
    return Error::conflict(fmt::format("no free VMID in {}..{}", from, from + 9999));
  }

  Result<void> create_vm(const VmSpec& spec) override {
    ASSIGN_OR_RETURN(PveVersion pve, cached_version());
    RETURN_IF_ERROR(check_supported(spec, pve));
    RETURN_IF_ERROR(create_once(spec, pve));
    if (spec.boot_disk_image.empty()) {
      return {};
    }
    // The import took the image's size; grow it (a re-run may find it grown already).
    ASSIGN_OR_RETURN(VmConfig config, vm_config(spec.pve_node, spec.vmid));
    if (vm_facts(config).disk_gib >= spec.disk_gib) {
      return {};
    }
    return resize_disk(spec.pve_node, spec.vmid, "scsi0", spec.disk_gib);
  }

  Result<VmConfig> vm_config(const std::string& node, int vmid) override {
    return read_config(node, vmid, {});
  }

  Result<VmConfig> vm_running_config(const std::string& node, int vmid) override {
    return read_config(node, vmid, {{"current", "1"}});
  }



  Result<VmUpdate> update_vm(const std::string& node, int vmid, const Params& changes,
                             const std::vector<std::string>& deletes,
                             const std::string& digest) override {
    Params params = changes;
    if (!deletes.empty()) {
      std::string joined;
      for (const std::string& key : deletes) {
        joined += (joined.empty() ? "" : ",") + key;
      }
      params.push_back({"delete", joined});
    }
    if (!digest.empty()) {
      params.push_back({"digest", digest});
    }
    ASSIGN_OR_RETURN(json upid, client_.call(Method::Post, vm_path(node, vmid, "/config"), params));
    RETURN_IF_ERROR(wait_if_task(upid));
    return pending_changes(node, vmid);
  }

  Result<void> resize_disk(const std::string& node, int vmid, const std::string& disk,
                           int gib) override {
    ASSIGN_OR_RETURN(json upid, client_.call(Method::Put, vm_path(node, vmid, "/resize"),
                                             {{"disk", disk}, {"size", fmt::format("{}G", gib)}}));
    return wait_if_task(upid);  // 7.4 resizes synchronously and answers null
  }

  Result<void> start_vm(const std::string& node, int vmid) override {
    return with_retries([&]() -> Result<void> {
      ASSIGN_OR_RETURN(std::string status, vm_status(node, vmid));
      if (status == "running") {
        return {};
      }
      return power(node, vmid, "start", {});
    });
  }

  Result<void> shutdown_vm(const std::string& node, int vmid, int timeout_s) override {
    return with_retries([&]() -> Result<void> {
      ASSIGN_OR_RETURN(std::string status, vm_status(node, vmid));
      if (status == "stopped") {
        return {};
      }
      return power(node, vmid, "shutdown",
                   {{"timeout", std::to_string(timeout_s)}, {"forceStop", "1"}});
    });
  }

  Result<void> stop_vm(const std::string& node, int vmid) override {
    return with_retries([&] { return power(node, vmid, "stop", {}); });  // stopping twice is fine
  }

  Result<void> destroy_vm(const std::string& node, int vmid) override {
    return with_retries([&]() -> Result<void> {
      Result<std::string> status = vm_status(node, vmid);
      if (!status.ok()) {
        return status.error().code == ErrorCode::NotFound
                   ? Result<void>()
                   : Result<void>(std::move(status).error());
      }
      if (*status == "running") {
        RETURN_IF_ERROR(power(node, vmid, "stop", {}));
      }
      ASSIGN_OR_RETURN(json upid,
                       client_.call(Method::Delete, vm_path(node, vmid),
                                    {{"purge", "1"}, {"destroy-unreferenced-disks", "1"}}));
      return wait_if_task(upid);
    });
  }

  Result<std::vector<GuestInterface>> guest_interfaces(const std::string& node,
                                                       int vmid) override {
    Result<json> data =
        client_.call(Method::Get, vm_path(node, vmid, "/agent/network-get-interfaces"));
    if (!data.ok()) {
      Error error = std::move(data).error();
      if (error.message.find("agent is not running") != std::string::npos ||
          error.message.find("got timeout") != std::string::npos) {
        error.code = ErrorCode::Unavailable;
      }
      return error;
    }
    const json result = data->value("result", json());
    if (result.is_object() && result.contains("error")) {
      return Error::unavailable(fmt::format("guest agent of VM {} refused: {}", vmid,
                                            result["error"].value("desc", result.dump())));
    }
    std::vector<GuestInterface> out;
    for (const json& iface : result) {
      GuestInterface g{lenient_string(iface, "name"),
                       lowercase(lenient_string(iface, "hardware-address")), {}};
      for (const json& ip : iface.value("ip-addresses", json::array())) {
        if (lenient_string(ip, "ip-address-type") == "ipv4") {
          g.ipv4.push_back(lenient_string(ip, "ip-address"));
        }
      }
      out.push_back(std::move(g));
    }
    return out;
  }

  Result<std::vector<Volume>> storage_content(const std::string& node, const std::string& storage,
                                              const std::string& content) override {
    ASSIGN_OR_RETURN(json data,
                     client_.call(Method::Get,
                                  fmt::format("/nodes/{}/storage/{}/content", node, storage),
                                  {{"content", content}}));
    std::vector<Volume> out;
    for (const json& v : data) {
      out.push_back({lenient_string(v, "volid"), lenient_string(v, "content"),
                     lenient_string(v, "format"), lenient_u64(v, "size")});
    }
    return out;
  }

  Result<std::string> ensure_downloaded(const DownloadRequest& r) override {
    if (r.content != "iso" && r.content != "import") {
      return Error::invalid_input(fmt::format(
          "boot image content must be 'iso' or 'import', not '{}'", r.content));
    }
    if (r.content == "import") {
      ASSIGN_OR_RETURN(PveVersion pve, cached_version());
      if (!pve.supports_import_content()) {
        return Error::invalid_input(
                   fmt::format("Proxmox VE {} on {} cannot download disk images into '{}' "
                               "(content 'import' for .qcow2/.raw arrived in PVE 8.4)",
                               pve.text, r.pve_node, r.storage))
            .with_hint("use the Talos ISO (the default), or upgrade Proxmox VE to 8.4 or later");
      }
    }
    return with_retries([&] { return download_once(r); });
  }

 private:
  Result<VmConfig> read_config(const std::string& node, int vmid, const Params& params) {
    ASSIGN_OR_RETURN(json data, client_.call(Method::Get, vm_path(node, vmid, "/config"), params));
    VmConfig config;
    for (auto it = data.begin(); it != data.end(); ++it) {
      if (it.key() == "digest") {
        config.digest = lenient_string(data, "digest");
      } else {
        config.options[it.key()] = lenient_string(data, it.key());
      }
    }
    return config;
  }

  Result<void> create_once(const VmSpec& spec, const PveVersion& pve) {
    const Params params = create_params(spec, pve);
    const std::string path = fmt::format("/nodes/{}/qemu", spec.pve_node);
    for (int attempt = 1;; ++attempt) {
      Result<TaskResult> created =
          client_.run_task(Method::Post, path, params, options_.task_wait);
      if (created.ok()) {
        return {};
      }
      const ErrorCode code = created.error().code;
      if (code != ErrorCode::Unavailable && code != ErrorCode::AlreadyExists) {
        return std::move(created).error();
      }
      // The answer was lost or the VMID is taken: whether the VM is ours decides.
      ASSIGN_OR_RETURN(std::optional<bool> ours, owned_by(spec));
      if (ours.has_value() && *ours) {
        return wait_unlocked(spec.pve_node, spec.vmid);
      }
      if (ours.has_value()) {
        return Error::already_exists(
                   fmt::format("VMID {} is already used by a VM that talforge does not own",
                               spec.vmid))
            .with_hint("set vmid for this node in cluster.yaml to a free id, or remove the "
                       "other VM");
      }
      if (attempt >= options_.action_attempts) {
        return std::move(created).error();
      }
      client_.clock().sleep_for(options_.action_backoff.delay(attempt));
    }
  }

  Result<std::string> download_once(const DownloadRequest& r) {
    const std::string filename = pve_file_name(r.filename);
    const std::string volid = fmt::format("{}:{}/{}", r.storage, r.content, filename);
    ASSIGN_OR_RETURN(std::vector<Volume> present, storage_content(r.pve_node, r.storage, r.content));
    for (const Volume& v : present) {
      if (v.volid == volid) {
        return volid;
      }
    }
    Params params = {{"url", r.url}, {"content", r.content}, {"filename", filename}};
    if (!r.sha256.empty()) {
      params.push_back({"checksum", r.sha256});
      params.push_back({"checksum-algorithm", "sha256"});
    }
    RETURN_IF_ERROR(client_.run_task(
        Method::Post, fmt::format("/nodes/{}/storage/{}/download-url", r.pve_node, r.storage),
        params, options_.task_wait));
    return volid;
  }

  // Runs an action that re-checks its own state first, again after transient failures.
  template <typename Action>
  auto with_retries(Action action) -> decltype(action()) {
    for (int attempt = 1;; ++attempt) {
      auto result = action();
      if (result.ok() || result.error().code != ErrorCode::Unavailable ||
          attempt >= options_.action_attempts) {
        return result;
      }
      client_.clock().sleep_for(options_.action_backoff.delay(attempt));
    }
  }

  // The engine creates VMs from several threads at once.
  Result<PveVersion> cached_version() {
    std::lock_guard<std::mutex> lock(version_mutex_);
    if (!version_) {
      ASSIGN_OR_RETURN(PveVersion v, version());
      version_ = v;
    }
    return *version_;
  }

  Result<std::string> vm_status(const std::string& node, int vmid) {
    ASSIGN_OR_RETURN(json data, client_.call(Method::Get, vm_path(node, vmid, "/status/current")));
    return lenient_string(data, "status");
  }

  Result<void> power(const std::string& node, int vmid, const std::string& action,
                     const Params& params) {
    RETURN_IF_ERROR(client_.run_task(Method::Post, vm_path(node, vmid, "/status/" + action),
                                     params, options_.task_wait));
    return {};
  }

  // Entries of GET …/pending with a `pending` value or a `delete` mark wait for a restart.
  Result<VmUpdate> pending_changes(const std::string& node, int vmid) {
    ASSIGN_OR_RETURN(json entries, client_.call(Method::Get, vm_path(node, vmid, "/pending")));
    VmUpdate update;
    for (const json& entry : entries) {
      if (entry.contains("pending") || lenient_u64(entry, "delete") != 0) {
        update.pending.push_back(lenient_string(entry, "key"));
      }
    }
    update.reboot_needed = !update.pending.empty();
    return update;
  }

  Result<void> wait_if_task(const json& upid) {
    if (!upid.is_string()) {
      return {};
    }
    RETURN_IF_ERROR(client_.wait_task(upid.get<std::string>(), options_.task_wait));
    return {};
  }

  // nullopt: no VM with this VMID; true/false: it exists and is / is not this spec's VM.
  Result<std::optional<bool>> owned_by(const VmSpec& spec) {
    ASSIGN_OR_RETURN(ClusterState state, cluster());
    const VmState* vm = state.find_vm(spec.vmid);
    if (vm == nullptr) {
      return std::optional<bool>();
    }
    ASSIGN_OR_RETURN(VmConfig config, vm_config(vm->node, spec.vmid));
    const std::optional<Ownership> owner = parse_ownership(config.options["description"]);
    return std::optional<bool>(owner && owner->cluster == spec.cluster &&
                               owner->node == spec.name);
  }

  // A create that is still running holds `lock: create`; it is done once the lock is gone.
  Result<void> wait_unlocked(const std::string& node, int vmid) {
    util::Backoff poll = options_.task_wait.poll;
    for (int attempt = 1; attempt < 200; ++attempt) {
      ASSIGN_OR_RETURN(VmConfig config, vm_config(node, vmid));
      if (config.options.count("lock") == 0) {
        return {};
      }
      client_.clock().sleep_for(poll.delay(attempt));
    }
    return Error::timeout(fmt::format("VM {} stays locked after its creation", vmid));
  }

  Client& client_;
  HttpApiOptions options_;
  std::mutex version_mutex_;
  std::optional<PveVersion> version_;
};

}  // namespace

const VmState* ClusterState::find_vm(int vmid) const {
  for (const VmState& vm : vms) {
    if (vm.vmid == vmid) {
      return &vm;
    }
  }
  return nullptr;
}

std::unique_ptr<Api> make_http_api(Client& client, HttpApiOptions options) {
  return std::make_unique<HttpApi>(client, options);
}

}  // namespace proxmox
