// Leaf certificate issuance.
#include "secrets/leaf.h"

#include <algorithm>

#include <fmt/format.h>

#include "secrets/pem.h"
#include "secrets/private_key.h"

namespace secrets {
namespace {

struct LoadedCa {
  ossl::X509Ptr cert;
  ossl::PkeyPtr key;
};

util::Result<LoadedCa> load_ca(const CertAndKey& entry, std::string_view path) {
  ASSIGN_OR_RETURN(const PemCertAndKey pem, decode_cert_and_key(entry, path));
  util::Result<ossl::X509Ptr> cert = parse_certificate_pem(pem.crt);
  if (!cert.ok()) {
    return util::Error::invalid_input(fmt::format("{}.crt: {}", path, cert.error().message));
  }
  util::Result<ossl::PkeyPtr> key = parse_private_key_pem(pem.key.reveal());
  if (!key.ok()) {
    return util::Error::invalid_input(fmt::format("{}.key: {}", path, key.error().message));
  }
  if (!certificate_matches_key(cert->get(), key->get())) {
    return util::Error::invalid_input(
        fmt::format("{}.key: does not belong to the certificate in {}.crt", path, path));
  }
  return LoadedCa{std::move(cert).value(), std::move(key).value()};
}

util::Result<PemCertAndKey> issue(const LoadedCa& ca, KeyType key_type, CertificateSpec spec,
                                  RandomSource& rng) {
  ASSIGN_OR_RETURN(spec.serial, random_serial(rng));
  ASSIGN_OR_RETURN(ossl::PkeyPtr key, generate_key(key_type));
  ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                   build_certificate(spec, key.get(), ca.cert.get(), ca.key.get()));
  ASSIGN_OR_RETURN(Secret key_pem, private_key_to_pem(key.get()));
  return PemCertAndKey{certificate_to_pem(cert.get()), std::move(key_pem)};
}

}  // namespace

util::Result<PemCertAndKey> issue_talos_client_cert(const CertAndKey& os_ca,
                                                    const std::vector<std::string>& roles,
                                                    TimePoint now, std::chrono::seconds validity,
                                                    RandomSource& rng) {
  CertificateSpec spec;
  spec.organizations = roles;
  std::sort(spec.organizations.begin(), spec.organizations.end());
  spec.organizations.erase(std::unique(spec.organizations.begin(), spec.organizations.end()),
                           spec.organizations.end());
  std::erase(spec.organizations, std::string());
  if (spec.organizations.empty()) {
    return util::Error::invalid_input("a Talos client certificate needs at least one role")
        .with_hint("use os:admin for full access");
  }
  spec.not_before = now;
  spec.not_after = now + validity;
  spec.key_usage = "critical,digitalSignature";
  spec.ext_key_usage = "clientAuth";
  ASSIGN_OR_RETURN(const LoadedCa ca, load_ca(os_ca, "certs.os"));
  ASSIGN_OR_RETURN(const KeyType key_type, key_type_of(ca.key.get()));
  // The leaf key follows the CA's key type, as in talosctl (Ed25519; ECDSA for a FIPS CA).
  return issue(ca, key_type, std::move(spec), rng);
}

util::Result<PemCertAndKey> issue_kubernetes_admin_cert(const CertAndKey& k8s_ca, TimePoint now,
                                                        RandomSource& rng) {
  CertificateSpec spec;
  spec.organizations = {"system:masters"};
  spec.common_name = "admin";
  spec.not_before = now - kKubernetesAdminCertBackdate;
  spec.not_after = now + kKubernetesAdminCertValidity;
  spec.key_usage = "critical,digitalSignature,keyEncipherment";
  spec.ext_key_usage = "clientAuth";
  ASSIGN_OR_RETURN(const LoadedCa ca, load_ca(k8s_ca, "certs.k8s"));
  return issue(ca, KeyType::EcdsaP256, std::move(spec), rng);
}

}  // namespace secrets
