// Building and signing X.509 v3 certificates the way Go's crypto/x509 lays them out (extension
// order KeyUsage, ExtKeyUsage, BasicConstraints, SubjectKeyId, AuthorityKeyId; PrintableString
// names), so our CAs and leaves look like the ones talosctl makes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "secrets/openssl.h"
#include "secrets/random.h"
#include "secrets/secret.h"
#include "util/result.h"

namespace secrets {

using TimePoint = std::chrono::system_clock::time_point;

// A certificate and its private key as PEM text.
struct PemCertAndKey {
  std::string crt;
  Secret key;
};

struct CertificateSpec {
  std::vector<std::string> organizations;  // one O each, in one RDN (as Go writes them)
  std::string common_name;                 // empty: no CN
  TimePoint not_before;                    // both truncated to whole seconds
  TimePoint not_after;
  bool is_ca = false;          // adds critical BasicConstraints CA:TRUE
  std::string key_usage;       // OpenSSL extension text, e.g. "critical,digitalSignature"
  std::string ext_key_usage;   // e.g. "clientAuth"; empty: no extension
  std::string subject_key_id;  // raw bytes; empty: no extension
  std::string serial;          // big-endian unsigned bytes
};

// Random serial < 2^128, as talosctl draws it.
util::Result<std::string> random_serial(RandomSource& rng);

// Signs a certificate for `subject_key` (only its public half is used). With `issuer` null the
// certificate is self-signed by `signing_key`; otherwise its issuer name comes from `issuer`
// and its AuthorityKeyId from the issuer's SubjectKeyId (when it has one).
util::Result<ossl::X509Ptr> build_certificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                              X509* issuer, EVP_PKEY* signing_key);

}  // namespace secrets
