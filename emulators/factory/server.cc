#include "emulators/factory/server.h"

#include <httplib.h>

#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emulators/factory/boot_asset.h"
#include "emulators/factory/catalog.h"
#include "emulators/factory/schematic.h"

namespace factory_emu {
namespace {

using nlohmann::json;

void plain_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(message + "\n", "text/plain; charset=utf-8");
}

class Factory final : public FactoryServer {
 public:
  Factory(std::string address) : address_(std::move(address)) {
    http_.set_tcp_nodelay(true);  // else small replies wait for delayed ACKs (~40 ms each)
    Schematic vanilla;
    schematics_[schematic_id(vanilla)] = vanilla;
    routes();
  }

  ~Factory() override { stop(); }

  util::Result<void> listen(int port) {
    if (port == 0) {
      port_ = http_.bind_to_any_port(address_);
    } else {
      port_ = http_.bind_to_port(address_, port) ? port : -1;
    }
    if (port_ <= 0) {
      return util::Error::unavailable(
          fmt::format("factory emulator cannot listen on {}:{}", address_, port));
    }
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    // stop() is a no-op until the loop runs: wait for it, or an early stop() would hang.
    while (!http_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return {};
  }

  int port() const override { return port_; }
  std::string url() const override { return fmt::format("http://{}:{}", address_, port_); }

  void stop() override {
    http_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void routes() {
    http_.Post("/schematics", [this](const httplib::Request& req, httplib::Response& res) {
      post_schematic(req, res);
    });
    http_.Get(R"(/schematics/([0-9a-f]{64}))",
              [this](const httplib::Request& req, httplib::Response& res) {
                get_schematic(req.matches[1], res);
              });
    http_.Get("/versions", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(json(talos_versions()).dump(), "application/json");
    });
    http_.Get(R"(/version/(v[0-9.a-z-]+)/extensions/official)",
              [](const httplib::Request& req, httplib::Response& res) {
                extensions(req.matches[1], res);
              });
    http_.Get(R"(/image/([^/]+)/([^/]+)/([^/]+))",
              [this](const httplib::Request& req, httplib::Response& res) {
                image(req.matches[1], req.matches[2], req.matches[3], res);
              });
    http_.Get("/_emulator/counters", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      res.set_content(json{{"schematic_posts", schematic_posts_}, {"image_downloads", downloads_}}
                          .dump(),
                      "application/json");
    });
  }

  void post_schematic(const httplib::Request& req, httplib::Response& res) {
    util::Result<Schematic> parsed = parse_schematic(req.body);
    if (!parsed.ok()) {
      plain_error(res, 400, parsed.error().message);
      return;
    }
    const std::string id = schematic_id(*parsed);
    {
      std::lock_guard lock(mutex_);
      schematics_[id] = *parsed;
      ++schematic_posts_;
    }
    res.status = 201;
    res.set_content(json{{"id", id}}.dump(), "application/json");
  }

  void get_schematic(const std::string& id, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    auto it = schematics_.find(id);
    if (it == schematics_.end()) {
      plain_error(res, 404, "schematic ID not found");
      return;
    }
    res.set_content(canonical_yaml(it->second), "application/yaml");
  }

  static void extensions(const std::string& version, httplib::Response& res) {
    if (!is_known_version(version)) {
      plain_error(res, 404, fmt::format("version {} not found", version));
      return;
    }
    json list = json::array();
    for (const Extension& e : official_extensions(version)) {
      list.push_back({{"name", e.name},
                      {"ref", e.ref},
                      {"digest", e.digest},
                      {"author", e.author},
                      {"description", e.description}});
    }
    res.set_content(list.dump(), "application/json");
  }

  void image(const std::string& id, const std::string& version, const std::string& path,
             httplib::Response& res) {
    const std::optional<AssetPath> asset = parse_asset_path(path);
    if (!asset) {
      plain_error(res, 400, fmt::format("invalid asset path \"{}\"", path));
      return;
    }
    if (!is_known_version(version)) {
      plain_error(res, 404, fmt::format("version {} not found", version));
      return;
    }
    std::lock_guard lock(mutex_);
    auto it = schematics_.find(id);
    if (it == schematics_.end()) {
      plain_error(res, 404, "schematic ID not found");
      return;
    }
    for (const std::string& name : it->second.official_extensions) {
      if (!is_official_extension(version, name)) {
        plain_error(res, 400, fmt::format("extension \"{}\" is not available for {}", name,
                                          version));
        return;
      }
    }
    ++downloads_[fmt::format("{}/{}/{}", id, version, path)];
    res.set_content(stand_in_asset(*asset, id, version, it->second.official_extensions),
                    "application/octet-stream");
  }

  std::string address_;
  int port_ = 0;
  httplib::Server http_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Schematic> schematics_;
  int schematic_posts_ = 0;
  std::map<std::string, int> downloads_;
};

}  // namespace

util::Result<std::unique_ptr<FactoryServer>> FactoryServer::start(const std::string& address,
                                                                  int port) {
  auto server = std::make_unique<Factory>(address);
  RETURN_IF_ERROR(server->listen(port));
  return std::unique_ptr<FactoryServer>(std::move(server));
}

}  // namespace factory_emu
