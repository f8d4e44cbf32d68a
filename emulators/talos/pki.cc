#include "emulators/talos/pki.h"

#include <arpa/inet.h>

#include <memory>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace talos_emu {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

enum class KeyType { Ed25519, EcdsaP256 };

util::Error openssl_error(std::string_view what) {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!reasons.empty()) reasons += "; ";
    reasons += buf;
  }
  return util::Error::internal(std::string(what) + (reasons.empty() ? "" : ": " + reasons));
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

util::Result<PkeyPtr> generate_key(KeyType type) {
  PkeyPtr key(type == KeyType::Ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return openssl_error("generate key");
  return key;
}

// Talos writes Ed25519 PKCS#8 keys under the label "ED25519 PRIVATE KEY" (talos.md §3.3), which
// OpenSSL does not know; the bytes are plain PKCS#8.
std::string normalise_key_label(std::string pem) {
  for (std::string_view label : {"ED25519 PRIVATE KEY"}) {
    for (std::string_view edge : {"-----BEGIN ", "-----END "}) {
      const std::string from = std::string(edge) + std::string(label);
      const std::string to = std::string(edge) + "PRIVATE KEY";
      for (size_t at = pem.find(from); at != std::string::npos; at = pem.find(from, at)) {
        pem.replace(at, from.size(), to);
      }
    }
  }
  return pem;
}

util::Result<PkeyPtr> read_key(const std::string& pem) {
  const std::string text = normalise_key_label(pem);
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return util::Error::invalid_input("private key is not a PEM private key");
  }
  return key;
}

util::Result<X509Ptr> read_cert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    ERR_clear_error();
    return util::Error::invalid_input("certificate is not a PEM X.509 certificate");
  }
  return cert;
}

util::Result<std::string> key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const bool ok = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC
                      ? PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0,
                                                             nullptr, nullptr)
                      : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                 nullptr);
  if (!ok) return openssl_error("write private key");
  return bio_text(bio.get());
}

util::Result<std::string> cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) return openssl_error("write certificate");
  return bio_text(bio.get());
}

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string san_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (n.empty()) continue;
    if (!out.empty()) out += ",";
    out += (is_ip(n) ? "IP:" : "DNS:") + n;
  }
  return out;
}

struct Profile {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> sans;
  std::chrono::seconds not_before_offset{0};
  std::chrono::seconds lifetime{24 * 3600};
  bool is_ca = false;
  std::string key_usage = "critical,digitalSignature";
  std::string ext_key_usage;  // empty = none
};

util::Result<void> add_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) return openssl_error("certificate extension");
  return {};
}

util::Result<void> set_subject(X509_NAME* name, const Profile& p) {
  for (const std::string& o : p.organizations) {
    if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0)) {
      return openssl_error("subject O");
    }
  }
  if (!p.common_name.empty() &&
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(p.common_name.c_str()),
                                  -1, -1, 0)) {
    return openssl_error("subject CN");
  }
  return {};
}

util::Result<void> set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return openssl_error("serial");
  bytes[0] &= 0x7f;
  BignumPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return openssl_error("serial");
  }
  return {};
}

// Signs a certificate for `subject_key` with `profile`; issuer == nullptr → self-signed.
util::Result<std::string> sign(const Profile& profile, EVP_PKEY* subject_key, X509* issuer,
                               EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) return openssl_error("new cert");
  if (auto r = set_random_serial(cert.get()); !r) return r.error();
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), profile.not_before_offset.count());
  X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                  profile.not_before_offset.count() + profile.lifetime.count());
  if (auto r = set_subject(X509_get_subject_name(cert.get()), profile); !r) return r.error();
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer)
                                          : X509_get_subject_name(cert.get()));
  if (!X509_set_pubkey(cert.get(), subject_key)) return openssl_error("set public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  if (profile.is_ca) {
    if (auto r = add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"); !r) {
      return r.error();
    }
  }
  if (auto r = add_ext(cert.get(), &ctx, NID_key_usage, profile.key_usage); !r) return r.error();
  if (!profile.ext_key_usage.empty()) {
    if (auto r = add_ext(cert.get(), &ctx, NID_ext_key_usage, profile.ext_key_usage); !r) {
      return r.error();
    }
  }
  if (auto r = add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash"); !r) {
    return r.error();
  }
  if (issuer) {
    if (auto r = add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"); !r) {
      return r.error();
    }
  }
  const std::string sans = san_list(profile.sans);
  if (!sans.empty()) {
    if (auto r = add_ext(cert.get(), &ctx, NID_subject_alt_name, sans); !r) return r.error();
  }
  const EVP_MD* md = EVP_PKEY_get_base_id(issuer_key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), issuer_key, md) <= 0) return openssl_error("sign certificate");
  return cert_pem(cert.get());
}

struct Issuer {
  X509Ptr cert;
  PkeyPtr key;
};

util::Result<Issuer> load_issuer(const CertAndKey& ca, std::string_view what) {
  auto cert = read_cert(ca.cert_pem);
  if (!cert) return util::Error::invalid_input(std::string(what) + " certificate: " +
                                               cert.error().message);
  auto key = read_key(ca.key_pem);
  if (!key) return util::Error::invalid_input(std::string(what) + " key: " + key.error().message);
  return Issuer{std::move(*cert), std::move(*key)};
}

util::Result<CertAndKey> issue(const Profile& profile, KeyType type, const Issuer* issuer) {
  ASSIGN_OR_RETURN(PkeyPtr key, generate_key(type));
  EVP_PKEY* signer = issuer ? issuer->key.get() : key.get();
  ASSIGN_OR_RETURN(std::string cert, sign(profile, key.get(), issuer ? issuer->cert.get() : nullptr,
                                          signer));
  ASSIGN_OR_RETURN(std::string key_text, key_pem(key.get()));
  return CertAndKey{std::move(cert), std::move(key_text)};
}

std::vector<std::string> read_sans(X509* cert, int type) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != type) continue;
    if (type == GEN_DNS) {
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                       ASN1_STRING_length(name->d.dNSName));
    } else if (type == GEN_IPADD) {
      const int len = ASN1_STRING_length(name->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {0};
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(name->d.iPAddress), text,
                sizeof(text));
      out.emplace_back(text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::vector<std::string> read_name_entries(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     ASN1_STRING_length(data));
  }
  return out;
}

std::vector<std::string> with_ip(const std::string& ip, const std::vector<std::string>& more) {
  std::vector<std::string> out{ip};
  for (const std::string& s : more) {
    if (s != ip) out.push_back(s);
  }
  return out;
}

}  // namespace

util::Result<CertAndKey> make_ed25519_ca(const std::string& organization) {
  Profile profile;
  profile.organizations = {organization};
  profile.is_ca = true;
  profile.key_usage = "critical,digitalSignature,keyCertSign";
  profile.ext_key_usage = "serverAuth,clientAuth";
  profile.lifetime = std::chrono::hours(24 * 3650);
  return issue(profile, KeyType::Ed25519, nullptr);
}

util::Result<CertAndKey> make_maintenance_identity(const std::string& ip) {
  Profile ca_profile;
  ca_profile.organizations = {"talos"};
  ca_profile.is_ca = true;
  ca_profile.key_usage = "critical,digitalSignature,keyCertSign";
  ASSIGN_OR_RETURN(CertAndKey ca, issue(ca_profile, KeyType::Ed25519, nullptr));
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(ca, "maintenance CA"));
  Profile leaf;
  leaf.common_name = "maintenance-service";
  leaf.sans = {ip};
  leaf.ext_key_usage = "serverAuth";
  ASSIGN_OR_RETURN(CertAndKey server, issue(leaf, KeyType::Ed25519, &issuer));
  server.cert_pem += ca.cert_pem;
  return server;
}

util::Result<CertAndKey> issue_apid_server_cert(const CertAndKey& os_ca, const std::string& ip,
                                                const std::string& hostname,
                                                const std::vector<std::string>& cert_sans) {
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(os_ca, "OS CA"));
  Profile profile;
  profile.common_name = hostname;
  profile.sans = with_ip(ip, cert_sans);
  if (!hostname.empty()) profile.sans.push_back(hostname);
  profile.ext_key_usage = "serverAuth";
  return issue(profile, KeyType::Ed25519, &issuer);
}

util::Result<CertAndKey> make_server_csr(const std::string& ip, const std::string& hostname,
                                         const std::vector<std::string>& cert_sans) {
  ASSIGN_OR_RETURN(PkeyPtr key, generate_key(KeyType::Ed25519));
  ReqPtr req(X509_REQ_new());
  Profile profile;
  profile.common_name = hostname;
  if (auto r = set_subject(X509_REQ_get_subject_name(req.get()), profile); !r) return r.error();
  X509_REQ_set_pubkey(req.get(), key.get());
  STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
  std::vector<std::string> sans = with_ip(ip, cert_sans);
  if (!hostname.empty()) sans.push_back(hostname);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name,
                                            san_list(sans).c_str());
  if (!san) {
    sk_X509_EXTENSION_free(exts);
    return openssl_error("CSR SANs");
  }
  sk_X509_EXTENSION_push(exts, san);
  X509_REQ_add_extensions(req.get(), exts);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  if (X509_REQ_sign(req.get(), key.get(), nullptr) <= 0) return openssl_error("sign CSR");
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  ASSIGN_OR_RETURN(std::string key_text, key_pem(key.get()));
  return CertAndKey{bio_text(bio.get()), std::move(key_text)};
}

util::Result<std::string> sign_trustd_csr(const CertAndKey& os_ca, const std::string& csr_pem) {
  BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    ERR_clear_error();
    return util::Error::invalid_input("csr is not a PEM certificate request");
  }
  PkeyPtr pub(X509_REQ_get_pubkey(req.get()));
  if (!pub || X509_REQ_verify(req.get(), pub.get()) != 1) {
    ERR_clear_error();
    return util::Error::invalid_input("csr signature does not verify");
  }
  Profile profile;  // Organization dropped on purpose: a worker never gets a client identity
  const auto cns = read_name_entries(X509_REQ_get_subject_name(req.get()), NID_commonName);
  if (!cns.empty()) profile.common_name = cns.front();
  if (STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get())) {
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
      X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
      if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
      X509Ptr tmp(X509_new());
      X509_add_ext(tmp.get(), ext, -1);
      for (auto& s : read_sans(tmp.get(), GEN_IPADD)) profile.sans.push_back(s);
      for (auto& s : read_sans(tmp.get(), GEN_DNS)) profile.sans.push_back(s);
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  profile.ext_key_usage = "serverAuth";
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(os_ca, "OS CA"));
  return sign(profile, pub.get(), issuer.cert.get(), issuer.key.get());
}

util::Result<CertAndKey> issue_kube_apiserver_cert(const CertAndKey& k8s_ca,
                                                   const std::vector<std::string>& sans) {
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(k8s_ca, "Kubernetes CA"));
  Profile profile;
  profile.common_name = "kube-apiserver";
  profile.sans = sans;
  for (const char* name : {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc.cluster.local", "localhost", "127.0.0.1"}) {
    profile.sans.emplace_back(name);
  }
  profile.key_usage = "critical,digitalSignature,keyEncipherment";
  profile.ext_key_usage = "serverAuth";
  return issue(profile, KeyType::EcdsaP256, &issuer);
}

util::Result<CertAndKey> issue_admin_kube_client_cert(const CertAndKey& k8s_ca,
                                                      std::chrono::seconds lifetime) {
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(k8s_ca, "Kubernetes CA"));
  Profile profile;
  profile.common_name = "admin";
  profile.organizations = {"system:masters"};
  profile.not_before_offset = std::chrono::seconds(-10);
  profile.lifetime = lifetime + std::chrono::seconds(10);
  profile.key_usage = "critical,digitalSignature,keyEncipherment";
  profile.ext_key_usage = "clientAuth";
  return issue(profile, KeyType::EcdsaP256, &issuer);
}

util::Result<CertAndKey> issue_os_client_cert(const CertAndKey& os_ca,
                                              const std::vector<std::string>& roles,
                                              std::chrono::seconds lifetime) {
  ASSIGN_OR_RETURN(Issuer issuer, load_issuer(os_ca, "OS CA"));
  Profile profile;
  profile.organizations = roles;
  profile.lifetime = lifetime;
  profile.ext_key_usage = "clientAuth";
  return issue(profile, KeyType::Ed25519, &issuer);
}

util::Result<CertInfo> read_cert_info(const std::string& cert_pem_text) {
  ASSIGN_OR_RETURN(X509Ptr cert, read_cert(cert_pem_text));
  CertInfo info;
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const auto cns = read_name_entries(subject, NID_commonName);
  if (!cns.empty()) info.common_name = cns.front();
  for (std::string& o : read_name_entries(subject, NID_organizationName)) {
    if (!o.empty()) info.organizations.push_back(std::move(o));
  }
  info.ip_sans = read_sans(cert.get(), GEN_IPADD);
  info.dns_sans = read_sans(cert.get(), GEN_DNS);
  info.is_ca = X509_check_ca(cert.get()) > 0 &&
               (X509_get_extension_flags(cert.get()) & EXFLAG_BCONS) != 0;
  if (auto* ekus = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(cert.get(), NID_ext_key_usage, nullptr, nullptr))) {
    info.has_ext_key_usage = true;
    info.ext_key_usage_count = sk_ASN1_OBJECT_num(ekus);
    for (int i = 0; i < info.ext_key_usage_count; ++i) {
      const int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(ekus, i));
      info.client_auth |= nid == NID_client_auth;
      info.server_auth |= nid == NID_server_auth;
    }
    EXTENDED_KEY_USAGE_free(ekus);
  }
  return info;
}

}  // namespace talos_emu
