// Private-key PEM in the four forms Talos reads, written in the form talosctl writes.
#include "secrets/private_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "support.h"

namespace secrets {
namespace {

using namespace testing_support;  // NOLINT(google-build-using-namespace): test helpers

std::string relabel(std::string pem, const std::string& from, const std::string& to) {
  pem.replace(pem.find(from), from.size(), to);
  pem.replace(pem.rfind(from), from.size(), to);
  return pem;
}

std::string pkcs8_pem(EVP_PKEY* key) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return ossl::bio_contents(bio.get());
}

TEST(PrivateKeyPem, ReencodesEveryReferenceKeyByteForByte) {
  const Bundle b = reference_bundle();
  for (const Secret* key : {&b.certs.os.key, &b.certs.etcd.key, &b.certs.k8s.key,
                            &b.certs.k8s_aggregator.key, &b.certs.k8s_service_account.key}) {
    const std::string pem = decode64(key->reveal());
    util::Result<ossl::PkeyPtr> parsed = parse_private_key_pem(pem);
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    util::Result<Secret> again = private_key_to_pem(parsed->get());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->reveal(), pem);
  }
}

TEST(PrivateKeyPem, GeneratedKeysUseTalosLabels) {
  const std::pair<KeyType, std::string> cases[] = {{KeyType::Ed25519, "ED25519 PRIVATE KEY"},
                                                   {KeyType::EcdsaP256, "EC PRIVATE KEY"}};
  for (const auto& [type, label] : cases) {
    util::Result<ossl::PkeyPtr> key = generate_key(type);
    ASSERT_TRUE(key.ok());
    util::Result<Secret> pem = private_key_to_pem(key->get());
    ASSERT_TRUE(pem.ok());
    EXPECT_TRUE(pem->reveal().starts_with("-----BEGIN " + label + "-----\n"));
    EXPECT_TRUE(pem->reveal().ends_with("-----END " + label + "-----\n"));
    util::Result<ossl::PkeyPtr> back = parse_private_key_pem(pem->reveal());
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(EVP_PKEY_eq(key->get(), back->get()), 1);
  }
}

TEST(PrivateKeyPem, AcceptsGenericPkcs8ForAnyAlgorithm) {
  const Bundle b = reference_bundle();
  for (const Secret* key : {&b.certs.os.key, &b.certs.k8s.key}) {
    util::Result<ossl::PkeyPtr> parsed = parse_private_key_pem(decode64(key->reveal()));
    ASSERT_TRUE(parsed.ok());
    const std::string pkcs8 = pkcs8_pem(parsed->get());
    ASSERT_TRUE(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    util::Result<ossl::PkeyPtr> again = parse_private_key_pem(pkcs8);
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_EQ(EVP_PKEY_eq(parsed->get(), again->get()), 1);
  }
}

TEST(PrivateKeyPem, RejectsABodyThatDoesNotMatchItsLabel) {
  const Bundle b = reference_bundle();
  const std::string ec = decode64(b.certs.k8s.key.reveal());
  util::Result<ossl::PkeyPtr> as_rsa =
      parse_private_key_pem(relabel(ec, "EC PRIVATE KEY", "RSA PRIVATE KEY"));
  ASSERT_FALSE(as_rsa.ok());
  EXPECT_EQ(as_rsa.error().message, "not a valid RSA private key (PKCS#1)");

  util::Result<ossl::PkeyPtr> parsed = parse_private_key_pem(ec);
  ASSERT_TRUE(parsed.ok());
  const std::string ec_pkcs8 = pkcs8_pem(parsed->get());
  util::Result<ossl::PkeyPtr> as_ed25519 =
      parse_private_key_pem(relabel(ec_pkcs8, "PRIVATE KEY", "ED25519 PRIVATE KEY"));
  ASSERT_FALSE(as_ed25519.ok());
  EXPECT_EQ(as_ed25519.error().message, "not a valid Ed25519 private key (PKCS#8)");

  util::Result<ossl::PkeyPtr> pkcs8_as_ec =
      parse_private_key_pem(relabel(ec_pkcs8, "PRIVATE KEY", "EC PRIVATE KEY"));
  ASSERT_FALSE(pkcs8_as_ec.ok());
  EXPECT_EQ(pkcs8_as_ec.error().message, "not a valid EC private key (SEC1)");
}

TEST(PrivateKeyPem, RejectsOtherLabelsAndEncryptedKeys) {
  util::Result<ossl::PkeyPtr> ssh = parse_private_key_pem(
      "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
  ASSERT_FALSE(ssh.ok());
  EXPECT_EQ(ssh.error().message,
            "unsupported key type \"OPENSSH PRIVATE KEY\" (expected RSA PRIVATE KEY, EC PRIVATE "
            "KEY, ED25519 PRIVATE KEY or PRIVATE KEY)");
  util::Result<ossl::PkeyPtr> encrypted = parse_private_key_pem(
      "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
      "00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n");
  ASSERT_FALSE(encrypted.ok());
  EXPECT_EQ(encrypted.error().message,
            "PEM block \"EC PRIVATE KEY\" has headers (encrypted keys are not supported)");
}

}  // namespace
}  // namespace secrets
