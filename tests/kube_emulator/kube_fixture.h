// Test fixture for the Kubernetes API emulator: a fresh PKI shaped like a Talos cluster's
// Kubernetes CA, a KubeState with Talos-like nodes, a KubeApiServer on loopback, a kubeconfig
// in a private temp dir, and a runner for the REAL kubectl with a private HOME and cache.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulators/kube/kube_api_server.h"
#include "emulators/kube/kube_state.h"

namespace kube_test {

struct Pem {
  std::string crt;
  std::string key;
};

// ECDSA P-256 PKI. `sans` in OpenSSL syntax ("IP:127.0.0.1").
Pem make_ca(const std::string& cn);
Pem make_server_cert(const Pem& ca, const std::string& sans);
Pem make_client_cert(const Pem& ca, const std::string& cn, const std::vector<std::string>& orgs);

struct KubectlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool timed_out = false;
};

inline constexpr const char* kKubectl = "/usr/bin/kubectl";

// facts for tests: control planes cp1..cpN, workers w1..wM on 127.10.0.x internal IPs.
kube_emu::NodeFacts control_plane(const std::string& name, const std::string& ip);
kube_emu::NodeFacts worker(const std::string& name, const std::string& ip);

class KubeFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the server for `state_` (called by SetUp) with the given client identity.
  void start_server();
  // Runs kubectl with the fixture's kubeconfig; kills it after `limit`.
  KubectlRun kubectl(const std::vector<std::string>& args,
                     std::chrono::milliseconds limit = std::chrono::seconds(9));
  // Writes a kubeconfig for the given client cert; returns its path.
  std::string write_kubeconfig(const std::string& file, const Pem& client,
                               const std::string& ca_pem);
  // Adds 1 control plane + 2 workers (kubelets running), CNI as given.
  void add_cluster(bool cni_running);

  std::string dir_;  // private temp dir (0700), removed in TearDown
  Pem ca_;
  Pem server_cert_;
  Pem admin_;
  std::string kubeconfig_;
  std::shared_ptr<kube_emu::KubeState> state_;
  std::unique_ptr<kube_emu::KubeApiServer> server_;
  std::string address_ = "127.0.0.1";
};

// For tests running the real kubectl: fails (never skips) when it is not installed.
class KubectlFixture : public KubeFixture {
 protected:
  void SetUp() override;
};

}  // namespace kube_test
