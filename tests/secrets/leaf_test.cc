// Client certificates signed by the bundle's CAs.
#include "secrets/leaf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secrets/private_key.h"
#include "support.h"

namespace secrets {
namespace {

using namespace testing_support;  // NOLINT(google-build-using-namespace): test helpers
using ::testing::HasSubstr;

TEST(TalosClientCert, IsAnEd25519OsAdminClientCertificateSignedByTheOsCa) {
  const Bundle bundle = reference_bundle();
  util::Result<PemCertAndKey> leaf =
      issue_talos_client_cert(bundle.certs.os, {"os:admin"}, fixed_now());
  ASSERT_TRUE(leaf.ok()) << leaf.error().describe();
  EXPECT_TRUE(leaf->crt.starts_with("-----BEGIN CERTIFICATE-----\n"));
  EXPECT_TRUE(leaf->key.reveal().starts_with("-----BEGIN ED25519 PRIVATE KEY-----\n"));

  ossl::X509Ptr cert = cert_from_pem(leaf->crt);
  ossl::X509Ptr ca = cert_from_pem(decode64(bundle.certs.os.crt));
  EXPECT_EQ(name_text(X509_get_subject_name(cert.get())), "O=os:admin");
  EXPECT_EQ(name_text(X509_get_issuer_name(cert.get())), "O=talos");
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_ED25519);
  EXPECT_EQ(asn1_seconds(X509_get0_notBefore(cert.get())), unix_seconds(fixed_now()));
  EXPECT_EQ(asn1_seconds(X509_get0_notAfter(cert.get())), unix_seconds(fixed_now()) + 365 * 86400);
  EXPECT_EQ(extension_nids(cert.get()),
            (std::vector<int>{NID_key_usage, NID_ext_key_usage, NID_authority_key_identifier}));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(extension_critical(cert.get(), NID_key_usage));
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_FALSE(X509_get_extension_flags(cert.get()) & EXFLAG_CA);
  ASSERT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
  EXPECT_EQ(octets(X509_get0_authority_key_id(cert.get())),
            octets(X509_get0_subject_key_id(ca.get())));

  util::Result<ossl::PkeyPtr> key = parse_private_key_pem(leaf->key.reveal());
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(certificate_matches_key(cert.get(), key->get()));
}

TEST(TalosClientCert, VerifiesAgainstTheOsCaWithOpenssl) {
  const Bundle bundle = reference_bundle();
  util::Result<PemCertAndKey> leaf =
      issue_talos_client_cert(bundle.certs.os, {"os:admin"}, fixed_now());
  ASSERT_TRUE(leaf.ok());
  const testing_process::Run r = openssl_verify(decode64(bundle.certs.os.crt), leaf->crt,
                                                fixed_now() + std::chrono::hours(1), true);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::EndsWith("cert.pem: OK\n"));
}

TEST(TalosClientCert, DoesNotVerifyAgainstAnotherCa) {
  const Bundle bundle = reference_bundle();
  util::Result<PemCertAndKey> leaf =
      issue_talos_client_cert(bundle.certs.os, {"os:admin"}, fixed_now());
  ASSERT_TRUE(leaf.ok());
  const testing_process::Run r = openssl_verify(decode64(bundle.certs.etcd.crt), leaf->crt,
                                                fixed_now() + std::chrono::hours(1), false);
  EXPECT_NE(r.exit_code, 0) << r.out;
}

TEST(TalosClientCert, PutsEveryRoleInTheOrganizationOnceAndSorted) {
  util::Result<PemCertAndKey> leaf = issue_talos_client_cert(
      reference_bundle().certs.os, {"os:reader", "os:etcd:backup", "os:reader", ""}, fixed_now(),
      std::chrono::hours(24));
  ASSERT_TRUE(leaf.ok()) << leaf.error().describe();
  ossl::X509Ptr cert = cert_from_pem(leaf->crt);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  ASSERT_EQ(X509_NAME_entry_count(subject), 2);
  // One multi-valued RDN, as Go writes several O values.
  EXPECT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(subject, 0)),
            X509_NAME_ENTRY_set(X509_NAME_get_entry(subject, 1)));
  EXPECT_EQ(name_text(subject), "O=os:etcd:backup+O=os:reader");
  EXPECT_EQ(asn1_seconds(X509_get0_notAfter(cert.get())), unix_seconds(fixed_now()) + 86400);
}

TEST(TalosClientCert, RefusesAnEmptyRoleSet) {
  util::Result<PemCertAndKey> leaf =
      issue_talos_client_cert(reference_bundle().certs.os, {}, fixed_now());
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.error().message, "a Talos client certificate needs at least one role");
}

TEST(TalosClientCert, NamesTheBrokenCaField) {
  CertAndKey ca = reference_bundle().certs.os;
  ca.key = reference_bundle().certs.etcd.key;
  util::Result<PemCertAndKey> leaf = issue_talos_client_cert(ca, {"os:admin"}, fixed_now());
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.error().message,
            "certs.os.key: does not belong to the certificate in certs.os.crt");
  ca.crt = "***";
  leaf = issue_talos_client_cert(ca, {"os:admin"}, fixed_now());
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.error().message, "certs.os.crt: not valid base64");
}

TEST(KubernetesAdminCert, IsAnEcdsaSystemMastersClientCertificateBackdatedTenSeconds) {
  const Bundle bundle = reference_bundle();
  util::Result<PemCertAndKey> leaf = issue_kubernetes_admin_cert(bundle.certs.k8s, fixed_now());
  ASSERT_TRUE(leaf.ok()) << leaf.error().describe();
  EXPECT_TRUE(leaf->key.reveal().starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
  ossl::X509Ptr cert = cert_from_pem(leaf->crt);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  ASSERT_EQ(X509_NAME_entry_count(subject), 2);
  EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, 0))),
            NID_organizationName);
  EXPECT_EQ(name_text(subject), "CN=admin,O=system:masters");
  EXPECT_EQ(name_text(X509_get_issuer_name(cert.get())), "O=kubernetes");
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_EC);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(asn1_seconds(X509_get0_notBefore(cert.get())), unix_seconds(fixed_now()) - 10);
  EXPECT_EQ(asn1_seconds(X509_get0_notAfter(cert.get())), unix_seconds(fixed_now()) + 365 * 86400);
  EXPECT_EQ(X509_get_key_usage(cert.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_FALSE(X509_get_extension_flags(cert.get()) & EXFLAG_CA);

  const testing_process::Run r =
      openssl_verify(decode64(bundle.certs.k8s.crt), leaf->crt, fixed_now(), true);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace secrets
