// talos::make_grpc_api against an in-process apid double over real TLS on 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/api.h"
#include "talos/fake_talos.h"
#include "talos/test_certs.h"
#include "talos/x509_info.h"

namespace {

using talos_test::FakeTalos;
using talos_test::Pem;
using talos_test::ServerMode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One PKI for the whole binary: Ed25519 key generation is cheap, but gRPC handshakes are not, and
// the certificates do not change between tests.
struct Pki {
  Pem os_ca = talos_test::make_ca("talos");
  Pem other_ca = talos_test::make_ca("another cluster");
  Pem server = talos_test::make_server_cert(os_ca);
  Pem maintenance_ca = talos_test::make_ca("maintenance");
  Pem maintenance_server = talos_test::make_server_cert(maintenance_ca);
  Pem admin = talos_test::make_client_cert(os_ca, {"os:admin"});
  Pem reader = talos_test::make_client_cert(os_ca, {"os:reader"});
};

const Pki& pki() {
  static const Pki p;
  return p;
}

struct Sleeps {
  std::vector<std::chrono::milliseconds> waits;
};

talos::ConnectOptions secure(const std::string& endpoint, const Pem& client, Sleeps* sleeps) {
  talos::ConnectOptions o;
  o.endpoint = endpoint;
  o.mode = talos::ConnectMode::Secure;
  o.credentials = {pki().os_ca.crt, client.crt, client.key};
  o.call_timeout = std::chrono::milliseconds(5000);
  o.sleep = [sleeps](std::chrono::milliseconds d) { sleeps->waits.push_back(d); };
  return o;
}

talos::ConnectOptions maintenance(const std::string& endpoint, Sleeps* sleeps) {
  talos::ConnectOptions o;
  o.endpoint = endpoint;
  o.mode = talos::ConnectMode::Maintenance;
  o.call_timeout = std::chrono::milliseconds(5000);
  o.sleep = [sleeps](std::chrono::milliseconds d) { sleeps->waits.push_back(d); };
  return o;
}

std::unique_ptr<talos::Api> connect(talos::ConnectOptions options) {
  auto api = talos::make_grpc_api(std::move(options));
  EXPECT_TRUE(api.ok()) << api.error().describe();
  return std::move(*api);
}

class SecureNode : public ::testing::Test {
 protected:
  FakeTalos node_{ServerMode::Secure, pki().server, pki().os_ca.crt};
  Sleeps sleeps_;
};

class MaintenanceNode : public ::testing::Test {
 protected:
  FakeTalos node_{ServerMode::Maintenance, pki().maintenance_server, ""};
  Sleeps sleeps_;
};

TEST_F(MaintenanceNode, AnswersWithoutClientCertificate) {
  auto api = connect(maintenance(node_.endpoint(), &sleeps_));
  auto disks = api->disks();
  ASSERT_TRUE(disks.ok()) << disks.error().describe();
  ASSERT_EQ(disks->size(), 1u);
  EXPECT_EQ((*disks)[0].device_name, "/dev/vda");
  EXPECT_EQ((*disks)[0].size, 34359738368u);
  EXPECT_EQ((*disks)[0].type, talos::DiskType::Hdd);
  EXPECT_FALSE(node_.seen().peer_had_cert);
}

TEST_F(MaintenanceNode, AcceptsThePinnedServerKey) {
  auto options = maintenance(node_.endpoint(), &sleeps_);
  options.spki_sha256_pin = *talos::spki_sha256_base64(pki().maintenance_server.crt);
  auto api = connect(options);
  auto disks = api->disks();
  EXPECT_TRUE(disks.ok()) << disks.error().describe();
}

TEST_F(MaintenanceNode, RefusesAServerKeyThatDoesNotMatchThePin) {
  auto options = maintenance(node_.endpoint(), &sleeps_);
  options.spki_sha256_pin = *talos::spki_sha256_base64(pki().server.crt);
  options.retry.max_attempts = 1;
  auto api = connect(options);
  auto disks = api->disks();
  ASSERT_FALSE(disks.ok());
  EXPECT_EQ(disks.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT(disks.error().message, HasSubstr("TLS handshake with " + node_.endpoint()));
  EXPECT_THAT(disks.error().hint, HasSubstr("pinned fingerprint"));
  EXPECT_EQ(node_.seen().calls["Disks"], 0);
}

TEST_F(MaintenanceNode, RejectsAMalformedPin) {
  auto options = maintenance(node_.endpoint(), &sleeps_);
  options.spki_sha256_pin = "AA:BB";
  auto api = talos::make_grpc_api(options);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, util::ErrorCode::InvalidInput);
}

TEST_F(MaintenanceNode, ReportsMaintenanceModeForAdminOnlyCalls) {
  auto api = connect(maintenance(node_.endpoint(), &sleeps_));
  auto version = api->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Conflict);
  EXPECT_THAT(version.error().message,
              HasSubstr(node_.endpoint() + " is in maintenance mode: Version is not available"));
}

TEST_F(MaintenanceNode, AppliesConfiguration) {
  auto api = connect(maintenance(node_.endpoint(), &sleeps_));
  auto applied = api->apply_configuration("version: v1alpha1\n", talos::ApplyMode::Auto, false);
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(applied->mode, talos::ApplyMode::Auto);
  EXPECT_THAT(applied->warnings, ElementsAre("deprecated field"));
}

TEST_F(SecureNode, VerifiesServerAndPresentsClientCertificate) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto version = api->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_EQ(version->tag, "v1.11.6");
  EXPECT_EQ(version->platform_name, "nocloud");
  EXPECT_TRUE(version->rbac);
  const auto seen = node_.seen();
  EXPECT_TRUE(seen.peer_had_cert);
  EXPECT_THAT(seen.peer_roles, ElementsAre("os:admin"));
}

TEST_F(SecureNode, FailsClearlyWhenTheServerIsNotSignedByTheTalosconfigCa) {
  auto options = secure(node_.endpoint(), pki().admin, &sleeps_);
  options.credentials.ca_pem = pki().other_ca.crt;
  auto version = connect(options)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT(version.error().message, HasSubstr("TLS handshake with " + node_.endpoint()));
  EXPECT_THAT(version.error().hint, HasSubstr("not signed by the talosconfig's CA"));
  EXPECT_EQ(node_.seen().calls["Version"], 0);
  EXPECT_TRUE(sleeps_.waits.empty());  // a trust failure is not retried
}

TEST_F(SecureNode, SendsNodeMetadata) {
  auto options = secure(node_.endpoint(), pki().admin, &sleeps_);
  options.node = "127.0.0.9";
  auto version = connect(options)->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_THAT(node_.seen().node_metadata, ElementsAre("127.0.0.9"));
}

TEST_F(SecureNode, SendsNoNodeMetadataByDefault) {
  ASSERT_TRUE(connect(secure(node_.endpoint(), pki().admin, &sleeps_))->version().ok());
  EXPECT_TRUE(node_.seen().node_metadata.empty());
}

TEST_F(SecureNode, DeadlineExpiryIsATimeoutNamingTheCall) {
  node_.script().version_delay = std::chrono::milliseconds(1500);
  auto options = secure(node_.endpoint(), pki().admin, &sleeps_);
  options.call_timeout = std::chrono::milliseconds(300);
  options.retry.max_attempts = 1;
  auto version = connect(options)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Timeout);
  EXPECT_EQ(version.error().message,
            "Version on " + node_.endpoint() + " got no answer within 300 ms");
}

TEST_F(SecureNode, PermissionDeniedNamesTheMissingRole) {
  auto api = connect(secure(node_.endpoint(), pki().reader, &sleeps_));
  auto applied = api->apply_configuration("version: v1alpha1\n", talos::ApplyMode::Auto, false);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_EQ(applied.error().message,
            "ApplyConfiguration refused by " + node_.endpoint() +
                ": not authorized; needs os:admin; the client certificate has os:reader");
}

TEST_F(SecureNode, InvalidConfigurationKeepsTheTalosText) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto applied = api->apply_configuration("kind: HostnameConfig\n", talos::ApplyMode::Auto, true);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, util::ErrorCode::InvalidInput);
  EXPECT_THAT(applied.error().message,
              HasSubstr("ApplyConfiguration on " + node_.endpoint() +
                        " rejected: the applied machine configuration doesn't contain v1alpha1"));
}

TEST_F(SecureNode, SecondBootstrapIsAlreadyExistsWithTheTalosMessage) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  ASSERT_TRUE(api->bootstrap().ok());
  auto again = api->bootstrap();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, util::ErrorCode::AlreadyExists);
  EXPECT_EQ(again.error().message, "etcd data directory is not empty");
  EXPECT_EQ(node_.seen().calls["Bootstrap"], 2);
}

TEST_F(SecureNode, BootstrapNotAvailableYetIsTransientAndNotRetriedHere) {
  node_.script().fail_next["Bootstrap"] = {
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "bootstrap is not available yet")};
  auto bootstrapped = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->bootstrap();
  ASSERT_FALSE(bootstrapped.ok());
  EXPECT_EQ(bootstrapped.error().code, util::ErrorCode::Unavailable);  // the engine waits, retries
  EXPECT_EQ(bootstrapped.error().message,
            "Bootstrap on " + node_.endpoint() + ": bootstrap is not available yet");
  EXPECT_EQ(node_.seen().calls["Bootstrap"], 1);
}

TEST_F(SecureNode, ControlPlaneOnlyCallOnAWorkerSaysWhereToSendIt) {
  node_.script().fail_next["Kubeconfig"] = {grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED, "kubeconfig is only available on control plane nodes")};
  auto kubeconfig = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->kubeconfig();
  ASSERT_FALSE(kubeconfig.ok());
  EXPECT_EQ(kubeconfig.error().code, util::ErrorCode::Conflict);
  EXPECT_THAT(kubeconfig.error().message, HasSubstr("only available on control plane nodes"));
  EXPECT_EQ(kubeconfig.error().hint, "send this call to a control-plane node");
}

TEST_F(SecureNode, RetriesAnIdempotentReadAfterATransientUnavailable) {
  node_.script().fail_next["Version"] = {grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting")};
  auto version = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_EQ(node_.seen().calls["Version"], 2);
  EXPECT_THAT(sleeps_.waits, ElementsAre(std::chrono::milliseconds(250)));
}

TEST_F(SecureNode, GivesUpAfterMaxAttemptsWithGrowingBackoff) {
  const grpc::Status down(grpc::StatusCode::UNAVAILABLE, "restarting");
  node_.script().fail_next["ServiceList"] = {down, down, down, down, down};
  auto services = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->service_list();
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(node_.seen().calls["ServiceList"], 4);
  EXPECT_THAT(sleeps_.waits,
              ElementsAre(std::chrono::milliseconds(250), std::chrono::milliseconds(500),
                          std::chrono::milliseconds(1000)));
}

TEST_F(SecureNode, NeverRetriesApplyConfigurationOrBootstrap) {
  const grpc::Status down(grpc::StatusCode::UNAVAILABLE, "restarting");
  node_.script().fail_next["ApplyConfiguration"] = {down};
  node_.script().fail_next["Bootstrap"] = {down};
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto applied = api->apply_configuration("version: v1alpha1\n", talos::ApplyMode::Auto, false);
  auto bootstrapped = api->bootstrap();
  ASSERT_FALSE(applied.ok());
  ASSERT_FALSE(bootstrapped.ok());
  EXPECT_EQ(applied.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(node_.seen().calls["ApplyConfiguration"], 1);
  EXPECT_EQ(node_.seen().calls["Bootstrap"], 1);
  EXPECT_TRUE(sleeps_.waits.empty());
}

TEST_F(SecureNode, UnavailableNodeIsNamedWithAHint) {
  auto options =
      secure("127.0.0.1:" + std::to_string(talos_test::closed_port()), pki().admin, &sleeps_);
  options.node = "127.0.0.9";
  auto version = connect(options)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT(
      version.error().message,
      HasSubstr(options.endpoint + " (endpoint for node 127.0.0.9) unreachable during Version"));
  EXPECT_EQ(version.error().hint,
            "check that " + options.endpoint + " is powered on and its port is reachable");
  EXPECT_EQ(sleeps_.waits.size(), 3u);  // a read: retried
}

TEST_F(SecureNode, AcceptsATwentyMebibyteReply) {
  node_.script().version_padding = 20u << 20;
  auto version = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_EQ(version->sha.size(), 20u << 20);
}

TEST_F(SecureNode, RefusesAReplyOverThirtyTwoMebibytes) {
  node_.script().version_padding = 33u << 20;
  auto version = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Internal);
  EXPECT_THAT(version.error().message, HasSubstr("Version on " + node_.endpoint()));
  EXPECT_THAT(version.error().hint, HasSubstr("at most 32 MiB"));
}

TEST_F(SecureNode, EmbeddedPerNodeErrorNamesTheNode) {
  node_.script().embedded_hostname = "127.0.0.7";
  node_.script().embedded_error = "connection refused";
  auto version = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(version.error().message, "node 127.0.0.7 via " + node_.endpoint() +
                                         " unreachable during Version: connection refused");
  EXPECT_EQ(version.error().hint,
            "check that node 127.0.0.7 is up and reachable from " + node_.endpoint());
}

TEST_F(SecureNode, ListsServices) {
  auto services = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->service_list();
  ASSERT_TRUE(services.ok()) << services.error().describe();
  ASSERT_EQ(services->size(), 1u);
  const talos::ServiceInfo& etcd = (*services)[0];
  EXPECT_EQ(etcd.id, "etcd");
  EXPECT_EQ(etcd.state, "Running");
  EXPECT_TRUE(etcd.healthy);
  ASSERT_EQ(etcd.events.size(), 1u);
  EXPECT_EQ(etcd.events[0].unix_seconds, 1700000000);
}

TEST_F(SecureNode, ReadsMemory) {
  auto memory = connect(secure(node_.endpoint(), pki().reader, &sleeps_))->memory();
  ASSERT_TRUE(memory.ok()) << memory.error().describe();
  EXPECT_EQ(memory->total, 4026532u);
  EXPECT_EQ(memory->available, 3019898u);
}

TEST_F(SecureNode, ListsEtcdMembersAndRetriesThatRead) {
  node_.script().fail_next["EtcdMemberList"] = {
      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "no leader")};
  auto members = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->etcd_member_list(false);
  ASSERT_TRUE(members.ok()) << members.error().describe();
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].id, 0x1a2b3c4d5e6f7081u);
  EXPECT_EQ((*members)[0].hostname, "cp-1");
  EXPECT_THAT((*members)[0].peer_urls, ElementsAre("https://127.0.0.1:2380"));
  EXPECT_EQ(node_.seen().calls["EtcdMemberList"], 2);
}

TEST_F(SecureNode, GetsACosiResourceWithYamlAndProtoSpec) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto status = api->cosi_get("runtime", "MachineStatuses.runtime.talos.dev", "machine");
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(status->metadata.ns, "runtime");
  EXPECT_EQ(status->metadata.id, "machine");
  EXPECT_EQ(status->metadata.version, "3");
  EXPECT_EQ(status->metadata.labels.at("talos.dev/stage"), "running");
  EXPECT_EQ(status->yaml_spec, "stage: running\nstatus:\n    ready: true\n");
  EXPECT_EQ(status->proto_spec, std::string("\x08\x04\x12\x02\x08\x01", 6));
}

TEST_F(SecureNode, MissingCosiResourceIsNotFound) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto missing = api->cosi_get("runtime", "MachineStatuses.runtime.talos.dev", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(missing.error().describe(), HasSubstr("read runtime MachineStatuses"));
  EXPECT_EQ(node_.seen().calls["Get"], 1);  // NotFound is an answer, not retried
}

TEST_F(SecureNode, ListsCosiResources) {
  auto api = connect(secure(node_.endpoint(), pki().admin, &sleeps_));
  auto items = api->cosi_list("runtime", "MachineStatuses.runtime.talos.dev");
  ASSERT_TRUE(items.ok()) << items.error().describe();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1].metadata.id, "machine-1");
}

TEST_F(SecureNode, FetchesAndUnpacksTheKubeconfig) {
  node_.script().kubeconfig_archive =
      talos_test::kubeconfig_tar_gz("apiVersion: v1\nkind: Config\n");
  auto kubeconfig = connect(secure(node_.endpoint(), pki().admin, &sleeps_))->kubeconfig();
  ASSERT_TRUE(kubeconfig.ok()) << kubeconfig.error().describe();
  EXPECT_EQ(kubeconfig->kubeconfig, "apiVersion: v1\nkind: Config\n");
  EXPECT_EQ(kubeconfig->archive, node_.script().kubeconfig_archive);
}

TEST(TalosConnect, SecureModeNeedsCredentials) {
  talos::ConnectOptions options;
  options.endpoint = "127.0.0.1";
  auto api = talos::make_grpc_api(options);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, util::ErrorCode::InvalidInput);
}

}  // namespace
