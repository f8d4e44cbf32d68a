#include <cstdio>
#include "emulators/talos/admin_api.h"

#include <arpa/inet.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace talos_emu {
namespace {

using nlohmann::json;

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void fail(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, json{{"error", message}});
}

json node_json(const NodeSnapshot& s) {
  json services = json::array();
  for (const auto& r : s.services) {
    services.push_back({{"id", r.id}, {"state", r.state}, {"healthy", r.healthy}});
  }
  return {
      {"address", s.spec.address},
      {"uuid", s.spec.uuid},
      {"memory_mib", s.spec.memory_mib},
      {"disk_gib", s.spec.disk_gib},
      {"platform", s.spec.platform},
      {"powered", s.powered},
      {"stage", stage_name(s.stage)},
      {"ready", s.ready},
      {"maintenance", s.personality == Personality::Maintenance},
      {"hostname", s.hostname},
      {"role", s.config ? s.config->type : ""},
      {"cluster_id", s.cluster ? s.cluster->id : ""},
      {"talos_version", s.running_version},
      {"schematic_id", s.running_schematic},
      {"installed", s.disk.installed},
      {"slots",
       json::array({{{"version", s.disk.slots[0].version}, {"schematic", s.disk.slots[0].schematic}},
                    {{"version", s.disk.slots[1].version}, {"schematic", s.disk.slots[1].schematic}}})},
      {"active_slot", s.disk.active == 0 ? "A" : "B"},
      {"services", services},
  };
}

bool is_loopback(const std::string& host) {
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

}  // namespace

AdminApi::AdminApi(Emulator& emulator, std::string host)
    : emulator_(emulator), host_(std::move(host)), server_(std::make_unique<httplib::Server>()) {
  server_->set_tcp_nodelay(true);  // else small replies wait for delayed ACKs (~40 ms)
}

AdminApi::~AdminApi() { stop(); }

util::Result<std::unique_ptr<AdminApi>> AdminApi::start(Emulator& emulator,
                                                         const std::string& host, int port) {
  if (!is_loopback(host)) {
    return util::Error::invalid_input("admin API host " + host +
                                      " is not a loopback address; use 127.0.0.1");
  }
  std::unique_ptr<AdminApi> api(new AdminApi(emulator, host));
  api->routes();
  api->port_ = port == 0 ? api->server_->bind_to_any_port(host) : port;
  if (port != 0 && !api->server_->bind_to_port(host, port)) api->port_ = -1;
  if (api->port_ <= 0) {
    return util::Error::unavailable("cannot bind the admin API to " + host + ":" +
                                    std::to_string(port));
  }
  httplib::Server* server = api->server_.get();
  api->thread_ = std::thread([server] { server->listen_after_bind(); });
  return api;
}

std::string AdminApi::url() const { return "http://" + host_ + ":" + std::to_string(port_); }

void AdminApi::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void AdminApi::routes() {
  server_->Post("/v1/nodes", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return fail(res, 400, "body is not a JSON object");
    NodeSpec spec;
    try {
      spec.address = body.value("address", "");
      spec.uuid = body.value("uuid", "");
      spec.memory_mib = body.value("memory_mib", spec.memory_mib);
      spec.disk_gib = body.value("disk_gib", spec.disk_gib);
      spec.talos_version = body.value("talos_version", spec.talos_version);
      spec.schematic_id = body.value("schematic_id", "");
      spec.extensions = body.value("extensions", std::vector<std::string>{});
      spec.platform = body.value("platform", spec.platform);
    } catch (const json::exception& e) {
      return fail(res, 400, std::string("bad field type: ") + e.what());
    }
    if (!is_loopback(spec.address)) {
      return fail(res, 400, "address \"" + spec.address + "\" must be a 127.x.y.z loopback IP");
    }
    auto node = emulator_.power_on(spec);
    if (!node.ok()) {
      return fail(res, node.error().code == util::ErrorCode::AlreadyExists ? 409 : 400,
                  node.error().message);
    }
    reply(res, 201, node_json((*node)->snapshot()));
  });
  server_->Get("/v1/nodes", [this](const httplib::Request&, httplib::Response& res) {
    json out = json::array();
    for (const auto& n : emulator_.nodes()) out.push_back(node_json(n->snapshot()));
    reply(res, 200, out);
  });
  server_->Get(R"(/v1/nodes/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto node = emulator_.find_node(req.matches[1]);
    if (!node) return fail(res, 404, "no node " + std::string(req.matches[1]));
    reply(res, 200, node_json(node->snapshot()));
  });
  server_->Post(R"(/v1/nodes/([^/]+)/power-off)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto r = emulator_.power_off(req.matches[1]);
                  if (!r.ok()) return fail(res, 404, r.error().message);
                  reply(res, 200, json{{"powered", false}});
                });
  server_->Post(R"(/v1/nodes/([^/]+)/faults)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto node = emulator_.find_node(req.matches[1]);
                  if (!node) return fail(res, 404, "no node " + std::string(req.matches[1]));
                  json body = json::parse(req.body, nullptr, false);
                  if (body.is_discarded() || !body.is_object()) {
                    return fail(res, 400, "body is not a JSON object");
                  }
                  Faults faults = node->snapshot().faults;
                  try {
                    faults.unreachable = body.value("unreachable", faults.unreachable);
                    faults.slow_boot = body.value("slow_boot", faults.slow_boot);
                    faults.upgrade_boots_bad = body.value("upgrade_boots_bad", faults.upgrade_boots_bad);
                    faults.apply_fails = body.value("apply_fails", faults.apply_fails);
                    faults.etcd_member_stuck = body.value("etcd_member_stuck", faults.etcd_member_stuck);
                  } catch (const json::exception& e) {
                    return fail(res, 400, std::string("bad field type: ") + e.what());
                  }
                  node->set_faults(faults);
                  reply(res, 200,
                        json{{"unreachable", faults.unreachable},
                             {"slow_boot", faults.slow_boot},
                             {"upgrade_boots_bad", faults.upgrade_boots_bad},
                             {"apply_fails", faults.apply_fails},
                             {"etcd_member_stuck", faults.etcd_member_stuck}});
                });
  // The etcd of the cluster a node belongs to: members, and key/values a test can write and
  // read back (standing in for what Kubernetes keeps there).
  auto cluster_of = [this](const httplib::Request& req,
                           httplib::Response& res) -> std::shared_ptr<ClusterState> {
    auto node = emulator_.find_node(req.matches[1]);
    if (!node) {
      fail(res, 404, "no node " + std::string(req.matches[1]));
      return nullptr;
    }
    auto cluster = node->snapshot().cluster;
    if (!cluster) fail(res, 409, "node has no cluster config");
    return cluster;
  };
  server_->Get(R"(/v1/nodes/([^/]+)/etcd)", [cluster_of](const httplib::Request& req,
                                                         httplib::Response& res) {
    auto cluster = cluster_of(req, res);
    if (!cluster) return;
    json members = json::array();
    for (const auto& m : cluster->etcd.members()) {
      char id[17];
      std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(m.id));
      members.push_back({{"id", id}, {"name", m.name}, {"learner", m.learner}});
    }
    reply(res, 200,
          json{{"bootstrapped", cluster->etcd.bootstrapped()},
               {"members", members},
               {"key_count", cluster->etcd.key_count()}});
  });
  server_->Post(R"(/v1/nodes/([^/]+)/etcd/keys)", [cluster_of](const httplib::Request& req,
                                                               httplib::Response& res) {
    auto cluster = cluster_of(req, res);
    if (!cluster) return;
    if (!cluster->etcd.bootstrapped()) return fail(res, 409, "etcd is not running");
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("key") || !body["key"].is_string() ||
        !body.contains("value") || !body["value"].is_string()) {
      return fail(res, 400, "body must be {\"key\": string, \"value\": string}");
    }
    cluster->etcd.put(body["key"], body["value"]);
    reply(res, 200, body);
  });
  server_->Get(R"(/v1/nodes/([^/]+)/etcd/keys)", [cluster_of](const httplib::Request& req,
                                                              httplib::Response& res) {
    auto cluster = cluster_of(req, res);
    if (!cluster) return;
    const std::string key = req.get_param_value("key");
    auto value = cluster->etcd.get(key);
    if (!value) return fail(res, 404, "no key " + key);
    reply(res, 200, json{{"key", key}, {"value", *value}});
  });
  server_->Get("/v1/counters", [this](const httplib::Request&, httplib::Response& res) {
    auto v = emulator_.counters().values();
    reply(res, 200,
          json{{"bootstrap_calls", v.bootstrap_calls},
               {"apply_calls", v.apply_calls},
               {"quorum_losses", emulator_.quorum_losses()},
               {"upgrades", v.upgrades},
               {"upgrade_fallbacks", v.upgrade_fallbacks},
               {"undrained_upgrades", v.undrained_upgrades},
               {"reboots", v.reboots},
               {"resets", v.resets},
               {"rpc_calls", v.rpc_calls}});
  });
  // Each upgrade's request and ready times in ms of the emulator's steady clock, per node.
  server_->Get("/v1/upgrade-times", [this](const httplib::Request&, httplib::Response& res) {
    const auto ms = [](std::chrono::steady_clock::time_point t) {
      return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
    };
    json per_node = json::object();
    for (const auto& n : emulator_.nodes()) {
      json list = json::array();
      for (const Node::UpgradeTimes& t : n->upgrade_times()) {
        list.push_back({{"requested_ms", ms(t.requested)},
                        {"ready_ms", t.ready ? json(ms(*t.ready)) : json(nullptr)}});
      }
      per_node[n->address()] = list;
    }
    reply(res, 200, per_node);
  });
  server_->Get("/v1/critical-path", [this](const httplib::Request&, httplib::Response& res) {
    json per_node = json::object();
    for (const auto& n : emulator_.nodes()) {
      auto t = n->critical_path_seconds();
      per_node[n->address()] = t ? json(*t) : json(nullptr);
    }
    reply(res, 200, json{{"seconds", emulator_.critical_path_seconds()}, {"nodes", per_node}});
  });
}

}  // namespace talos_emu
