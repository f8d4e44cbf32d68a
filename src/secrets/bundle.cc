// Generating a secrets bundle, and decoding its base64 entries.
#include "secrets/bundle.h"

#include <fmt/format.h>

#include "secrets/base64.h"
#include "secrets/ca.h"
#include "secrets/pem.h"

namespace secrets {
namespace {

CertAndKey encode(const PemCertAndKey& pem) {
  return CertAndKey{base64_encode(pem.crt), Secret(base64_encode(pem.key.reveal()))};
}

util::Result<Certs> generate_certs(ContractVersion contract, TimePoint now, RandomSource& rng) {
  Certs certs;
  ASSIGN_OR_RETURN(PemCertAndKey etcd, generate_ca("etcd", KeyType::EcdsaP256, now, rng));
  ASSIGN_OR_RETURN(PemCertAndKey k8s, generate_ca("kubernetes", KeyType::EcdsaP256, now, rng));
  // The front-proxy CA has an empty subject: Talos passes only a CommonName, which the CA
  // builder ignores.
  ASSIGN_OR_RETURN(PemCertAndKey aggregator,
                   generate_ca(std::nullopt, KeyType::EcdsaP256, now, rng));
  const KeyType sa_type = contract.at_least(1, 7) ? KeyType::Rsa4096 : KeyType::EcdsaP256;
  ASSIGN_OR_RETURN(ossl::PkeyPtr sa_key, generate_key(sa_type));
  ASSIGN_OR_RETURN(Secret sa_pem, private_key_to_pem(sa_key.get()));
  ASSIGN_OR_RETURN(PemCertAndKey os, generate_ca("talos", KeyType::Ed25519, now, rng));
  certs.etcd = encode(etcd);
  certs.k8s = encode(k8s);
  certs.k8s_aggregator = encode(aggregator);
  certs.k8s_service_account.key = Secret(base64_encode(sa_pem.reveal()));
  certs.os = encode(os);
  return certs;
}

util::Result<Secret> random_base64(RandomSource& rng, size_t size, Base64Alphabet alphabet) {
  ASSIGN_OR_RETURN(std::string bytes, random_bytes(rng, size));
  const Secret raw(std::move(bytes));  // wiped on return
  return Secret(base64_encode(raw.reveal(), alphabet));
}

}  // namespace

util::Result<Bundle> generate_bundle(ContractVersion contract, TimePoint now, RandomSource& rng) {
  Bundle bundle;
  ASSIGN_OR_RETURN(bundle.certs, generate_certs(contract, now, rng));
  ASSIGN_OR_RETURN(std::string bootstrap, random_token(rng));
  bundle.bootstrap_token = Secret(std::move(bootstrap));
  ASSIGN_OR_RETURN(Secret encryption, random_base64(rng, 32, Base64Alphabet::Standard));
  if (contract.at_least(1, 3)) {
    bundle.secretbox_encryption_secret = std::move(encryption);
  } else {
    bundle.aescbc_encryption_secret = std::move(encryption);
  }
  ASSIGN_OR_RETURN(std::string trustd, random_token(rng));
  bundle.trustd_token = Secret(std::move(trustd));
  ASSIGN_OR_RETURN(Secret id, random_base64(rng, 32, Base64Alphabet::Url));
  bundle.cluster_id = id.reveal();
  ASSIGN_OR_RETURN(bundle.cluster_secret, random_base64(rng, 32, Base64Alphabet::Standard));
  return bundle;
}

util::Result<PemCertAndKey> decode_cert_and_key(const CertAndKey& entry, std::string_view path) {
  std::optional<std::string> crt = base64_decode(entry.crt);
  if (!crt) {
    return util::Error::invalid_input(fmt::format("{}.crt: not valid base64", path));
  }
  std::optional<std::string> key = base64_decode(entry.key.reveal());
  if (!key) {
    return util::Error::invalid_input(fmt::format("{}.key: not valid base64", path));
  }
  return PemCertAndKey{std::move(*crt), Secret(std::move(*key))};
}

}  // namespace secrets
