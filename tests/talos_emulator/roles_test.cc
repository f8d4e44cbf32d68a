// Criterion 2: an os:reader client cannot apply, upgrade or reset (PermissionDenied "not
// authorized"); a client cert from another CA is rejected during the TLS handshake.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "machine/machine.grpc.pb.h"
#include "secrets/base64.h"
#include "emulators/talos/pki.h"
#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

talos_emu::CertAndKey os_ca_of(const GeneratedNode& control_plane) {
  auto doc = YAML::Load(control_plane.yaml);
  auto ca = doc["machine"]["ca"];
  return {*secrets::base64_decode(ca["crt"].as<std::string>()),
          *secrets::base64_decode(ca["key"].as<std::string>())};
}

talos::Credentials with_roles(const GeneratedCluster& cluster, const talos_emu::CertAndKey& ca,
                              const std::vector<std::string>& roles) {
  auto cert = talos_emu::issue_os_client_cert(ca, roles, std::chrono::hours(1));
  EXPECT_TRUE(cert.ok());
  return {cluster.admin.ca_pem, cert->cert_pem, cert->key_pem};
}

TEST(Roles, ReaderCannotApplyUpgradeOrReset) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(41, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  install_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& cp = cluster.nodes.front();
  auto reader_creds = with_roles(cluster, os_ca_of(cp), {"os:reader"});

  auto reader = secure_client(cp.address, reader_creds);
  auto version = reader->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();  // readers may read
  auto applied = reader->apply_configuration(cp.yaml, talos::ApplyMode::NoReboot, false);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, util::ErrorCode::PermissionDenied) << applied.error().describe();

  auto stub = machine::MachineService::NewStub(secure_channel(cp.address, reader_creds));
  {
    grpc::ClientContext ctx;
    machine::UpgradeRequest request;
    request.set_image("ghcr.io/siderolabs/installer:v1.11.7");
    machine::UpgradeResponse response;
    auto status = stub->Upgrade(&ctx, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(status.error_message(), "not authorized");
  }
  {
    grpc::ClientContext ctx;
    machine::ResetRequest request;
    machine::ResetResponse response;
    auto status = stub->Reset(&ctx, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  // An operator may reboot, a reader may not.
  {
    grpc::ClientContext ctx;
    machine::RebootRequest request;
    machine::RebootResponse response;
    EXPECT_EQ(stub->Reboot(&ctx, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(emulator.counters().values().upgrades, 0);
  EXPECT_EQ(emulator.counters().values().resets, 0);
}

TEST(Roles, CertificateFromAnotherCaIsRejectedInTheHandshake) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(42, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  install_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto other_ca = talos_emu::make_ed25519_ca("talos");
  ASSERT_TRUE(other_ca.ok());
  auto foreign = with_roles(cluster, *other_ca, {"os:admin"});
  const auto& cp = cluster.nodes.front();

  auto stub = machine::MachineService::NewStub(secure_channel(cp.address, foreign));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  google::protobuf::Empty request;
  machine::VersionResponse response;
  auto status = stub->Version(&ctx, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(response.messages_size(), 0);

  // The cluster's own admin still gets in.
  auto admin = secure_client(cp.address, cluster.admin);
  EXPECT_TRUE(admin->version().ok());
}

}  // namespace
}  // namespace talos_emu_test
