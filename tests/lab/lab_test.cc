// `talforge lab up|status|down` end to end: real emulator processes on loopback.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.h"
#include "test_paths.h"
#include "unique_dir.h"
#include "util/process.h"

namespace {

using testing_process::run;
using testing_process::slurp;

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_paths::unique_dir("lab");
  }
  void TearDown() override { run({testing_paths::binary(), "lab", "--dir", dir_, "down"}); }

  std::vector<pid_t> pids() const {
    std::vector<pid_t> out;
    const auto state = nlohmann::json::parse(slurp(dir_ + "/lab.json"));
    for (const auto& p : state["processes"]) {
      out.push_back(p["pid"].get<pid_t>());
    }
    return out;
  }

  std::string dir_;
};

TEST_F(LabTest, UpWritesAValidClusterAndStatusAndDownManageTheEmulators) {
  const auto up = run({testing_paths::binary(), "lab", "--dir", dir_, "up", "--time-scale", "0.01"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("proxmox VE 8.4"), std::string::npos) << up.out;

  // The cluster.yaml is an ordinary one that validates, pointing at loopback only.
  const std::string cluster = slurp(dir_ + "/cluster.yaml");
  EXPECT_TRUE(std::regex_search(cluster, std::regex(R"(endpoint: https://127\.0\.0\.1:\d+)")));
  EXPECT_TRUE(std::regex_search(cluster, std::regex(R"(factoryUrl: http://127\.0\.0\.1:\d+)")));
  const auto validate = run({testing_paths::binary(), "validate", "-f", dir_ + "/cluster.yaml"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;

  // The token secret lives in a 0600 env file and in no process's arguments.
  const auto env_mode = std::filesystem::status(dir_ + "/proxmox.env").permissions();
  EXPECT_EQ(env_mode & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string env = slurp(dir_ + "/proxmox.env");
  const std::string secret = env.substr(env.find('=') + 1, 36);
  ASSERT_EQ(secret.size(), 36u);
  for (pid_t pid : pids()) {
    EXPECT_EQ(slurp("/proc/" + std::to_string(pid) + "/cmdline").find(secret), std::string::npos);
  }

  const auto status = run({testing_paths::binary(), "lab", "--dir", dir_, "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  for (const char* name : {"factory", "talos", "proxmox"}) {
    EXPECT_TRUE(std::regex_search(status.out, std::regex(std::string(name) + R"(\s+\d+\s+running)")))
        << status.out;
  }

  const auto again = run({testing_paths::binary(), "lab", "--dir", dir_, "up"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already running"), std::string::npos) << again.err;

  const std::vector<pid_t> started = pids();
  const auto down = run({testing_paths::binary(), "lab", "--dir", dir_, "down"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  // Exited; a zombie waiting for its reaper (PID 1 here, which takes its time) counts as exited.
  for (pid_t pid : started) {
    EXPECT_FALSE(util::process_alive(pid)) << "pid " << pid << " still running";
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/lab.json"));
  const auto down_again = run({testing_paths::binary(), "lab", "--dir", dir_, "down"});
  EXPECT_EQ(down_again.exit_code, 0);
  EXPECT_NE(down_again.out.find("no lab is running"), std::string::npos);
}

TEST_F(LabTest, UnknownFaultProfileIsRefusedBeforeAnythingStarts) {
  const auto up = run({testing_paths::binary(), "lab", "--dir", dir_, "up", "--faults", "chaos"});
  EXPECT_NE(up.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/lab.json"));
}

}  // namespace
