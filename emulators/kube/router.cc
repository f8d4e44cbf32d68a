// Request routing: health and version, discovery and OpenAPI, then the resource verbs.
#include "emulators/kube/router.h"

#include <algorithm>

#include <fmt/format.h>

#include "emulators/kube/discovery.h"
#include "emulators/kube/table.h"

namespace kube_emu {
namespace {

using nlohmann::json;

constexpr int kDefaultWatchSeconds = 1800;

std::string query_value(const ApiRequest& r, const std::string& key) {
  const auto it = r.query.find(key);
  return it == r.query.end() ? "" : it->second;
}

bool has_query(const ApiRequest& r, const std::string& key) {
  return r.query.count(key) > 0;
}

ApiReply json_reply(int status, const json& body) {
  ApiReply reply;
  reply.status = status;
  reply.body = body.dump();
  return reply;
}

ApiReply text_reply(int status, std::string body) {
  ApiReply reply;
  reply.status = status;
  reply.content_type = "text/plain; charset=utf-8";
  reply.body = std::move(body);
  return reply;
}

ApiReply status_reply(int code, const std::string& reason, const std::string& message,
                      const json& details = nullptr) {
  json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
               {"status", "Failure"}, {"message", message}, {"reason", reason},
               {"code", code}};
  if (!details.is_null()) {
    body["details"] = details;
  }
  return json_reply(code, body);
}

ApiReply error_reply(const util::Error& e, const json& details) {
  switch (e.code) {
    case util::ErrorCode::NotFound:
      return status_reply(404, "NotFound", e.message, details);
    case util::ErrorCode::AlreadyExists:
      return status_reply(409, "AlreadyExists", e.message, details);
    case util::ErrorCode::Conflict:
      return status_reply(409, "Conflict", e.message, details);
    case util::ErrorCode::InvalidInput:
      return status_reply(400, "BadRequest", e.message, details);
    case util::ErrorCode::PermissionDenied:
      return status_reply(403, "Forbidden", e.message, details);
    case util::ErrorCode::Unavailable:
      return status_reply(503, "ServiceUnavailable", e.message, details);
    default:
      return status_reply(500, "InternalError", e.message, details);
  }
}

ApiReply not_found_path() {
  return status_reply(404, "NotFound", "the server could not find the requested resource",
                      json::object());
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty()) {
        out.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    out.push_back(current);
  }
  return out;
}

bool is_member(const ApiRequest& r, const std::string& group) {
  return std::find(r.groups.begin(), r.groups.end(), group) != r.groups.end();
}

ApiReply version_reply(const KubeState& state) {
  // "v1.34.1" → major "1", minor "34"; tolerate a missing "v" or a pre-release suffix.
  std::string v = state.kubernetes_version();
  if (v.empty() || v[0] != 'v') {
    v = "v" + v;
  }
  const std::string bare = v.substr(1);
  const auto dot = bare.find('.');
  const std::string major = bare.substr(0, dot);
  std::string minor = dot == std::string::npos ? "0" : bare.substr(dot + 1);
  minor = minor.substr(0, minor.find_first_not_of("0123456789"));
  return json_reply(200, {{"major", major},
                          {"minor", minor},
                          {"gitVersion", v},
                          {"gitCommit", "0000000000000000000000000000000000000000"},
                          {"gitTreeState", "clean"},
                          {"buildDate", "2025-01-01T00:00:00Z"},
                          {"goVersion", "go1.24.6"},
                          {"compiler", "gc"},
                          {"platform", "linux/amd64"}});
}

ApiReply health_reply(const std::string& check, const ApiRequest& r, bool healthy) {
  if (!has_query(r, "verbose")) {
    return healthy ? text_reply(200, "ok")
                   : text_reply(500, fmt::format("[-]etcd failed: reason withheld\n{} check failed",
                                                 check));
  }
  std::string body = "[+]ping ok\n[+]log ok\n";
  body += healthy ? "[+]etcd ok\n" : "[-]etcd failed: reason withheld\n";
  body += "[+]poststarthook/start-apiserver-admission-initializer ok\n";
  body += fmt::format("{} check {}", check, healthy ? "passed" : "failed");
  return text_reply(healthy ? 200 : 500, body);
}

ApiReply discovery_reply(const ApiRequest& r, bool core) {
  if (r.accept.find("as=APIGroupDiscoveryList") != std::string::npos) {
    ApiReply reply = json_reply(200, aggregated_discovery(core));
    reply.content_type = kAggregatedDiscoveryContentType;
    return reply;
  }
  return json_reply(200, core ? api_versions(r.server_address) : api_group_list());
}

// Where a resource request points: /api/v1/... or /apis/<group>/<version>/...
struct Target {
  const ResourceInfo* info = nullptr;
  std::string ns;
  std::string name;
  std::string subresource;
};

std::optional<Target> parse_target(const std::string& group, const std::string& version,
                                   const std::vector<std::string>& rest) {
  Target t;
  size_t i = 0;
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    const ResourceInfo* namespaced = find_resource(group, version, rest[2]);
    if (namespaced != nullptr && namespaced->namespaced) {
      t.ns = rest[1];
      i = 2;
    }
  }
  t.info = find_resource(group, version, rest[i]);
  if (t.info == nullptr || rest.size() > i + 3 ||
      (t.info->namespaced && t.ns.empty() && rest.size() > i + 1)) {
    return std::nullopt;
  }
  if (rest.size() > i + 1) {
    t.name = rest[i + 1];
  }
  if (rest.size() > i + 2) {
    t.subresource = rest[i + 2];
    const auto& subs = t.info->subresources;
    if (std::find(subs.begin(), subs.end(), t.subresource) == subs.end()) {
      return std::nullopt;
    }
  }
  return t;
}

json list_object(const ResourceInfo& info, const KubeState::ListResult& list) {
  return {{"kind", info.kind + "List"},
          {"apiVersion", info.group.empty() ? info.version : info.group + "/" + info.version},
          {"metadata", {{"resourceVersion", std::to_string(list.resource_version)}}},
          {"items", list.items}};
}

bool wants_table(const ApiRequest& r) {
  return r.accept.find("as=Table") != std::string::npos;
}

TableObjects table_objects(const ApiRequest& r) {
  const std::string include = query_value(r, "includeObject");
  return include == "Object" ? TableObjects::Full
         : include == "None" ? TableObjects::None
                             : TableObjects::Metadata;
}

json details_of(const Target& t) {
  json d = {{"name", t.name}, {"kind", t.info->resource}};
  if (!t.info->group.empty()) {
    d["group"] = t.info->group;
  }
  return d;
}

ApiReply forbidden(const ApiRequest& r, const Target& t, const std::string& verb) {
  const std::string scope =
      t.ns.empty() ? "at the cluster scope" : fmt::format("in the namespace \"{}\"", t.ns);
  return status_reply(403, "Forbidden",
                      fmt::format("{}{} is forbidden: User \"{}\" cannot {} resource \"{}\" in "
                                  "API group \"{}\" {}",
                                  t.info->resource, t.name.empty() ? "" : " \"" + t.name + "\"",
                                  r.user, verb, t.info->resource, t.info->group, scope),
                      details_of(t));
}

ApiReply list_or_watch(KubeState& state, const ApiRequest& r, const Target& t) {
  auto selector = parse_selector(query_value(r, "fieldSelector"), query_value(r, "labelSelector"));
  if (!selector.ok()) {
    return status_reply(400, "BadRequest", selector.error().message);
  }
  const std::string watch = query_value(r, "watch");
  if (watch == "true" || watch == "1") {
    WatchSpec spec{t.info->resource, t.ns, *selector, 0, std::chrono::seconds(kDefaultWatchSeconds),
                   wants_table(r)};
    if (const std::string timeout = query_value(r, "timeoutSeconds"); !timeout.empty()) {
      spec.timeout = std::chrono::seconds(std::clamp(std::atoi(timeout.c_str()), 0, 3600));
    }
    const std::string rv = query_value(r, "resourceVersion");
    ApiReply reply;
    reply.content_type = "application/json";
    if (rv.empty() || rv == "0") {
      const KubeState::ListResult list = state.list(t.info->resource, t.ns, *selector);
      for (const json& item : list.items) {
        reply.body +=
            watch_event_line(state, t.info->resource, WatchEventType::Added, item, spec.as_table);
      }
      spec.after = list.resource_version;
    } else {
      spec.after = std::strtoull(rv.c_str(), nullptr, 10);
      const uint64_t oldest = state.oldest_watchable_version();
      if (spec.after < oldest) {
        // The real server answers 200 and one ERROR event; client-go then re-lists.
        const json expired = {
            {"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", json::object()},
            {"status", "Failure"},
            {"message", fmt::format("too old resource version: {} ({})", spec.after, oldest)},
            {"reason", "Expired"},
            {"code", 410}};
        reply.body = json{{"type", "ERROR"}, {"object", expired}}.dump() + "\n";
        spec.timeout = std::chrono::seconds(0);
      }
    }
    reply.watch = std::move(spec);
    return reply;
  }
  const KubeState::ListResult list = state.list(t.info->resource, t.ns, *selector);
  if (wants_table(r)) {
    return json_reply(200, render_table(t.info->resource, list.items, list.resource_version,
                                        state.now(), table_objects(r)));
  }
  return json_reply(200, list_object(*t.info, list));
}

util::Result<json> parse_body(const ApiRequest& r) {
  try {
    return json::parse(r.body);
  } catch (const json::exception& e) {
    return util::Error::invalid_input(
        fmt::format("the request body is not valid JSON: {}", e.what()));
  }
}

ApiReply eviction_reply() {
  return json_reply(201, {{"kind", "Status"},
                          {"apiVersion", "v1"},
                          {"metadata", json::object()},
                          {"status", "Success"},
                          {"code", 201}});
}

std::optional<PatchKind> patch_kind(const std::string& content_type) {
  if (content_type.rfind("application/strategic-merge-patch+json", 0) == 0) {
    return PatchKind::StrategicMerge;
  }
  if (content_type.rfind("application/merge-patch+json", 0) == 0) {
    return PatchKind::MergePatch;
  }
  if (content_type.rfind("application/apply-patch+yaml", 0) == 0) {
    return PatchKind::Apply;
  }
  return std::nullopt;
}

ApiReply object_reply(KubeState& state, const ApiRequest& r, const Target& t,
                      util::Result<json> result, int ok_status) {
  if (!result.ok()) {
    return error_reply(result.error(), details_of(t));
  }
  if (wants_table(r)) {
    return json_reply(ok_status, render_table(t.info->resource, {*result}, state.resource_version(),
                                              state.now(), table_objects(r)));
  }
  return json_reply(ok_status, *result);
}

ApiReply write(KubeState& state, const ApiRequest& r, const Target& t) {
  const std::string& resource = t.info->resource;
  if (r.method == "DELETE") {
    if (t.name.empty()) {
      return status_reply(405, "MethodNotAllowed", "deletecollection is not supported here");
    }
    return object_reply(state, r, t, state.remove(resource, t.ns, t.name), 200);
  }
  if (r.content_type.find("protobuf") != std::string::npos) {
    return status_reply(415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types "
                        "include: application/json, application/yaml");
  }
  auto body = parse_body(r);
  if (!body.ok()) {
    return error_reply(body.error(), details_of(t));
  }
  if (r.method == "POST" && t.subresource == "eviction") {
    const util::Result<void> evicted = state.evict(t.ns, t.name);
    return evicted.ok() ? eviction_reply() : error_reply(evicted.error(), details_of(t));
  }
  if (r.method == "POST" && t.name.empty()) {
    return object_reply(state, r, t, state.create(resource, t.ns, std::move(*body)), 201);
  }
  if (r.method == "PATCH" && !t.name.empty()) {
    const std::optional<PatchKind> kind = patch_kind(r.content_type);
    if (!kind) {
      return status_reply(415, "UnsupportedMediaType",
                          fmt::format("the body of the request was in an unknown format - "
                                      "accepted media types include: "
                                      "application/json-patch+json, application/merge-patch+json, "
                                      "application/apply-patch+yaml, "
                                      "application/strategic-merge-patch+json"));
    }
    bool created = false;
    auto result = state.patch(resource, t.ns, t.name, *body, *kind, &created);
    return object_reply(state, r, t, std::move(result), created ? 201 : 200);
  }
  return status_reply(405, "MethodNotAllowed",
                      fmt::format("{} is not supported on {}", r.method, r.path));
}

const char* verb_of(const ApiRequest& r, const Target& t) {
  if (r.method == "GET") {
    return t.name.empty() ? (has_query(r, "watch") ? "watch" : "list") : "get";
  }
  if (r.method == "POST") {
    return "create";
  }
  if (r.method == "PATCH") {
    return "patch";
  }
  if (r.method == "PUT") {
    return "update";
  }
  return "delete";
}

ApiReply resource_request(KubeState& state, const ApiRequest& r, const std::string& group,
                          const std::string& version, const std::vector<std::string>& rest) {
  if (rest.empty()) {
    const json list = api_resource_list(group, version);
    return list.is_null() ? not_found_path() : json_reply(200, list);
  }
  const std::optional<Target> target = parse_target(group, version, rest);
  if (!target) {
    return not_found_path();
  }
  if (!is_member(r, "system:masters")) {
    return forbidden(r, *target, verb_of(r, *target));
  }
  if (r.method == "GET") {
    if (target->name.empty()) {
      return list_or_watch(state, r, *target);
    }
    return object_reply(state, r, *target,
                        state.get(target->info->resource, target->ns, target->name), 200);
  }
  return write(state, r, *target);
}

ApiReply openapi_request(const KubeState& state, const std::vector<std::string>& segs) {
  if (segs.size() == 2 && segs[1] == "v3") {
    return json_reply(200, openapi_v3_root());
  }
  if (segs.size() >= 3 && segs[1] == "v3") {
    std::string gv;
    for (size_t i = 2; i < segs.size(); ++i) {
      gv += (gv.empty() ? "" : "/") + segs[i];
    }
    const json doc = openapi_v3_document(gv, state.kubernetes_version());
    return doc.is_null() ? not_found_path() : json_reply(200, doc);
  }
  return not_found_path();
}

}  // namespace

std::string watch_event_line(const KubeState& state, const std::string& resource,
                             WatchEventType type, const json& object, bool as_table) {
  const json payload =
      as_table ? render_table(
                     resource, {object},
                     std::strtoull(
                         object.value("/metadata/resourceVersion"_json_pointer, std::string("0"))
                             .c_str(),
                         nullptr, 10),
                     state.now(), TableObjects::Metadata)
               : object;
  return json{{"type", watch_event_type_name(type)}, {"object", payload}}.dump() + "\n";
}

ApiReply handle_request(KubeState& state, const ApiRequest& r) {
  const std::vector<std::string> segs = split_path(r.path);
  const std::string first = segs.empty() ? "" : segs[0];
  if (first == "livez") {
    return health_reply("livez", r, true);
  }
  if (!state.available()) {
    if (first == "healthz" || first == "readyz") {
      return health_reply(first, r, false);
    }
    return status_reply(503, "ServiceUnavailable",
                        "the server is currently unable to handle the request");
  }
  if (first == "healthz" || first == "readyz") {
    return health_reply(first, r, true);
  }
  if (first == "version" && segs.size() == 1) {
    return version_reply(state);
  }
  if (first == "openapi") {
    return openapi_request(state, segs);
  }
  if (first == "api") {
    if (segs.size() == 1) {
      return discovery_reply(r, true);
    }
    if (segs[1] != "v1") {
      return not_found_path();
    }
    return resource_request(state, r, "", "v1", {segs.begin() + 2, segs.end()});
  }
  if (first == "apis") {
    if (segs.size() == 1) {
      return discovery_reply(r, false);
    }
    if (segs.size() == 2) {
      const json group = api_group(segs[1]);
      return group.is_null() ? not_found_path() : json_reply(200, group);
    }
    return resource_request(state, r, segs[1], segs[2], {segs.begin() + 3, segs.end()});
  }
  return not_found_path();
}

}  // namespace kube_emu
