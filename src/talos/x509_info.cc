// Certificate facts via OpenSSL directly: talos/ cannot reach the secrets/ wrappers.
#include "talos/x509_info.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

namespace talos {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

util::Result<X509Ptr> read_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    return util::Error::invalid_input("not a PEM certificate");
  }
  return cert;
}

std::string base64(const unsigned char* data, int size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
  out.resize(n);
  return out;
}

}  // namespace

util::Result<std::vector<std::string>> certificate_organizations(const std::string& pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, read_certificate(pem));
  std::vector<std::string> out;
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_organizationName, i)) >= 0;) {
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<size_t>(ASN1_STRING_length(value)));
    if (!text.empty()) {
      out.push_back(std::move(text));
    }
  }
  return out;
}

util::Result<std::string> spki_sha256_base64(const std::string& pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, read_certificate(pem));
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
  if (size <= 0) {
    return util::Error::invalid_input("certificate has no encodable public key");
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(size), digest);
  OPENSSL_free(der);
  return base64(digest, SHA256_DIGEST_LENGTH);
}

}  // namespace talos
