// The proxmox connection: endpoint, token id, secret handling and TLS trust.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;

const std::string kFingerprint =
    "5C:1E:3A:77:90:AB:CD:EF:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10:0F:1E:2D:3C:4B:5A:69:"
    "78";

TEST(SpecProxmox, RefusesPlainHttpAndApiPaths) {
  EXPECT_THAT(briefs(load(with_line(13, "  endpoint: http://127.0.0.1:8006"))),
              ElementsAre("13:13 error proxmox.endpoint: \"http://127.0.0.1:8006\" is not an https "
                          "URL of a Proxmox node (Proxmox serves its API over https only)"));
  EXPECT_THAT(briefs(load(with_line(13, "  endpoint: https://127.0.0.1:8006/api2/json"))),
              ElementsAre("13:13 error proxmox.endpoint: \"https://127.0.0.1:8006/api2/json\" is "
                          "not an https URL of a Proxmox node (write only https://HOST:PORT; "
                          "talforge adds /api2/json itself)"));
  EXPECT_THAT(briefs(load(with_line(13, "  endpoint: https://127.0.0.1:99999"))),
              ElementsAre("13:13 error proxmox.endpoint: \"https://127.0.0.1:99999\" is not an "
                          "https URL of a Proxmox node (write https://HOST:8006)"));
}

TEST(SpecProxmox, KeepsAnExplicitPortAndAddsTheDefault) {
  EXPECT_EQ(load(with_line(13, "  endpoint: https://127.0.0.1:443")).spec->proxmox.endpoint,
            "https://127.0.0.1:443");
  EXPECT_EQ(load(with_line(13, "  endpoint: https://pve.lab.internal")).spec->proxmox.endpoint,
            "https://pve.lab.internal:8006");
  EXPECT_EQ(load(with_line(13, "  endpoint: https://[::1]")).spec->proxmox.endpoint,
            "https://[::1]:8006");
}

TEST(SpecProxmox, RefusesMalformedTokenIds) {
  for (const char* bad : {"talforge", "talforge@pve", "talforge!ci@pve", "@pve!ci",
                          "talforge@pve!1ci", "talforge@p!ci"}) {
    const Loaded loaded = load(with_line(14, std::string("  tokenId: \"") + bad + "\""));
    EXPECT_THAT(briefs(loaded),
                ElementsAre("14:12 error proxmox.tokenId: \"" + std::string(bad) +
                            "\" is not a Proxmox API token id (write USER@REALM!TOKENNAME, e.g. "
                            "talforge@pve!ci)"))
        << bad;
  }
  EXPECT_TRUE(load(with_line(14, "  tokenId: root@pam!talforge-ci_2")).ok());
}

TEST(SpecProxmox, RefusesASecretWrittenWhereItsVariableNameBelongs) {
  const Loaded loaded = load(with_line(
      14, "  tokenId: talforge@pve!ci\n  tokenSecretEnv: 3f2a8a1e-1c1b-4a56-9d0e-5d6b2f3c4e5a"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].line, 15);
  EXPECT_EQ(loaded.diagnostics[0].column, 19);
  EXPECT_EQ(loaded.diagnostics[0].message,
            "tokenSecretEnv looks like the token secret itself; it must name an environment "
            "variable");
  EXPECT_THAT(briefs(load(with_line(14, "  tokenId: talforge@pve!ci\n  tokenSecretEnv: MY-VAR"))),
              ElementsAre("15:19 error proxmox.tokenSecretEnv: \"MY-VAR\" is not an environment "
                          "variable name (use letters, digits and _, e.g. PROXMOX_TOKEN_SECRET)"));
}

TEST(SpecProxmox, RefusesAMalformedFingerprint) {
  const std::string short_fp = kFingerprint.substr(3);
  EXPECT_THAT(briefs(load(with_line(
                  14, "  tokenId: talforge@pve!ci\n  fingerprint: \"" + short_fp + "\""))),
              ElementsAre("15:16 error proxmox.fingerprint: \"" + short_fp +
                          "\" is not a SHA-256 certificate fingerprint (write 32 hex bytes "
                          "separated by ':' (AA:BB:…), as shown under the node's System → "
                          "Certificates)"));
  std::string bad_hex = kFingerprint;
  bad_hex[0] = 'G';
  EXPECT_FALSE(
      load(with_line(14, "  tokenId: talforge@pve!ci\n  fingerprint: \"" + bad_hex + "\"")).ok());
}

TEST(SpecProxmox, RefusesTwoTrustSourcesAndWarnsWhenVerificationIsOff) {
  spec_test::TempDir dir;
  dir.write("pve-root-ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string both =
      with_line(14, "  tokenId: talforge@pve!ci\n  caFile: pve-root-ca.pem\n  fingerprint: \"" +
                        kFingerprint + "\"");
  EXPECT_THAT(briefs(load_text(dir.file("cluster.yaml"), both)),
              ElementsAre("16:16 error proxmox.fingerprint: set either caFile or fingerprint, not "
                          "both"));
  const Loaded insecure =
      load(with_line(14, "  tokenId: talforge@pve!ci\n  insecureSkipVerify: true"));
  EXPECT_TRUE(insecure.ok());
  EXPECT_THAT(briefs(insecure),
              ElementsAre("15:23 warning proxmox.insecureSkipVerify: the Proxmox certificate will "
                          "not be verified (pin it with fingerprint: AA:BB:… instead)"));
}

TEST(SpecProxmox, RefusesAMissingCaFile) {
  spec_test::TempDir dir;
  const Loaded loaded = load_text(dir.file("cluster.yaml"),
                                  with_line(14, "  tokenId: talforge@pve!ci\n  caFile: ca.pem"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("15:11 error proxmox.caFile: CA file " + dir.file("ca.pem") +
                          " does not exist (paths are relative to the directory "
                          "of the cluster file)"));
}

}  // namespace
}  // namespace spec
