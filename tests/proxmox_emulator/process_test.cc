// The proxmox-emulator binary: prints its URL and fingerprint when ready, serves the API with
// tokens from a 0600 file, and stops cleanly on SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <httplib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pve_test_support.h"
#include "unique_dir.h"

extern char** environ;

namespace pve_test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(EmulatorProcess, PrintsUrlAndFingerprintServesAndStopsOnSigterm) {
  const std::string dir = testing_paths::unique_dir("pve-proc");
  const std::string tokens = dir + "/tokens.json";
  {
    std::ofstream out(tokens);
    out << nlohmann::json{{"tokens",
                           {{{"id", kAdminToken}, {"secret", kAdminSecret},
                             {"roles", {"PVEAuditor"}}}}}}
               .dump();
  }
  ::chmod(tokens.c_str(), 0600);
  const std::string out_path = dir + "/out";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, (dir + "/err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv = {std::string(TALFORGE_BUILD_DIR) + "/proxmox-emulator",
                                   "--listen", "127.0.0.1:0", "--nodes", "3", "--pve-version",
                                   "9.1", "--time-scale", "0.01", "--tokens", tokens};
  std::vector<char*> args;
  for (std::string& a : argv) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  std::smatch m;
  std::string printed;
  const std::regex ready(
      R"(proxmox emulator listening on https://127\.0\.0\.1:(\d+)\nfingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\n)");
  for (int i = 0; i < 500 && !std::regex_search(printed, m, ready); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    printed = slurp(out_path);
  }
  ASSERT_TRUE(std::regex_search(printed, m, ready)) << printed << slurp(dir + "/err");
  const int port = std::stoi(m[1]);
  EXPECT_EQ(presented_fingerprint(port), m[2].str());

  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  const httplib::Headers auth = {
      {"Authorization", std::string("PVEAPIToken=") + kAdminToken + "=" + kAdminSecret}};
  auto version = client.Get("/api2/json/version", auth);
  ASSERT_TRUE(version);
  EXPECT_EQ(nlohmann::json::parse(version->body).at("data").at("version"), "9.1.1");
  auto nodes = client.Get("/api2/json/nodes", auth);
  ASSERT_TRUE(nodes);
  EXPECT_EQ(nlohmann::json::parse(nodes->body).at("data").size(), 3u);
  auto denied = client.Post("/api2/json/nodes/pve1/qemu", auth, "vmid=100",
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(slurp(dir + "/err"), "");
  EXPECT_EQ(printed.find(kAdminSecret), std::string::npos);
}

TEST(EmulatorProcess, RefusesAnUnknownVersion) {
  const std::string out = testing_paths::unique_dir("pve-bad-version") + "/stderr";
  const std::string cmd = std::string(TALFORGE_BUILD_DIR) +
                          "/proxmox-emulator --listen 127.0.0.1:0 --pve-version 6.4 2>" + out;
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(slurp(out).find("unsupported --pve-version \"6.4\""), std::string::npos) << slurp(out);
}

}  // namespace
}  // namespace pve_test
