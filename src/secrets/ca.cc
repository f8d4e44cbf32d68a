// CA generation.
#include "secrets/ca.h"

#include "secrets/pem.h"

namespace secrets {

util::Result<PemCertAndKey> generate_ca(const std::optional<std::string>& organization,
                                        KeyType key_type, TimePoint now, RandomSource& rng) {
  CertificateSpec spec;
  if (organization) {
    spec.organizations.push_back(*organization);
  }
  spec.not_before = now;
  spec.not_after = now + kCaValidity;
  spec.is_ca = true;
  spec.key_usage = "critical,digitalSignature,keyCertSign";
  spec.ext_key_usage = "serverAuth,clientAuth";
  ASSIGN_OR_RETURN(spec.serial, random_serial(rng));
  ASSIGN_OR_RETURN(spec.subject_key_id, random_bytes(rng, kSubjectKeyIdSize));

  ASSIGN_OR_RETURN(ossl::PkeyPtr key, generate_key(key_type));
  ASSIGN_OR_RETURN(ossl::X509Ptr cert, build_certificate(spec, key.get(), nullptr, key.get()));
  ASSIGN_OR_RETURN(Secret key_pem, private_key_to_pem(key.get()));
  return PemCertAndKey{certificate_to_pem(cert.get()), std::move(key_pem)};
}

}  // namespace secrets
