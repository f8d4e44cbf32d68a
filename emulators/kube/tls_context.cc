// In-memory TLS setup: the private key never touches the filesystem.
#include "emulators/kube/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace kube_emu {
namespace {

std::vector<X509*> read_certs(const std::string& pem) {
  std::vector<X509*> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    return out;
  }
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    out.push_back(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  BIO_free(bio);
  return out;
}

EVP_PKEY* read_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    return nullptr;
  }
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  ERR_clear_error();
  BIO_free(bio);
  return key;
}

std::vector<std::string> subject_entries(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) {
      out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
    }
  }
  return out;
}

}  // namespace

util::Result<std::shared_ptr<TlsMaterial>> TlsMaterial::parse(const ServerTls& tls) {
  std::shared_ptr<TlsMaterial> m(new TlsMaterial());
  m->chain_ = read_certs(tls.cert_pem);
  if (m->chain_.empty()) {
    return util::Error::invalid_input("ServerTls.cert_pem holds no PEM certificate")
        .with_hint("pass the serving certificate issued by the cluster's Kubernetes CA");
  }
  m->key_ = read_key(tls.key_pem);
  if (m->key_ == nullptr) {
    return util::Error::invalid_input("ServerTls.key_pem holds no readable PEM private key");
  }
  if (X509_check_private_key(m->chain_[0], m->key_) != 1) {
    ERR_clear_error();
    return util::Error::invalid_input(
        "ServerTls.key_pem does not belong to the first certificate of cert_pem");
  }
  m->client_cas_ = read_certs(tls.client_ca_pem);
  if (m->client_cas_.empty()) {
    return util::Error::invalid_input("ServerTls.client_ca_pem holds no PEM certificate")
        .with_hint("client certificates are mandatory; pass the cluster's Kubernetes CA");
  }
  return m;
}

TlsMaterial::~TlsMaterial() {
  for (X509* c : chain_) {
    X509_free(c);
  }
  for (X509* c : client_cas_) {
    X509_free(c);
  }
  EVP_PKEY_free(key_);
}

bool TlsMaterial::configure(SSL_CTX& ctx) const {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate(&ctx, chain_[0]) != 1 || SSL_CTX_use_PrivateKey(&ctx, key_) != 1) {
    return false;
  }
  for (size_t i = 1; i < chain_.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(&ctx, chain_[i]) != 1) {
      return false;
    }
  }
  X509_STORE* store = X509_STORE_new();
  for (X509* ca : client_cas_) {
    X509_STORE_add_cert(store, ca);
    SSL_CTX_add_client_CA(&ctx, ca);
  }
  SSL_CTX_set_cert_store(&ctx, store);  // takes ownership
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return true;
}

ClientIdentity peer_identity(const SSL* ssl) {
  ClientIdentity id;
  if (ssl == nullptr) {
    return id;
  }
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) {
    return id;
  }
  X509_NAME* subject = X509_get_subject_name(cert);
  const std::vector<std::string> cn = subject_entries(subject, NID_commonName);
  id.user = cn.empty() ? "" : cn[0];
  id.groups = subject_entries(subject, NID_organizationName);
  X509_free(cert);
  return id;
}

}  // namespace kube_emu
