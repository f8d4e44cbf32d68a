// `talforge node version|services|health` and `talforge kubeconfig` (Kubeconfig RPC path) with the
// real binary against FakeTalos apids listening on :50000 of their own loopback addresses, with
// certificates from the cluster's secrets bundle — the way the CLI meets real nodes. (Here and not
// in tests/cli because the fake apid lives in this test module.)
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "process.h"
#include "secrets/bundle.h"
#include "talos/fake_talos.h"
#include "talos/test_certs.h"
#include "test_paths.h"
#include "util/file.h"
#include "unique_dir.h"

namespace {

namespace fs = std::filesystem;
using talos_test::FakeTalos;
using talos_test::Pem;
using talos_test::ServerMode;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kBundle = "reference/talos/gen-config-inputs/secrets.yaml";

// The bundle's OS CA as PEM that OpenSSL reads (Talos labels Ed25519 keys differently).
Pem os_ca() {
  auto bundle = secrets::load_bundle(testing_paths::shared(kBundle));
  EXPECT_TRUE(bundle.ok());
  auto ca = secrets::decode_cert_and_key(bundle->certs.os, "certs.os");
  EXPECT_TRUE(ca.ok());
  std::string key = ca->key.reveal();
  for (const char* edge : {"BEGIN", "END"}) {
    const std::string talos = std::string("-----") + edge + " ED25519 PRIVATE KEY-----";
    if (auto at = key.find(talos); at != std::string::npos) {
      key.replace(at, talos.size(), std::string("-----") + edge + " PRIVATE KEY-----");
    }
  }
  return {ca->crt, key};
}

// A cluster in 127.77.<net>.0/24: control planes .11 and .12, worker .21. Each test uses its own
// <net> so tests running in parallel never compete for an address.
struct Cluster {
  std::string dir;
  std::string cp1, cp2, worker;
};

Cluster make_cluster(int net) {
  const std::string prefix = "127.77." + std::to_string(net) + ".";
  Cluster c{testing_paths::unique_dir("node-verbs-" + std::to_string(net)),
            prefix + "11", prefix + "12", prefix + "21"};
  fs::remove_all(c.dir);  // a repeated run (--gtest_repeat) starts afresh
  fs::create_directories(c.dir);
  std::ofstream(c.dir + "/cluster.yaml")
      << "apiVersion: talforge.dev/v1alpha1\n"
      << "kind: Cluster\n"
      << "cluster:\n  name: fake\n  talosVersion: v1.11.6\n"
      << "network:\n  cidr: " << prefix << "0/24\n"
      << "  gateway: " << prefix << "1\n"
      << "proxmox:\n  endpoint: https://127.0.0.1:8006\n"
      << "  tokenId: talforge@pve!fake\n"
      << "vm:\n  pveNode: pve1\n"
      << "nodes:\n"
      << "  - {name: cp-1, role: controlplane, address: " << c.cp1 << "}\n"
      << "  - {name: cp-2, role: controlplane, address: " << c.cp2 << "}\n"
      << "  - {name: w-1, role: worker, address: " << c.worker << "}\n";
  fs::copy_file(testing_paths::shared(kBundle), c.dir + "/secrets.yaml");
  return c;
}

std::unique_ptr<FakeTalos> apid_on(const std::string& address) {
  static const Pem ca = os_ca();
  auto fake = std::make_unique<FakeTalos>(ServerMode::Secure,
                                          talos_test::make_server_cert(ca, "IP:" + address), ca.crt,
                                          address + ":50000");
  EXPECT_TRUE(fake->listening()) << address << ":50000 is taken";
  return fake;
}

TEST(NodeVerbs, VersionTableShowsReachableNodesAndReportsTheOther) {
  const Cluster c = make_cluster(1);
  auto cp1 = apid_on(c.cp1);
  auto worker = apid_on(c.worker);
  auto r = testing_process::talforge({"node", "version"}, c.dir);
  EXPECT_EQ(r.exit_code, 1);  // cp-2 does not answer
  EXPECT_THAT(r.out, HasSubstr("NODE"));
  EXPECT_THAT(r.out, HasSubstr(c.cp1));
  EXPECT_THAT(r.out, HasSubstr(c.worker));
  EXPECT_THAT(r.out, HasSubstr("v1.11.6"));
  EXPECT_THAT(r.out, Not(HasSubstr(c.cp2)));
  EXPECT_THAT(r.err, HasSubstr("node " + c.cp2));
  EXPECT_THAT(r.err, HasSubstr("unreachable during Version"));
  EXPECT_THAT(cp1->seen().peer_roles, ::testing::ElementsAre("os:admin"));
}

TEST(NodeVerbs, VersionJsonHasOneEntryPerNode) {
  const Cluster c = make_cluster(2);
  auto cp1 = apid_on(c.cp1);
  auto cp2 = apid_on(c.cp2);
  auto r = testing_process::talforge(
      {"node", "version", "--nodes", c.cp1 + "," + c.cp2 + "," + c.worker, "-o", "json"}, c.dir);
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc[0]["node"], c.cp1);
  EXPECT_EQ(doc[0]["version"]["tag"], "v1.11.6");
  EXPECT_EQ(doc[0]["version"]["platform"], "nocloud");
  EXPECT_EQ(doc[0]["version"]["rbac"], true);
  EXPECT_EQ(doc[1]["node"], c.cp2);
  EXPECT_EQ(doc[2]["node"], c.worker);
  EXPECT_FALSE(doc[2].contains("version"));
  EXPECT_THAT(doc[2]["error"].get<std::string>(), HasSubstr("unreachable"));
}

TEST(NodeVerbs, ServicesYamlListsEachNodesServices) {
  const Cluster c = make_cluster(3);
  auto cp1 = apid_on(c.cp1);
  auto r = testing_process::talforge({"node", "services", "--nodes", c.cp1, "-o", "yaml"}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const YAML::Node doc = YAML::Load(r.out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["node"].as<std::string>(), c.cp1);
  EXPECT_EQ(doc[0]["services"][0]["id"].as<std::string>(), "etcd");
  EXPECT_EQ(doc[0]["services"][0]["state"].as<std::string>(), "Running");
  EXPECT_EQ(doc[0]["services"][0]["health"].as<std::string>(), "OK");
  EXPECT_EQ(doc[0]["services"][0]["last_event"].as<std::string>(), "Health check successful");
}

TEST(NodeVerbs, ServicesTableLooksLikeTalosctls) {
  const Cluster c = make_cluster(4);
  auto cp1 = apid_on(c.cp1);
  auto r = testing_process::talforge({"node", "services", "--nodes", c.cp1}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NODE"));
  EXPECT_THAT(r.out, HasSubstr("SERVICE"));
  EXPECT_THAT(r.out, HasSubstr("LAST EVENT"));
  EXPECT_THAT(r.out, HasSubstr(c.cp1 + "   etcd"));
  EXPECT_THAT(r.out, HasSubstr("Health check successful"));
}

TEST(NodeVerbs, HealthStreamsLinesWithTheClusterFilesNodeLists) {
  const Cluster c = make_cluster(5);
  auto cp1 = apid_on(c.cp1);
  auto r = testing_process::talforge({"node", "health", "--wait-timeout", "90s"}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("waiting for etcd to be healthy: OK"));
  EXPECT_THAT(r.err, HasSubstr("cluster healthy (checked by " + c.cp1 + ")"));
  const std::string request = cp1->seen().health_request;
  EXPECT_THAT(request, HasSubstr("seconds: 90"));
  EXPECT_THAT(request, HasSubstr("control_plane_nodes: \"" + c.cp1 + "\""));
  EXPECT_THAT(request, HasSubstr("control_plane_nodes: \"" + c.cp2 + "\""));
  EXPECT_THAT(request, HasSubstr("worker_nodes: \"" + c.worker + "\""));
}

TEST(NodeVerbs, HealthTriesTheNextControlPlaneAndFailsWithTheChecks) {
  const Cluster c = make_cluster(6);
  auto cp2 = apid_on(c.cp2);  // cp-1 is down
  cp2->script().health_final =
      grpc::Status(grpc::StatusCode::UNKNOWN, "waiting for all k8s nodes to report ready: timeout");
  auto r = testing_process::talforge({"node", "health", "-o", "json"}, c.dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(c.cp1 + " did not answer"));
  EXPECT_THAT(r.err, HasSubstr("all k8s nodes to report ready"));
  // JSON mode: one object per progress line.
  std::istringstream lines(r.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["node"], c.cp2);
    ++count;
  }
  EXPECT_EQ(count, 2);
}

TEST(NodeVerbs, HealthRejectsAMalformedWaitTimeout) {
  const Cluster c = make_cluster(7);
  auto r = testing_process::talforge({"node", "health", "--wait-timeout", "soon"}, c.dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--wait-timeout 'soon' is not a duration"));
}

TEST(NodeVerbs, UseTheTalosconfigFileAndItsRole) {
  const Cluster c = make_cluster(8);
  auto cp1 = apid_on(c.cp1);
  ASSERT_EQ(
      testing_process::talforge({"talosconfig", "--role", "os:reader", "-o", "reader.tc"}, c.dir)
          .exit_code,
      0);
  auto r = testing_process::talforge(
      {"node", "services", "--nodes", c.cp1, "--talosconfig", "reader.tc"}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(cp1->seen().peer_roles, ::testing::ElementsAre("os:reader"));
}

TEST(NodeVerbs, AMissingTalosconfigFileIsAnErrorWithAHint) {
  const Cluster c = make_cluster(9);
  auto r = testing_process::talforge({"node", "version", "--talosconfig", "nope"}, c.dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("nope"));
  EXPECT_THAT(r.err, HasSubstr("talforge talosconfig"));
}

TEST(KubeconfigRpc, FetchesFromTheFirstControlPlaneThatAnswers) {
  const Cluster c = make_cluster(10);
  auto cp2 = apid_on(c.cp2);  // cp-1 is down
  const std::string kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: admin@fake\n";
  cp2->script().kubeconfig_archive = talos_test::kubeconfig_tar_gz(kubeconfig);
  auto r = testing_process::talforge({"kubeconfig", "-o", "kc"}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("fetched the admin kubeconfig from " + c.cp2));
  EXPECT_EQ(*util::read_file(c.dir + "/kc"), kubeconfig);
  EXPECT_EQ(cp2->seen().calls["Kubeconfig"], 1);
}

TEST(KubeconfigRpc, AReaderCertificateFallsBackToLocalSigningAndSaysWhy) {
  const Cluster c = make_cluster(11);
  auto cp1 = apid_on(c.cp1);
  cp1->script().kubeconfig_archive = talos_test::kubeconfig_tar_gz("unused");
  ASSERT_EQ(testing_process::talforge({"talosconfig", "--role", "os:reader", "-o", "r.tc"}, c.dir)
                .exit_code,
            0);
  auto r = testing_process::talforge({"kubeconfig", "-o", "kc", "--talosconfig", "r.tc"}, c.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("needs os:admin"));
  EXPECT_THAT(r.err, HasSubstr("signing a fresh admin certificate locally"));
  EXPECT_THAT(*util::read_file(c.dir + "/kc"), HasSubstr("client-key-data"));
  EXPECT_EQ(cp1->seen().calls["Kubeconfig"], 1);  // no second control plane asked in vain
}

}  // namespace
