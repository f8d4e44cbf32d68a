// A generated bundle: every field in talosctl's shape, and CAs exactly as talos.md §3.3 says.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "secrets/bundle.h"
#include "secrets/private_key.h"
#include "support.h"

namespace secrets {
namespace {

using namespace testing_support;  // NOLINT(google-build-using-namespace): test helpers

// RSA-4096 generation takes a second or two; the tests share one bundle.
const Bundle& generated() {
  static const Bundle bundle = [] {
    util::Result<Bundle> b = generate_bundle(ContractVersion{1, 11}, fixed_now());
    EXPECT_TRUE(b.ok()) << b.error().describe();
    return std::move(b).value();
  }();
  return bundle;
}

struct CaCase {
  const char* name;
  const CertAndKey& (*entry)(const Bundle&);
  const char* subject;
  int key_type;
  int signature_nid;
  const char* key_label;
};

const CaCase kCas[] = {
    {"os", [](const Bundle& b) -> const CertAndKey& { return b.certs.os; }, "O=talos",
     EVP_PKEY_ED25519, NID_ED25519, "ED25519 PRIVATE KEY"},
    {"k8s", [](const Bundle& b) -> const CertAndKey& { return b.certs.k8s; }, "O=kubernetes",
     EVP_PKEY_EC, NID_ecdsa_with_SHA256, "EC PRIVATE KEY"},
    {"k8saggregator", [](const Bundle& b) -> const CertAndKey& { return b.certs.k8s_aggregator; },
     "", EVP_PKEY_EC, NID_ecdsa_with_SHA256, "EC PRIVATE KEY"},
    {"etcd", [](const Bundle& b) -> const CertAndKey& { return b.certs.etcd; }, "O=etcd",
     EVP_PKEY_EC, NID_ecdsa_with_SHA256, "EC PRIVATE KEY"},
};

TEST(BundleGenerate, ProducesAValidBundleThatRoundTrips) {
  EXPECT_TRUE(validate_bundle(generated()).empty());
  const std::string text = render_bundle(generated()).reveal();
  EXPECT_TRUE(text.starts_with("cluster:\n    id: "));
  util::Result<Bundle> again = parse_bundle(text, "generated");
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(again->leading_comments, "");
  EXPECT_EQ(render_bundle(*again).reveal(), text);
}

TEST(BundleGenerate, ClusterIdAndSecretsHaveTalosctlShapes) {
  const Bundle& b = generated();
  EXPECT_EQ(b.cluster_id.size(), 44u);
  EXPECT_TRUE(b.cluster_id.ends_with("="));
  EXPECT_EQ(base64_decode(b.cluster_id, Base64Alphabet::Url).value().size(), 32u);
  EXPECT_EQ(base64_decode(b.cluster_secret.reveal()).value().size(), 32u);
  ASSERT_TRUE(b.secretbox_encryption_secret.has_value());
  EXPECT_FALSE(b.aescbc_encryption_secret.has_value());
  EXPECT_EQ(base64_decode(b.secretbox_encryption_secret->reveal()).value().size(), 32u);
  const std::regex token("^[0-9a-z]{6}\\.[0-9a-z]{16}$");
  EXPECT_TRUE(std::regex_match(b.bootstrap_token.reveal(), token));
  EXPECT_TRUE(std::regex_match(b.trustd_token.reveal(), token));
  EXPECT_NE(b.bootstrap_token, b.trustd_token);
}

TEST(BundleGenerate, EveryCaMatchesTheTalosCaProfile) {
  for (const CaCase& c : kCas) {
    SCOPED_TRACE(c.name);
    const CertAndKey& entry = c.entry(generated());
    const std::string crt_pem = decode64(entry.crt);
    const std::string key_pem = decode64(entry.key.reveal());
    EXPECT_TRUE(crt_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    EXPECT_TRUE(key_pem.starts_with(fmt::format("-----BEGIN {}-----\n", c.key_label)));
    EXPECT_TRUE(key_pem.ends_with(fmt::format("-----END {}-----\n", c.key_label)));
    ossl::X509Ptr cert = cert_from_pem(crt_pem);

    EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
    EXPECT_EQ(name_text(X509_get_subject_name(cert.get())), c.subject);
    EXPECT_EQ(name_text(X509_get_issuer_name(cert.get())), c.subject);
    EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), c.key_type);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), c.signature_nid);

    EXPECT_EQ(asn1_seconds(X509_get0_notBefore(cert.get())), unix_seconds(fixed_now()));
    EXPECT_EQ(asn1_seconds(X509_get0_notAfter(cert.get())) -
                  asn1_seconds(X509_get0_notBefore(cert.get())),
              87600 * 3600);

    EXPECT_EQ(extension_nids(cert.get()),
              (std::vector<int>{NID_key_usage, NID_ext_key_usage, NID_basic_constraints,
                                NID_subject_key_identifier}));
    EXPECT_EQ(X509_get_key_usage(cert.get()),
              static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN));
    EXPECT_TRUE(extension_critical(cert.get(), NID_key_usage));
    EXPECT_EQ(X509_get_extended_key_usage(cert.get()),
              static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
    EXPECT_FALSE(extension_critical(cert.get(), NID_ext_key_usage));
    EXPECT_TRUE(X509_get_extension_flags(cert.get()) & EXFLAG_CA);
    EXPECT_EQ(X509_get_pathlen(cert.get()), -1);
    EXPECT_TRUE(extension_critical(cert.get(), NID_basic_constraints));
    EXPECT_EQ(X509_get0_authority_key_id(cert.get()), nullptr);

    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert.get());
    ASSERT_NE(ski, nullptr);
    EXPECT_EQ(ASN1_STRING_length(ski), 20);
    unsigned char key_hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    X509_pubkey_digest(cert.get(), EVP_sha1(), key_hash, &hash_len);
    EXPECT_NE(octets(ski), std::string(reinterpret_cast<char*>(key_hash), hash_len))
        << "SubjectKeyId must be random, not the key hash";

    const BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr);
    EXPECT_LE(BN_num_bits(serial), 128);
    EXPECT_FALSE(BN_is_negative(serial));
    BN_free(const_cast<BIGNUM*>(serial));
  }
}

TEST(BundleGenerate, EveryCaVerifiesAgainstItselfWithOpenssl) {
  for (const CaCase& c : kCas) {
    SCOPED_TRACE(c.name);
    const std::string pem = decode64(c.entry(generated()).crt);
    // -x509_strict refuses the aggregator's empty subject, exactly as it would talosctl's.
    const bool strict = std::string(c.name) != "k8saggregator";
    const testing_process::Run r =
        openssl_verify(pem, pem, fixed_now() + std::chrono::hours(1), strict);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, ::testing::EndsWith("cert.pem: OK\n"));
  }
}

TEST(BundleGenerate, CasAreNotValidBeforeNow) {
  const std::string pem = decode64(generated().certs.os.crt);
  const testing_process::Run r =
      openssl_verify(pem, pem, fixed_now() - std::chrono::seconds(1), true);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, ::testing::HasSubstr("certificate is not yet valid"));
}

TEST(BundleGenerate, ServiceAccountKeyIsRsa4096Pkcs1ForCurrentContracts) {
  const std::string pem = decode64(generated().certs.k8s_service_account.key.reveal());
  EXPECT_TRUE(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
  util::Result<ossl::PkeyPtr> key = parse_private_key_pem(pem);
  ASSERT_TRUE(key.ok()) << key.error().describe();
  EXPECT_EQ(EVP_PKEY_get_base_id(key->get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 4096);
}

TEST(BundleGenerate, OldContractsGetAescbcAndAnEcdsaServiceAccountKey) {
  util::Result<Bundle> b = generate_bundle(ContractVersion{1, 2}, fixed_now());
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_FALSE(b->secretbox_encryption_secret.has_value());
  ASSERT_TRUE(b->aescbc_encryption_secret.has_value());
  EXPECT_EQ(base64_decode(b->aescbc_encryption_secret->reveal()).value().size(), 32u);
  EXPECT_TRUE(decode64(b->certs.k8s_service_account.key.reveal())
                  .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
  EXPECT_TRUE(validate_bundle(*b).empty());
  EXPECT_THAT(render_bundle(*b).reveal(), ::testing::HasSubstr("\n    aescbcencryptionsecret: "));
}

TEST(BundleGenerate, ContractSixUsesSecretboxAndAnEcdsaServiceAccountKey) {
  util::Result<Bundle> b = generate_bundle(ContractVersion{1, 6}, fixed_now());
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_TRUE(b->secretbox_encryption_secret.has_value());
  EXPECT_TRUE(decode64(b->certs.k8s_service_account.key.reveal())
                  .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
}

TEST(BundleGenerate, InjectedRandomnessMakesEverythingButKeyPairsRepeatable) {
  SeededRandom rng1(42), rng2(42);
  util::Result<Bundle> a = generate_bundle(ContractVersion{1, 6}, fixed_now(), rng1);
  util::Result<Bundle> b = generate_bundle(ContractVersion{1, 6}, fixed_now(), rng2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->cluster_id, b->cluster_id);
  EXPECT_EQ(a->cluster_secret, b->cluster_secret);
  EXPECT_EQ(a->bootstrap_token, b->bootstrap_token);
  EXPECT_EQ(a->trustd_token, b->trustd_token);
  EXPECT_EQ(a->secretbox_encryption_secret, b->secretbox_encryption_secret);
  ossl::X509Ptr ca = cert_from_pem(decode64(a->certs.os.crt));
  ossl::X509Ptr cb = cert_from_pem(decode64(b->certs.os.crt));
  EXPECT_EQ(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(cb.get())),
            0);
  EXPECT_EQ(octets(X509_get0_subject_key_id(ca.get())), octets(X509_get0_subject_key_id(cb.get())));
  EXPECT_NE(a->certs.os.key, b->certs.os.key);
}

TEST(BundleGenerate, PassesOnARandomSourceFailure) {
  ScriptedRandom empty({});
  util::Result<Bundle> b = generate_bundle(ContractVersion{1, 6}, fixed_now(), empty);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "script exhausted");
}

}  // namespace
}  // namespace secrets
