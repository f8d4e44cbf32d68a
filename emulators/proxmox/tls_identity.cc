#include "emulators/proxmox/tls_identity.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

namespace pve_emu {
namespace {

util::Error openssl_error(const char* what) {
  return util::Error::internal(fmt::format("proxmox emulator TLS identity: {} failed", what));
}

bool add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    return false;
  }
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string fingerprint_of(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += fmt::format("{}{:02X}", i == 0 ? "" : ":", digest[i]);
  }
  return out;
}

}  // namespace

util::Result<TlsIdentity> make_self_signed_identity(const std::string& common_name,
                                                    const std::string& address) {
  TlsIdentity id;
  id.key.reset(EVP_EC_gen("P-256"));
  if (!id.key) {
    return openssl_error("EC key generation");
  }
  id.cert.reset(X509_new());
  X509* cert = id.cert.get();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_pubkey(cert, id.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("PVE Cluster Node"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Proxmox Virtual Environment"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  if (!add_extension(cert, NID_subject_alt_name,
                     fmt::format("IP:{},DNS:localhost,DNS:{}", address, common_name)) ||
      !add_extension(cert, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(cert, NID_ext_key_usage, "serverAuth")) {
    return openssl_error("certificate extensions");
  }
  if (X509_sign(cert, id.key.get(), EVP_sha256()) == 0) {
    return openssl_error("certificate signing");
  }
  id.fingerprint = fingerprint_of(cert);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  id.cert_pem.assign(data, static_cast<size_t>(size));
  BIO_free(bio);
  return id;
}

}  // namespace pve_emu
