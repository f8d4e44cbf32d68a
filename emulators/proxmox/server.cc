#include "emulators/proxmox/server.h"

#include <httplib.h>

#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/permissions.h"
#include "emulators/proxmox/tls_identity.h"

namespace pve_emu {
namespace {

using nlohmann::json;

void write_reply(const PveVersion& version, const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  if (reply.status == 401) {
    return;  // produced before any handler: no body (proxmox.md §1.5)
  }
  json body;
  if (reply.ok()) {
    body["data"] = reply.data;
    if (reply.total) {
      body["total"] = *reply.total;
    }
  } else {
    body["data"] = nullptr;
    if (!reply.errors.empty()) {
      body["errors"] = reply.errors;
    }
    if (version.error_message_in_body()) {
      std::string message = reply.message;
      if (!message.ends_with("\n")) {
        message += "\n";
      }
      body["message"] = message;
    }
  }
  res.set_content(body.dump(), "application/json;charset=UTF-8");
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
               std::isxdigit(text[i + 2])) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "a=1&b=x=y": split at '&', then at the FIRST '=' (httplib's own parser keeps the last part,
// which loses unencoded property strings such as net0=virtio,bridge=vmbr0).
void parse_form(const std::string& text, Params* params) {
  size_t start = 0;
  while (start < text.size()) {
    size_t amp = text.find('&', start);
    if (amp == std::string::npos) {
      amp = text.size();
    }
    const std::string pair = text.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, eq));
    (*params)[key] = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
  }
}

// Query string, then a form or JSON body merged over it (proxmox.md §1.3).
std::optional<Reply> collect_params(const httplib::Request& req, Params* params) {
  if (const size_t q = req.target.find('?'); q != std::string::npos) {
    parse_form(req.target.substr(q + 1), params);
  }
  if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    parse_form(req.body, params);
  }
  if (req.get_header_value("Content-Type").rfind("application/json", 0) == 0 &&
      !req.body.empty()) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::exception&) {
      return reply_error(400, "unable to parse JSON body");
    }
    if (!body.is_object()) {
      return reply_error(400, "JSON body must be an object");
    }
    for (const auto& [key, value] : body.items()) {
      if (value.is_string()) {
        (*params)[key] = value.get<std::string>();
      } else if (value.is_boolean()) {
        (*params)[key] = value.get<bool>() ? "1" : "0";
      } else if (value.is_array()) {
        std::string joined;
        for (const json& item : value) {
          joined += (joined.empty() ? "" : ",") +
                    (item.is_string() ? item.get<std::string>() : item.dump());
        }
        (*params)[key] = joined;
      } else if (!value.is_null()) {
        (*params)[key] = value.dump();
      }
    }
  }
  return std::nullopt;
}

constexpr std::size_t kConnectionThreads = 64;

class Server final : public ProxmoxServer {
 public:
  Server(std::unique_ptr<Emulator> emulator, TlsIdentity identity)
      : emu_(std::move(emulator)),
        identity_(std::move(identity)),
        https_(identity_.cert.get(), identity_.key.get()) {
    register_cluster_handlers(handlers_);
    register_vm_handlers(handlers_);
    register_power_handlers(handlers_);
    register_storage_handlers(handlers_);
    register_task_handlers(handlers_);
    register_agent_handlers(handlers_);
    routes();
  }
  ~Server() override { stop(); }

  util::Result<void> listen() {
    const std::string& address = emu_->options.address;
    port_ = emu_->options.port == 0 ? https_.bind_to_any_port(address)
                                    : (https_.bind_to_port(address, emu_->options.port)
                                           ? emu_->options.port
                                           : -1);
    if (port_ <= 0) {
      return util::Error::unavailable(fmt::format("proxmox emulator cannot listen on {}:{}",
                                                  address, emu_->options.port))
          .with_hint("pick a free port, or port 0 for any");
    }
    thread_ = std::thread([this] { https_.listen_after_bind(); });
    return {};
  }

  int port() const override { return port_; }
  std::string url() const override {
    return fmt::format("https://{}:{}", emu_->options.address, port_);
  }
  std::string fingerprint() const override { return identity_.fingerprint; }
  std::string cert_pem() const override { return identity_.cert_pem; }

  void stop() override {
    https_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
    emu_->tasks.shutdown();
  }

 private:
  void routes() {
    auto api = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    const char* pattern = R"(/api2/([^/]+)(/.*)?)";
    https_.set_tcp_nodelay(true);  // else small replies wait for delayed ACKs (~40 ms each)
    // cpp-httplib serves a connection, keep-alive included, on one pool thread until it closes,
    // where pveproxy multiplexes many: with its default 8 threads, clients that keep connections
    // open (talforge reuses them) made new connections queue for the 5 s keep-alive timeout.
    https_.new_task_queue = [] { return new httplib::ThreadPool(kConnectionThreads); };
    https_.Get(pattern, api);
    https_.Post(pattern, api);
    https_.Put(pattern, api);
    https_.Delete(pattern, api);
    https_.Post("/_emulator/faults", [this](const httplib::Request& req, httplib::Response& res) {
      admin_json(req, res, [this](const json& doc) {
        util::Result<void> configured = emu_->faults.configure(doc);
        emu_->tasks.set_slow_factor(emu_->faults.settings().slow_task_factor);
        return configured;
      });
    });
    https_.Get("/_emulator/faults", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(emu_->faults.describe().dump(), "application/json");
    });
    https_.Post("/_emulator/tokens", [this](const httplib::Request& req, httplib::Response& res) {
      admin_json(req, res, [this](const json& doc) { return emu_->tokens.add_from_json(doc); });
    });
    https_.Get("/_emulator/counters", [this](const httplib::Request&, httplib::Response& res) {
      json counters = emu_->counters.describe();
      counters["longest_task_seconds"] = emu_->tasks.longest_by_type();
      res.set_content(counters.dump(), "application/json");
    });
  }

  template <typename Apply>
  void admin_json(const httplib::Request& req, httplib::Response& res, Apply apply) {
    json doc;
    try {
      doc = json::parse(req.body);
    } catch (const json::exception& e) {
      res.status = 400;
      res.set_content(std::string("body is not JSON: ") + e.what() + "\n", "text/plain");
      return;
    }
    util::Result<void> applied = apply(doc);
    if (!applied.ok()) {
      res.status = 400;
      res.set_content(applied.error().describe() + "\n", "text/plain");
      return;
    }
    res.set_content("{}", "application/json");
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    if (emu_->faults.take_drop()) {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.dropped_connections;
      // Headers promise a body the provider never writes: the client sees the connection drop.
      res.set_content_provider(64, "application/json;charset=UTF-8",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
      return;
    }
    write_reply(emu_->version, dispatch(req), res);
  }

  Reply dispatch(const httplib::Request& req) {
    const std::string formatter = req.matches[1];
    const std::string path = req.matches.size() > 2 ? req.matches[2].str() : "";
    if (req.method == "HEAD") {
      return reply_error(501, "method 'HEAD' not available");
    }
    if (formatter != "json") {
      return reply_error(501, "no such uri");
    }
    std::optional<Principal> who =
        emu_->tokens.authenticate(req.get_header_value("Authorization"), now_epoch());
    if (!who) {
      {
        std::lock_guard lock(emu_->counters.mutex);
        ++emu_->counters.auth_failures;
      }
      std::this_thread::sleep_for(emu_->scaled(3));
      return reply_error(401, "Authentication failed!");
    }
    if (std::optional<int> status = emu_->faults.take_error_status()) {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.injected_errors;
      return reply_error(*status, *status == 503 ? "service unavailable (injected fault)"
                                                 : "got no worker upid - start worker failed");
    }
    std::optional<RouteMatch> route = emu_->schema->match(path, req.method);
    if (!route || route->method == nullptr) {
      return reply_error(501, fmt::format("Method '{} {}' not implemented", req.method, path));
    }
    count_request(req.method + " " + route->schema_path);
    Params params;
    if (auto bad = collect_params(req, &params)) {
      return *bad;
    }
    for (const auto& [name, value] : route->path_params) {
      auto given = params.find(name);
      if (given != params.end() && given->second != value) {
        return reply_param_error(
            name, "duplicate parameter (already defined in URI) with conflicting values!");
      }
      params[name] = value;
    }
    return checked_call(req.method, *route, std::move(params), std::move(*who));
  }

  Reply checked_call(const std::string& method, const RouteMatch& route, Params params,
                     Principal who) {
    ParamErrors errors = validate_parameters((*route.method)["parameters"], params);
    if (!errors.empty()) {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.validation_failures;
      return Reply{400, nullptr, std::nullopt, "Parameter verification failed.", errors};
    }
    {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.validation_passes;
    }
    const json& permissions = route.method->contains("permissions")
                                  ? (*route.method)["permissions"]
                                  : json::object();
    if (auto denied = check_permissions(permissions, params, who.privileges)) {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.permission_failures;
      return reply_error(403, *denied);
    }
    if (auto node = params.find("node"); node != params.end()) {
      std::lock_guard lock(emu_->cluster.mutex);
      auto it = emu_->cluster.nodes.find(node->second);
      if (it == emu_->cluster.nodes.end()) {
        return reply_error(500, fmt::format("hostname lookup '{0}' failed - failed to get address "
                                            "info for: {0}: Name or service not known",
                                            node->second));
      }
      if (!it->second.online) {
        return reply_error(595, "Errors during connection establishment, proxy handshake: No "
                                "route to host");
      }
    }
    auto handler = handlers_.find({method, route.schema_path});
    if (handler == handlers_.end()) {
      return reply_error(501, fmt::format("Method '{} {}' not implemented (the proxmox emulator "
                                          "does not model it)",
                                          method, route.schema_path));
    }
    Reply reply =
        handler->second(*emu_, Call{method, route.schema_path, std::move(params), std::move(who)});
    if (reply.status == 403) {
      std::lock_guard lock(emu_->counters.mutex);
      ++emu_->counters.permission_failures;
    }
    return reply;
  }

  void count_request(const std::string& key) {
    std::lock_guard lock(emu_->counters.mutex);
    ++emu_->counters.requests[key];
  }

  std::unique_ptr<Emulator> emu_;
  TlsIdentity identity_;
  httplib::SSLServer https_;
  HandlerTable handlers_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

long long now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json Counters::describe() {
  std::lock_guard lock(mutex);
  return {{"requests", requests},
          {"validation_passes", validation_passes},
          {"validation_failures", validation_failures},
          {"auth_failures", auth_failures},
          {"permission_failures", permission_failures},
          {"injected_errors", injected_errors},
          {"dropped_connections", dropped_connections},
          {"vms_created", vms_created},
          {"vms_destroyed", vms_destroyed},
          {"downloads", downloads},
          {"talos_link_errors", talos_link_errors}};
}

const json& Emulator::vm_config_properties() const {
  static const json kEmpty = json::object();
  std::optional<RouteMatch> create = schema->match("/nodes/pve1/qemu", "POST");
  if (!create || create->method == nullptr) {
    return kEmpty;
  }
  return (*create->method)["parameters"]["properties"];
}

util::Result<std::unique_ptr<ProxmoxServer>> ProxmoxServer::start(const EmulatorOptions& options) {
  ASSIGN_OR_RETURN(PveVersion version, parse_pve_version(options.pve_version));
  const std::string schema_dir = options.schema_dir.empty()
                                     ? std::string(TALFORGE_SHARED_DIR) + "/reference/proxmox"
                                     : options.schema_dir;
  ASSIGN_OR_RETURN(std::shared_ptr<const ApiSchema> schema,
                   ApiSchema::load(schema_dir + "/" + version.schema_file));
  if (options.nodes < 1 || options.nodes > 32) {
    return util::Error::invalid_input(fmt::format("--nodes must be 1..32, got {}", options.nodes));
  }
  auto emulator = std::make_unique<Emulator>(options, version, schema);
  if (!options.tokens_file.empty()) {
    RETURN_IF_ERROR(emulator->tokens.load_file(options.tokens_file));
  }
  if (!options.talos_admin_url.empty()) {
    ASSIGN_OR_RETURN(TalosLink link, TalosLink::create(options.talos_admin_url));
    emulator->talos = link;
  }
  emulator->cluster.populate(options.nodes, version.major >= 8);
  ASSIGN_OR_RETURN(TlsIdentity identity, make_self_signed_identity("pve1", options.address));
  emulator->fingerprint = identity.fingerprint;
  auto server = std::make_unique<Server>(std::move(emulator), std::move(identity));
  RETURN_IF_ERROR(server->listen());
  return std::unique_ptr<ProxmoxServer>(std::move(server));
}

}  // namespace pve_emu
