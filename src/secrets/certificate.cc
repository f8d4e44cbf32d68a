// X.509 construction: names, validity, extensions and signature.
#include "secrets/certificate.h"

#include <fmt/format.h>
#include <openssl/x509v3.h>

namespace secrets {
namespace {

// Go encodes a name attribute as PrintableString when every character allows it, else UTF8.
bool is_printable_string(const std::string& s) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    if (!ok) {
      return false;
    }
  }
  return true;
}

// In X509_NAME_add_entry's `set`, 0 starts a new RDN and -1 joins the previous one: several O
// values share one multi-valued RDN, as Go writes them.
bool add_name_entry(X509_NAME* name, int nid, const std::string& value, bool join_previous) {
  const int type = is_printable_string(value) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
  return X509_NAME_add_entry_by_NID(
             name, nid, type, reinterpret_cast<const unsigned char*>(value.data()),
             static_cast<int>(value.size()), -1, join_previous ? -1 : 0) == 1;
}

util::Result<ossl::NamePtr> build_name(const CertificateSpec& spec) {
  ossl::NamePtr name(X509_NAME_new());
  for (size_t i = 0; i < spec.organizations.size(); ++i) {
    if (!add_name_entry(name.get(), NID_organizationName, spec.organizations[i], i > 0)) {
      return ossl::openssl_error("set certificate organization");
    }
  }
  if (!spec.common_name.empty() &&
      !add_name_entry(name.get(), NID_commonName, spec.common_name, false)) {
    return ossl::openssl_error("set certificate common name");
  }
  return name;
}

util::Result<void> set_serial_and_validity(X509* cert, const CertificateSpec& spec) {
  ossl::BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(spec.serial.data()),
                               static_cast<int>(spec.serial.size()), nullptr));
  ossl::IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (serial == nullptr || X509_set_serialNumber(cert, serial.get()) != 1) {
    return ossl::openssl_error("set certificate serial");
  }
  const auto seconds = [](TimePoint t) {
    return static_cast<time_t>(
        std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
  };
  if (ASN1_TIME_set(X509_getm_notBefore(cert), seconds(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), seconds(spec.not_after)) == nullptr) {
    return ossl::openssl_error("set certificate validity");
  }
  return {};
}

util::Result<void> add_conf_extension(X509* cert, int nid, const std::string& value) {
  ossl::ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, nid, value.c_str()));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl::openssl_error(fmt::format("add extension {}", OBJ_nid2sn(nid)));
  }
  return {};
}

util::Result<void> add_key_id(X509* cert, const std::string& id) {
  ossl::OctetStringPtr octets(ASN1_OCTET_STRING_new());
  if (octets == nullptr ||
      ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const unsigned char*>(id.data()),
                            static_cast<int>(id.size())) != 1 ||
      X509_add1_ext_i2d(cert, NID_subject_key_identifier, octets.get(), 0, X509V3_ADD_DEFAULT) !=
          1) {
    return ossl::openssl_error("add subject key identifier");
  }
  return {};
}

util::Result<void> add_authority_key_id(X509* cert, X509* issuer) {
  const ASN1_OCTET_STRING* issuer_ski = X509_get0_subject_key_id(issuer);
  if (issuer_ski == nullptr) {
    return {};  // Go sets AuthorityKeyId only when the parent has a SubjectKeyId
  }
  ossl::AuthorityKeyIdPtr akid(AUTHORITY_KEYID_new());
  akid->keyid = ASN1_OCTET_STRING_dup(issuer_ski);
  if (akid->keyid == nullptr || X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid.get(), 0,
                                                  X509V3_ADD_DEFAULT) != 1) {
    return ossl::openssl_error("add authority key identifier");
  }
  return {};
}

util::Result<void> add_extensions(X509* cert, const CertificateSpec& spec, X509* issuer) {
  if (!spec.key_usage.empty()) {
    RETURN_IF_ERROR(add_conf_extension(cert, NID_key_usage, spec.key_usage));
  }
  if (!spec.ext_key_usage.empty()) {
    RETURN_IF_ERROR(add_conf_extension(cert, NID_ext_key_usage, spec.ext_key_usage));
  }
  if (spec.is_ca) {
    RETURN_IF_ERROR(add_conf_extension(cert, NID_basic_constraints, "critical,CA:TRUE"));
  }
  if (!spec.subject_key_id.empty()) {
    RETURN_IF_ERROR(add_key_id(cert, spec.subject_key_id));
  }
  if (issuer != nullptr) {
    RETURN_IF_ERROR(add_authority_key_id(cert, issuer));
  }
  return {};
}

// Ed25519 signs the message itself (no digest); ECDSA and RSA use SHA-256 as talosctl does.
const EVP_MD* digest_for(EVP_PKEY* signing_key) {
  return EVP_PKEY_is_a(signing_key, "ED25519") ? nullptr : EVP_sha256();
}

}  // namespace

util::Result<std::string> random_serial(RandomSource& rng) {
  return random_bytes(rng, 16);
}

util::Result<ossl::X509Ptr> build_certificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                              X509* issuer, EVP_PKEY* signing_key) {
  ossl::X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return ossl::openssl_error("create certificate");
  }
  RETURN_IF_ERROR(set_serial_and_validity(cert.get(), spec));
  ASSIGN_OR_RETURN(ossl::NamePtr subject, build_name(spec));
  X509_NAME* issuer_name = issuer != nullptr ? X509_get_subject_name(issuer) : subject.get();
  if (X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return ossl::openssl_error("set certificate names and key");
  }
  RETURN_IF_ERROR(add_extensions(cert.get(), spec, issuer));
  if (X509_sign(cert.get(), signing_key, digest_for(signing_key)) <= 0) {
    return ossl::openssl_error("sign certificate");
  }
  return cert;
}

}  // namespace secrets
