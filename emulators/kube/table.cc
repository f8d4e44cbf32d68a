// Column definitions and cell rendering per resource; unknown resources get Name and Age.
#include "emulators/kube/table.h"

#include <functional>

#include <fmt/format.h>

#include "emulators/kube/time_format.h"

namespace kube_emu {
namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;

struct Column {
  const char* name;
  int priority;
  std::function<std::string(const json&, Clock::time_point)> cell;
};

std::string str(const json& object, const char* pointer, const std::string& fallback = "") {
  const json::json_pointer p(pointer);
  if (!object.contains(p)) {
    return fallback;
  }
  const json& v = object.at(p);
  if (v.is_string()) {
    return v.get<std::string>().empty() ? fallback : v.get<std::string>();
  }
  if (v.is_number_integer()) {
    return std::to_string(v.get<int64_t>());
  }
  return fallback;
}

std::string age_of(const std::string& timestamp, Clock::time_point now) {
  const auto t = parse_timestamp(timestamp);
  if (!t) {
    return "<unknown>";
  }
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
}

std::string age(const json& o, Clock::time_point now) {
  return age_of(str(o, "/metadata/creationTimestamp"), now);
}

std::string name(const json& o, Clock::time_point) {
  return str(o, "/metadata/name");
}

std::string node_status(const json& node, Clock::time_point) {
  std::string status = "Unknown";
  for (const json& c : node.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == "Ready") {
      status = c.value("status", "") == "True"    ? "Ready"
               : c.value("status", "") == "False" ? "NotReady"
                                                  : "Unknown";
    }
  }
  if (node.value("/spec/unschedulable"_json_pointer, false)) {
    status += ",SchedulingDisabled";
  }
  return status;
}

std::string node_roles(const json& node, Clock::time_point) {
  static const std::string kPrefix = "node-role.kubernetes.io/";
  std::string roles;
  const json labels = node.value("/metadata/labels"_json_pointer, json::object());
  for (const auto& [k, v] : labels.items()) {
    if (k.rfind(kPrefix, 0) == 0 && k.size() > kPrefix.size()) {
      roles += (roles.empty() ? "" : ",") + k.substr(kPrefix.size());
    }
  }
  return roles.empty() ? "<none>" : roles;
}

std::function<std::string(const json&, Clock::time_point)> node_address(const char* type) {
  return [type](const json& node, Clock::time_point) -> std::string {
    for (const json& a : node.value("/status/addresses"_json_pointer, json::array())) {
      if (a.value("type", "") == type) {
        return a.value("address", "<none>");
      }
    }
    return "<none>";
  };
}

std::function<std::string(const json&, Clock::time_point)> field(const char* pointer,
                                                                 const char* fallback = "<none>") {
  return
      [pointer, fallback](const json& o, Clock::time_point) { return str(o, pointer, fallback); };
}

std::string pod_ready(const json& pod, Clock::time_point) {
  const json statuses = pod.value("/status/containerStatuses"_json_pointer, json::array());
  const size_t total = pod.value("/spec/containers"_json_pointer, json::array()).size();
  size_t ready = 0;
  for (const json& s : statuses) {
    ready += s.value("ready", false) ? 1 : 0;
  }
  return fmt::format("{}/{}", ready, total);
}

std::string pod_status(const json& pod, Clock::time_point) {
  if (pod.contains("/metadata/deletionTimestamp"_json_pointer)) {
    return "Terminating";
  }
  for (const json& s : pod.value("/status/containerStatuses"_json_pointer, json::array())) {
    if (s.contains("/state/waiting/reason"_json_pointer)) {
      return s["state"]["waiting"]["reason"].get<std::string>();
    }
  }
  return str(pod, "/status/reason", str(pod, "/status/phase", "Unknown"));
}

std::string pod_restarts(const json& pod, Clock::time_point) {
  int64_t restarts = 0;
  for (const json& s : pod.value("/status/containerStatuses"_json_pointer, json::array())) {
    restarts += s.value("restartCount", 0);
  }
  return std::to_string(restarts);
}

std::string event_object(const json& e, Clock::time_point) {
  std::string kind = str(e, "/involvedObject/kind");
  for (char& c : kind) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return kind + "/" + str(e, "/involvedObject/name");
}

std::string event_last_seen(const json& e, Clock::time_point now) {
  return age_of(str(e, "/lastTimestamp", str(e, "/metadata/creationTimestamp")), now);
}

std::string service_ports(const json& svc, Clock::time_point) {
  std::string out;
  for (const json& p : svc.value("/spec/ports"_json_pointer, json::array())) {
    out += fmt::format("{}{}/{}", out.empty() ? "" : ",", p.value("port", 0),
                       p.value("protocol", "TCP"));
  }
  return out.empty() ? "<none>" : out;
}

std::string configmap_data(const json& cm, Clock::time_point) {
  return std::to_string(cm.value("data", json::object()).size() +
                        cm.value("binaryData", json::object()).size());
}

const std::vector<Column>& columns_for(const std::string& resource) {
  static const std::vector<Column> kNodes = {
      {"Name", 0, name},
      {"Status", 0, node_status},
      {"Roles", 0, node_roles},
      {"Age", 0, age},
      {"Version", 0, field("/status/nodeInfo/kubeletVersion", "")},
      {"Internal-IP", 1, node_address("InternalIP")},
      {"External-IP", 1, node_address("ExternalIP")},
      {"OS-Image", 1, field("/status/nodeInfo/osImage", "<unknown>")},
      {"Kernel-Version", 1, field("/status/nodeInfo/kernelVersion", "<unknown>")},
      {"Container-Runtime", 1, field("/status/nodeInfo/containerRuntimeVersion", "<unknown>")}};
  static const std::vector<Column> kPods = {
      {"Name", 0, name},
      {"Ready", 0, pod_ready},
      {"Status", 0, pod_status},
      {"Restarts", 0, pod_restarts},
      {"Age", 0, age},
      {"IP", 1, field("/status/podIP")},
      {"Node", 1, field("/spec/nodeName")},
      {"Nominated Node", 1, field("/status/nominatedNodeName")},
      {"Readiness Gates", 1, field("/spec/readinessGates")}};
  static const std::vector<Column> kNamespaces = {
      {"Name", 0, name}, {"Status", 0, field("/status/phase", "Active")}, {"Age", 0, age}};
  static const std::vector<Column> kConfigMaps = {
      {"Name", 0, name}, {"Data", 0, configmap_data}, {"Age", 0, age}};
  static const std::vector<Column> kEvents = {{"Last Seen", 0, event_last_seen},
                                              {"Type", 0, field("/type", "")},
                                              {"Reason", 0, field("/reason", "")},
                                              {"Object", 0, event_object},
                                              {"Message", 0, field("/message", "")}};
  static const std::vector<Column> kServices = {{"Name", 0, name},
                                                {"Type", 0, field("/spec/type", "ClusterIP")},
                                                {"Cluster-IP", 0, field("/spec/clusterIP")},
                                                {"External-IP", 0, field("/spec/externalIPs/0")},
                                                {"Port(s)", 0, service_ports},
                                                {"Age", 0, age}};
  static const std::vector<Column> kDaemonSets = {
      {"Name", 0, name},
      {"Desired", 0, field("/status/desiredNumberScheduled", "0")},
      {"Current", 0, field("/status/currentNumberScheduled", "0")},
      {"Ready", 0, field("/status/numberReady", "0")},
      {"Up-to-date", 0, field("/status/updatedNumberScheduled", "0")},
      {"Available", 0, field("/status/numberAvailable", "0")},
      {"Node Selector", 0, field("/spec/template/spec/nodeSelector")},
      {"Age", 0, age}};
  static const std::vector<Column> kDeployments = {
      {"Name", 0, name},
      {"Ready", 0,
       [](const json& d, Clock::time_point) {
         return fmt::format("{}/{}", str(d, "/status/readyReplicas", "0"),
                            str(d, "/spec/replicas", "0"));
       }},
      {"Up-to-date", 0, field("/status/updatedReplicas", "0")},
      {"Available", 0, field("/status/availableReplicas", "0")},
      {"Age", 0, age}};
  static const std::vector<Column> kReplicaSets = {
      {"Name", 0, name},
      {"Desired", 0, field("/spec/replicas", "0")},
      {"Current", 0, field("/status/replicas", "0")},
      {"Ready", 0, field("/status/readyReplicas", "0")},
      {"Age", 0, age}};
  static const std::vector<Column> kDefault = {{"Name", 0, name}, {"Age", 0, age}};
  if (resource == "daemonsets") {
    return kDaemonSets;
  }
  if (resource == "deployments") {
    return kDeployments;
  }
  if (resource == "replicasets") {
    return kReplicaSets;
  }
  if (resource == "nodes") {
    return kNodes;
  }
  if (resource == "pods") {
    return kPods;
  }
  if (resource == "namespaces") {
    return kNamespaces;
  }
  if (resource == "configmaps") {
    return kConfigMaps;
  }
  if (resource == "events") {
    return kEvents;
  }
  if (resource == "services") {
    return kServices;
  }
  return kDefault;
}

json row_object(const json& item, TableObjects include) {
  if (include == TableObjects::Full) {
    return item;
  }
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", item.value("metadata", json::object())}};
}

}  // namespace

json render_table(const std::string& resource, const std::vector<json>& items,
                  uint64_t resource_version, Clock::time_point now, TableObjects include) {
  const std::vector<Column>& columns = columns_for(resource);
  json definitions = json::array();
  for (const Column& c : columns) {
    json d = {{"name", c.name},
              {"type", "string"},
              {"format", ""},
              {"description", ""},
              {"priority", c.priority}};
    if (std::string(c.name) == "Name") {
      d["format"] = "name";
    }
    definitions.push_back(d);
  }
  json rows = json::array();
  for (const json& item : items) {
    json cells = json::array();
    for (const Column& c : columns) {
      cells.push_back(c.cell(item, now));
    }
    json row = {{"cells", cells}};
    if (include != TableObjects::None) {
      row["object"] = row_object(item, include);
    }
    rows.push_back(row);
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace kube_emu
