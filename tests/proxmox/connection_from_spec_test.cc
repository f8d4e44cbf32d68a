#include "proxmox/connection_from_spec.h"

#include <gtest/gtest.h>

namespace proxmox {
namespace {

spec::Cluster cluster() {
  spec::Cluster c;
  c.file = "/work/site/cluster.yaml";
  c.proxmox.endpoint = "https://127.0.0.1:8006";
  c.proxmox.token_id = "talforge@pve!ci";
  c.proxmox.fingerprint = std::string(95, 'A');
  return c;
}

EnvLookup env_with(std::optional<std::string> secret) {
  return [secret](const std::string& name) {
    return name == "PROXMOX_TOKEN_SECRET" ? secret : std::nullopt;
  };
}

TEST(ProxmoxConnectionFromSpec, SecretComesFromTheNamedVariable) {
  auto setup = connection_from_spec(cluster(), env_with("s3cr3t-uuid"));
  ASSERT_TRUE(setup.ok()) << setup.error().message;
  EXPECT_EQ(setup->connection.token_secret.reveal(), "s3cr3t-uuid");
  EXPECT_EQ(setup->connection.token_id, "talforge@pve!ci");
  EXPECT_FALSE(setup->warning.has_value());
}

TEST(ProxmoxConnectionFromSpec, MissingSecretSaysWhichVariableToSet) {
  auto setup = connection_from_spec(cluster(), env_with(std::nullopt));
  ASSERT_FALSE(setup.ok());
  EXPECT_NE(setup.error().message.find("PROXMOX_TOKEN_SECRET"), std::string::npos);
  EXPECT_NE(setup.error().hint.find("export PROXMOX_TOKEN_SECRET"), std::string::npos);
  EXPECT_FALSE(connection_from_spec(cluster(), env_with("")).ok());
}

TEST(ProxmoxConnectionFromSpec, InsecureSkipVerifyAlwaysWarnsAndCaFileIsResolved) {
  spec::Cluster c = cluster();
  c.proxmox.fingerprint.clear();
  c.proxmox.insecure_skip_verify = true;
  auto setup = connection_from_spec(c, env_with("x"));
  ASSERT_TRUE(setup.ok());
  ASSERT_TRUE(setup->warning.has_value());
  EXPECT_NE(setup->warning->find("OFF"), std::string::npos);
  EXPECT_EQ(setup->warning->find("x"), setup->warning->find("x"));  // no secret inside:
  EXPECT_EQ(setup->warning->find("=x"), std::string::npos);
  c.proxmox.insecure_skip_verify = false;
  c.proxmox.ca_file = "pve-root-ca.pem";
  auto with_ca = connection_from_spec(c, env_with("x"));
  ASSERT_TRUE(with_ca.ok());
  EXPECT_EQ(with_ca->connection.trust.ca_file, "/work/site/pve-root-ca.pem");
}

}  // namespace
}  // namespace proxmox
