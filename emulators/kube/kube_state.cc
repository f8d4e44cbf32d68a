// KubeState: the object store (resourceVersions, watch events) and its public operations.
#include "emulators/kube/kube_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "emulators/kube/discovery.h"
#include "emulators/kube/state_impl.h"
#include "emulators/kube/time_format.h"

namespace kube_emu {
namespace {

using nlohmann::json;

// Watch history kept per cluster. Bounded for memory (the Talos emulator hosts many clusters);
// a watcher further behind gets 410 Expired and re-lists, as with a real API server.
constexpr size_t kMaxEventsKept = 1000;

// RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces.
void merge_patch(json& target, const json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) {
    target = json::object();
  }
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null()) {
      target.erase(k);
    } else {
      merge_patch(target[k], v);
    }
  }
}

// "nodes" or "daemonsets.apps": how the real server names a resource in messages.
std::string qualified(const std::string& resource) {
  const ResourceInfo* info = find_resource(resource);
  return info == nullptr || info->group.empty() ? resource : resource + "." + info->group;
}

util::Error not_found(const std::string& resource, const std::string& name) {
  return util::Error::not_found(fmt::format("{} \"{}\" not found", qualified(resource), name));
}

json without_bookkeeping(json object) {
  if (object.contains("metadata")) {
    object["metadata"].erase("resourceVersion");
    object["metadata"].erase("uid");
    object["metadata"].erase("creationTimestamp");
  }
  return object;
}

std::string string_at(const json& object, const char* pointer) {
  const json::json_pointer p(pointer);
  return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : "";
}

}  // namespace

const char* watch_event_type_name(WatchEventType type) {
  switch (type) {
    case WatchEventType::Added:
      return "ADDED";
    case WatchEventType::Modified:
      return "MODIFIED";
    case WatchEventType::Deleted:
      return "DELETED";
  }
  return "ERROR";
}

// ---- Impl store ----

const json* KubeState::Impl::find(const std::string& resource, const std::string& ns,
                                  const std::string& name) const {
  const auto r = objects.find(resource);
  if (r == objects.end()) {
    return nullptr;
  }
  const auto it = r->second.find(key(ns, name));
  return it == r->second.end() ? nullptr : &it->second;
}

std::string KubeState::Impl::now_timestamp() const {
  return format_timestamp(options.now());
}

void KubeState::Impl::publish(WatchEventType type, const std::string& resource,
                              const json& object) {
  events.push_back({rv, type, resource, string_at(object, "/metadata/namespace"), object});
  while (events.size() > kMaxEventsKept) {
    events.pop_front();
  }
  cv.notify_all();
}

const json& KubeState::Impl::put(const std::string& resource, json object) {
  json& md = object["metadata"];
  const std::string ns = md.value("namespace", "");
  const std::string name = md.value("name", "");
  auto& table = objects[resource];
  const auto it = table.find(key(ns, name));
  const bool existed = it != table.end();
  if (existed) {
    md["uid"] = it->second["metadata"]["uid"];
    md["creationTimestamp"] = it->second["metadata"]["creationTimestamp"];
  } else {
    if (!md.contains("uid")) {
      md["uid"] = make_uid(++ids);
    }
    if (!md.contains("creationTimestamp") || !md["creationTimestamp"].is_string()) {
      md["creationTimestamp"] = now_timestamp();
    }
  }
  md["resourceVersion"] = std::to_string(++rv);
  json& stored = table[key(ns, name)];
  stored = std::move(object);
  publish(existed ? WatchEventType::Modified : WatchEventType::Added, resource, stored);
  return stored;
}

void KubeState::Impl::put_if_changed(const std::string& resource, json object) {
  const json* current =
      find(resource, string_at(object, "/metadata/namespace"), string_at(object, "/metadata/name"));
  if (current != nullptr && without_bookkeeping(*current) == without_bookkeeping(object)) {
    return;
  }
  put(resource, std::move(object));
}

void KubeState::Impl::erase(const std::string& resource, const std::string& ns,
                            const std::string& name) {
  auto& table = objects[resource];
  const auto it = table.find(key(ns, name));
  if (it == table.end()) {
    return;
  }
  json last = std::move(it->second);
  table.erase(it);
  if (resource == "pods") {
    managed_pods.erase(key(ns, name));
  }
  last["metadata"]["resourceVersion"] = std::to_string(++rv);
  publish(WatchEventType::Deleted, resource, last);
}

// ---- construction and cluster facts ----

KubeState::KubeState(KubeStateOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  for (const char* ns : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    s.put("namespaces", namespace_object(ns));
  }
  s.put("services",
        service_object("default", "kubernetes", "10.96.0.1",
                       {{"component", "apiserver"}, {"provider", "kubernetes"}}, 443, "https"));
  s.put("services", service_object("kube-system", "kube-dns", "10.96.0.10",
                                   {{"k8s-app", "kube-dns"},
                                    {"kubernetes.io/cluster-service", "true"},
                                    {"kubernetes.io/name", "CoreDNS"}},
                                   53, "dns"));
  s.workloads.push_back({"coredns", "coredns-" + name_suffix(7001, 10), 2, false,
                         PodTemplate{"kube-system",
                                     {{"k8s-app", "kube-dns"}},
                                     "coredns",
                                     "registry.k8s.io/coredns/coredns:v1.12.3",
                                     false,
                                     false}});
  s.workloads.push_back({"cilium-operator", "cilium-operator-" + name_suffix(7002, 10), 1, true,
                         PodTemplate{"kube-system",
                                     {{"app.kubernetes.io/name", "cilium-operator"},
                                      {"io.cilium/app", "operator"},
                                      {"name", "cilium-operator"}},
                                     "cilium-operator",
                                     "quay.io/cilium/operator-generic:v1.18.2",
                                     true,
                                     false}});
  s.daemonsets.push_back({"cilium", true,
                          PodTemplate{"kube-system",
                                      {{"k8s-app", "cilium"}},
                                      "cilium-agent",
                                      "quay.io/cilium/cilium:v1.18.2",
                                      true,
                                      false}});
  if (s.options.kube_proxy) {
    s.daemonsets.push_back(
        {"kube-proxy", false,
         PodTemplate{"kube-system",
                     {{"k8s-app", "kube-proxy"}},
                     "kube-proxy",
                     "registry.k8s.io/kube-proxy:" + s.options.kubernetes_version,
                     true,
                     false}});
  }
  s.reconcile();
}

KubeState::~KubeState() {
  stop_watches();
}

void KubeState::upsert_node(const NodeFacts& facts) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  auto it = s.nodes.find(facts.name);
  if (it == s.nodes.end()) {
    it = s.nodes.emplace(facts.name, NodeRuntime{facts, true, s.next_node_index++}).first;
  }
  it->second.facts = facts;
  it->second.kubelet_running = true;
  const std::string cidr = fmt::format("10.244.{}.0/24", it->second.index % 256);
  json node = node_object(facts, cidr);
  if (const json* current = s.find("nodes", "", facts.name)) {
    // Keep what users changed through the API (cordon, labels) and the conditions' history.
    json merged = *current;
    merge_patch(merged["metadata"]["labels"], node["metadata"]["labels"]);
    merged["status"]["addresses"] = node["status"]["addresses"];
    merged["status"]["nodeInfo"] = node["status"]["nodeInfo"];
    merged["status"]["capacity"] = node["status"]["capacity"];
    merged["status"]["allocatable"] = node["status"]["allocatable"];
    node = std::move(merged);
  }
  s.put_if_changed("nodes", std::move(node));
  s.reconcile();
}

void KubeState::set_cni_running(bool running) {
  std::lock_guard lock(impl_->mu);
  impl_->cni = running;
  impl_->reconcile();
}

void KubeState::set_node_kubelet_running(const std::string& name, bool running) {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->nodes.find(name);
  if (it == impl_->nodes.end()) {
    return;
  }
  it->second.kubelet_running = running;
  impl_->reconcile();
}

void KubeState::remove_node(const std::string& name) {
  std::lock_guard lock(impl_->mu);
  impl_->nodes.erase(name);
  impl_->erase("nodes", "", name);
  impl_->reconcile();
}

void KubeState::set_available(bool available) {
  std::lock_guard lock(impl_->mu);
  impl_->available = available;
}

// ---- reads ----

bool KubeState::available() const {
  std::lock_guard lock(impl_->mu);
  return impl_->available;
}

bool KubeState::cni_running() const {
  std::lock_guard lock(impl_->mu);
  return impl_->cni;
}

const std::string& KubeState::kubernetes_version() const {
  return impl_->options.kubernetes_version;
}

bool KubeState::node_exists(const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  return impl_->find("nodes", "", name) != nullptr;
}

bool KubeState::node_ready(const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  const json* node = impl_->find("nodes", "", name);
  if (node == nullptr) {
    return false;
  }
  for (const json& c : node->value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == "Ready") {
      return c.value("status", "") == "True";
    }
  }
  return false;
}

bool KubeState::node_unschedulable(const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  const json* node = impl_->find("nodes", "", name);
  return node != nullptr && node->value("/spec/unschedulable"_json_pointer, false);
}

std::vector<std::string> KubeState::node_names() const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [k, node] : impl_->objects["nodes"]) {
    out.push_back(node["metadata"]["name"].get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> KubeState::pods_on_node(const std::string& node) const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [k, pod] : impl_->objects["pods"]) {
    if (string_at(pod, "/spec/nodeName") == node) {
      out.push_back(k);
    }
  }
  return out;
}

std::vector<std::string> KubeState::evictable_pods_on_node(const std::string& node) const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [k, pod] : impl_->objects["pods"]) {
    const bool mirror = !string_at(pod, "/metadata/annotations/kubernetes.io~1config.mirror").empty();
    bool daemon = false;
    for (const json& ref : pod.value("/metadata/ownerReferences"_json_pointer, json::array())) {
      daemon = daemon || (ref.value("controller", false) && ref.value("kind", "") == "DaemonSet");
    }
    if (string_at(pod, "/spec/nodeName") == node && !mirror && !daemon) {
      out.push_back(k);
    }
  }
  return out;
}

std::vector<std::string> KubeState::pod_names() const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [k, pod] : impl_->objects["pods"]) {
    out.push_back(k);
  }
  return out;
}

int KubeState::evictions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->evictions;
}

int KubeState::node_deletions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->node_deletions;
}

uint64_t KubeState::resource_version() const {
  std::lock_guard lock(impl_->mu);
  return impl_->rv;
}

std::chrono::system_clock::time_point KubeState::now() const {
  return impl_->options.now();
}

// ---- generic object access ----

KubeState::ListResult KubeState::list(const std::string& resource, const std::string& ns,
                                      const Selector& selector) const {
  std::lock_guard lock(impl_->mu);
  ListResult out;
  out.resource_version = impl_->rv;
  const auto r = impl_->objects.find(resource);
  if (r == impl_->objects.end()) {
    return out;
  }
  for (const auto& [k, object] : r->second) {
    if (!ns.empty() && string_at(object, "/metadata/namespace") != ns) {
      continue;
    }
    if (selector.matches(object)) {
      out.items.push_back(object);
    }
  }
  return out;
}

util::Result<json> KubeState::get(const std::string& resource, const std::string& ns,
                                  const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  const json* object = impl_->find(resource, ns, name);
  if (object == nullptr) {
    return not_found(resource, name);
  }
  return *object;
}

util::Result<json> KubeState::create(const std::string& resource, const std::string& ns,
                                     json object) {
  if (!object.is_object()) {
    return util::Error::invalid_input("the request body is not a JSON object");
  }
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  json& md = object["metadata"];
  if (!md.is_object()) {
    return util::Error::invalid_input("metadata: Required value");
  }
  std::string name = md.value("name", "");
  if (name.empty() && !md.value("generateName", "").empty()) {
    name = md["generateName"].get<std::string>() + name_suffix(++s.ids, 5);
  }
  if (name.empty()) {
    return util::Error::invalid_input(
        "metadata.name: Required value: name or generateName is required");
  }
  md["name"] = name;
  if (!ns.empty()) {
    if (s.find("namespaces", "", ns) == nullptr) {
      return not_found("namespaces", ns);
    }
    md["namespace"] = ns;
  }
  if (s.find(resource, ns, name) != nullptr) {
    return util::Error::already_exists(
        fmt::format("{} \"{}\" already exists", qualified(resource), name));
  }
  md.erase("resourceVersion");
  md.erase("uid");
  md.erase("creationTimestamp");
  if (resource == "pods" && !object.contains("status")) {
    object["status"] = {
        {"phase", object.contains("/spec/nodeName"_json_pointer) ? "Running" : "Pending"}};
  }
  json stored = s.put(resource, std::move(object));
  s.reconcile();
  return stored;
}

util::Result<json> KubeState::patch(const std::string& resource, const std::string& ns,
                                    const std::string& name, const json& patch, PatchKind kind,
                                    bool* created) {
  if (!patch.is_object()) {
    return util::Error::invalid_input("the patch is not a JSON object");
  }
  if (created != nullptr) {
    *created = false;
  }
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  const json* current = s.find(resource, ns, name);
  if (current == nullptr) {
    if (kind != PatchKind::Apply) {
      return not_found(resource, name);
    }
    lock.unlock();
    json object = patch;
    object["metadata"]["name"] = name;
    auto result = create(resource, ns, std::move(object));
    if (result.ok() && created != nullptr) {
      *created = true;
    }
    return result;
  }
  json updated = *current;
  merge_patch(updated, patch);
  updated["metadata"]["name"] = name;
  if (!ns.empty()) {
    updated["metadata"]["namespace"] = ns;
  }
  json stored = s.put(resource, std::move(updated));
  s.reconcile();
  return stored;
}

util::Result<json> KubeState::remove(const std::string& resource, const std::string& ns,
                                     const std::string& name) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  const json* current = s.find(resource, ns, name);
  if (current == nullptr) {
    return not_found(resource, name);
  }
  json last = *current;
  if (resource == "nodes") {
    s.nodes.erase(name);
    ++s.node_deletions;
  }
  s.erase(resource, ns, name);
  s.reconcile();
  return last;
}

util::Result<void> KubeState::evict(const std::string& ns, const std::string& name) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.find("pods", ns, name) == nullptr) {
    return not_found("pods", name);
  }
  s.erase("pods", ns, name);
  ++s.evictions;
  s.reconcile();
  return {};
}

std::vector<WatchEvent> KubeState::wait_for_events(
    const std::string& resource, uint64_t after,
    std::chrono::steady_clock::time_point deadline) const {
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  std::vector<WatchEvent> out;
  const uint64_t generation = s.wake_generation;
  auto collect = [&] {
    out.clear();
    for (auto it = s.events.rbegin(); it != s.events.rend() && it->resource_version > after; ++it) {
      if (it->resource == resource) {
        out.push_back(*it);
      }
    }
    std::reverse(out.begin(), out.end());
    return !out.empty() || s.wake_generation != generation;
  };
  s.cv.wait_until(lock, deadline, collect);
  return out;
}

uint64_t KubeState::oldest_watchable_version() const {
  std::lock_guard lock(impl_->mu);
  return impl_->events.empty() ? impl_->rv : impl_->events.front().resource_version - 1;
}

void KubeState::stop_watches() {
  std::lock_guard lock(impl_->mu);
  ++impl_->wake_generation;
  impl_->cv.notify_all();
}

}  // namespace kube_emu
