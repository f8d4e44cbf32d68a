// OpenSSL 3 certificate minting for the gRPC client tests; aborts on any OpenSSL failure, since a
// broken fixture is a bug of the test, not a result.
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "talos/test_certs.h"

namespace talos_test {
namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_X509(bio, cert) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

KeyPtr read_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  KeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  BIO_free(bio);
  check(key != nullptr);
  return key;
}

CertPtr read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  CertPtr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr), &X509_free);
  BIO_free(bio);
  check(cert != nullptr);
  return cert;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr);
  check(X509_add_ext(cert, ext, -1) == 1);
  X509_EXTENSION_free(ext);
}

// A cert for `key` named by `subject`, issued by `issuer` (itself when null).
Pem sign(EVP_PKEY* key, X509_NAME* subject, X509* issuer, EVP_PKEY* issuer_key,
         const std::vector<std::pair<int, const char*>>& exts) {
  CertPtr cert(X509_new(), &X509_free);
  static long serial = 1;
  check(X509_set_version(cert.get(), 2) == 1);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_subject_name(cert.get(), subject) == 1);
  check(X509_set_issuer_name(cert.get(),
                             issuer != nullptr ? X509_get_subject_name(issuer) : subject) == 1);
  check(X509_set_pubkey(cert.get(), key) == 1);
  for (const auto& [nid, value] : exts) {
    add_ext(cert.get(), issuer != nullptr ? issuer : cert.get(), nid, value);
  }
  check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, nullptr) > 0);  // Ed25519
  return Pem{cert_pem(cert.get()), key_pem(key)};
}

KeyPtr new_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
  check(key != nullptr);
  return key;
}

Pem issue(const Pem& ca, X509_NAME* subject, const std::vector<std::pair<int, const char*>>& exts) {
  KeyPtr key = new_key();
  KeyPtr ca_key = read_key(ca.key);
  CertPtr ca_cert = read_cert(ca.crt);
  return sign(key.get(), subject, ca_cert.get(), ca_key.get(), exts);
}

}  // namespace

Pem make_ca(const std::string& cn) {
  KeyPtr key = new_key();
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("talos"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  Pem out = sign(key.get(), name, nullptr, nullptr,
                 {{NID_basic_constraints, "critical,CA:TRUE"},
                  {NID_key_usage, "critical,keyCertSign,digitalSignature"},
                  {NID_subject_key_identifier, "hash"}});
  X509_NAME_free(name);
  return out;
}

Pem make_server_cert(const Pem& ca, const std::string& sans) {
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("node-1"), -1, -1, 0);
  Pem out = issue(ca, name,
                  {{NID_key_usage, "critical,digitalSignature"},
                   {NID_ext_key_usage, "serverAuth"},
                   {NID_subject_alt_name, sans.c_str()}});
  X509_NAME_free(name);
  return out;
}

Pem make_client_cert(const Pem& ca, const std::vector<std::string>& roles) {
  X509_NAME* name = X509_NAME_new();
  for (const std::string& role : roles) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(role.c_str()), -1, -1, 0);
  }
  Pem out = issue(
      ca, name, {{NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "clientAuth"}});
  X509_NAME_free(name);
  return out;
}

}  // namespace talos_test
