#include "e2e/lab_support.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <stdlib.h>

#include <gtest/gtest.h>

#include "engine/talos_connect.h"
#include "lab/local_http.h"
#include "proxmox/curl_transport.h"
#include "test_paths.h"
#include "unique_dir.h"
#include "util/clock.h"

namespace e2e {

using testing_process::run;
using testing_process::slurp;

Lab::Lab(int subnet, const std::string& faults, const std::string& time_scale)
    : dir_(testing_paths::unique_dir("e2e-lab")), subnet_(subnet) {
  const auto up = run({testing_paths::binary(), "lab", "--dir", dir_, "up", "--time-scale", time_scale,
                       "--subnet", std::to_string(subnet), "--faults", faults});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  const std::string env = slurp(dir_ + "/proxmox.env");
  const std::size_t eq = env.find('=');
  secret_ = env.substr(eq + 1, env.find('\n') - eq - 1);
  ::setenv(env.substr(7, eq - 7).c_str(), secret_.c_str(), 1);  // after "export "
  const auto secrets = talforge({"gen", "secrets"});
  EXPECT_EQ(secrets.exit_code, 0) << secrets.err;
}

void Lab::edit_nodes(const std::vector<std::string>& remove, const std::string& add) const {
  const std::string path = dir_ + "/cluster.yaml";
  std::string text = testing_process::slurp(path);
  for (const std::string& name : remove) {
    text = std::regex_replace(text, std::regex("  - \\{name: " + name + ",[^\\n]*\\n"), "");
  }
  std::ofstream(path) << text << add;
}

std::string Lab::address(int host) const {
  return "127.10." + std::to_string(subnet_) + "." + std::to_string(host);
}

Lab::~Lab() {
  run({testing_paths::binary(), "lab", "--dir", dir_, "down"});
}

testing_process::Run Lab::talforge(std::vector<std::string> args) const {
  args.insert(args.begin(), testing_paths::binary());
  return run(args, dir_);
}

pid_t Lab::spawn_talforge(std::vector<std::string> args) const {
  args.insert(args.begin(), testing_paths::binary());
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, dir_.c_str());
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

testing_process::Run Lab::kubectl(const std::string& server, std::vector<std::string> args) const {
  const std::string home = dir_ + "/home";
  std::filesystem::create_directories(home);
  std::vector<std::string> argv = {"/usr/bin/env",
                                   "HOME=" + home,
                                   "CLOUDSDK_CONFIG=" + home + "/gcloud",
                                   "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1",
                                   "KUBECONFIG=" + dir_ + "/out/kubeconfig",
                                   "/usr/bin/kubectl",
                                   "--cache-dir=" + home + "/cache",
                                   "--request-timeout=10s"};
  if (!server.empty()) {
    argv.push_back("--server=" + server);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string Lab::url_of(const std::string& process) const {
  const auto state = nlohmann::json::parse(slurp(dir_ + "/lab.json"));
  for (const auto& p : state["processes"]) {
    if (p["name"] == process) {
      return p["url"].get<std::string>();
    }
  }
  ADD_FAILURE() << "no " << process << " in lab.json";
  return {};
}

proxmox::Client& Lab::pve_client() {
  if (!pve_client_) {
    const auto state = nlohmann::json::parse(slurp(dir_ + "/lab.json"));
    proxmox::Connection connection;
    connection.endpoint = url_of("proxmox");
    connection.token_id = "talforge@pve!lab";
    connection.token_secret = proxmox::TokenSecret(secret_);
    connection.trust.fingerprint = state["proxmox_fingerprint"].get<std::string>();
    auto transport = proxmox::make_curl_transport(std::move(connection));
    EXPECT_TRUE(transport.ok());
    pve_client_ = std::make_unique<proxmox::Client>(std::move(*transport), util::system_clock());
  }
  return *pve_client_;
}

proxmox::Api& Lab::pve() {
  if (!pve_) {
    pve_ = proxmox::make_http_api(pve_client());
  }
  return *pve_;
}

std::unique_ptr<talos::Api> Lab::talos_admin(const std::string& address) const {
  const std::string path = dir_ + "/out/talosconfig";
  auto parsed = secrets::parse_talosconfig(slurp(path), path);
  EXPECT_TRUE(parsed.ok()) << parsed.error().describe();
  if (!parsed.ok()) {
    return nullptr;
  }
  auto target = engine::talos_target(*parsed);
  EXPECT_TRUE(target.ok()) << target.error().describe();
  if (!target.ok()) {
    return nullptr;
  }
  auto api = talos::make_grpc_api(engine::connect_options(*target, address));
  EXPECT_TRUE(api.ok()) << api.error().describe();
  return api.ok() ? std::move(*api) : nullptr;
}

long Lab::talos_admin_post(const std::string& path, const nlohmann::json& body) const {
  auto reply = lab::local_request("POST", url_of("talos") + path, body.dump());
  EXPECT_TRUE(reply.ok());
  return reply.ok() ? reply->status : 0;
}

nlohmann::json Lab::talos_admin_get(const std::string& path) const {
  auto reply = lab::local_request("GET", url_of("talos") + path);
  EXPECT_TRUE(reply.ok());
  return reply.ok() && reply->status == 200 ? nlohmann::json::parse(reply->body) : nlohmann::json();
}

nlohmann::json Lab::talos_counters() const {
  auto reply = lab::local_request("GET", url_of("talos") + "/v1/counters");
  EXPECT_TRUE(reply.ok());
  return reply.ok() ? nlohmann::json::parse(reply->body) : nlohmann::json::object();
}

nlohmann::json Lab::talos_nodes() const {
  auto reply = lab::local_request("GET", url_of("talos") + "/v1/nodes");
  EXPECT_TRUE(reply.ok());
  return reply.ok() ? nlohmann::json::parse(reply->body) : nlohmann::json::array();
}

nlohmann::json Lab::proxmox_counters() const {
  auto reply = lab::local_request("GET", url_of("proxmox") + "/_emulator/counters");
  EXPECT_TRUE(reply.ok());
  return reply.ok() ? nlohmann::json::parse(reply->body) : nlohmann::json::object();
}

int Lab::proxmox_mutating_requests() const {
  int total = 0;
  for (const auto& [route, count] : proxmox_counters()["requests"].items()) {
    if (route.rfind("GET ", 0) != 0) {
      total += count.get<int>();
    }
  }
  return total;
}

}  // namespace e2e
