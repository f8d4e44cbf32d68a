// Key generation with OpenSSL 3's EVP API, and key PEM encoding/decoding with Talos labels.
#include "secrets/private_key.h"

#include <fmt/format.h>
#include <openssl/pem.h>

#include "secrets/pem.h"

namespace secrets {
namespace {

constexpr std::string_view kPkcs8Begin = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kPkcs8End = "-----END PRIVATE KEY-----";

// PEM_write_bio_PKCS8PrivateKey writes "PRIVATE KEY"; Talos labels the same body
// "ED25519 PRIVATE KEY".
std::string relabel_pkcs8(std::string pem, std::string_view label) {
  const std::string begin = fmt::format("-----BEGIN {}-----", label);
  const std::string end = fmt::format("-----END {}-----", label);
  TALFORGE_ASSERT(pem.starts_with(kPkcs8Begin));
  pem.replace(0, kPkcs8Begin.size(), begin);
  const size_t at = pem.rfind(kPkcs8End);
  TALFORGE_ASSERT(at != std::string::npos);
  pem.replace(at, kPkcs8End.size(), end);
  return pem;
}

struct KeyFormat {
  bool pkcs8;            // PrivateKeyInfo; otherwise the algorithm's own structure
  const char* key_type;  // required algorithm; nullptr: any
  const char* description;
};

util::Result<KeyFormat> format_for_label(std::string_view label) {
  if (label == kPemRsaKey) {
    return KeyFormat{false, "RSA", "RSA private key (PKCS#1)"};
  }
  if (label == kPemEcKey) {
    return KeyFormat{false, "EC", "EC private key (SEC1)"};
  }
  if (label == kPemEd25519Key) {
    return KeyFormat{true, "ED25519", "Ed25519 private key (PKCS#8)"};
  }
  if (label == kPemPkcs8Key) {
    return KeyFormat{true, nullptr, "PKCS#8 private key"};
  }
  return util::Error::invalid_input(
      fmt::format("unsupported key type \"{}\" (expected RSA PRIVATE KEY, EC PRIVATE KEY, "
                  "ED25519 PRIVATE KEY or PRIVATE KEY)",
                  label));
}

ossl::Pkcs8Ptr parse_pkcs8(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  ossl::Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  return p == end ? std::move(info) : nullptr;
}

// The algorithm's own structure (PKCS#1, SEC1) for `key_type`. OpenSSL 3.0's decoders ignore
// the requested structure and would also take PKCS#8, so the caller rules that out first.
ossl::PkeyPtr decode_type_specific(const std::string& der, const char* key_type) {
  EVP_PKEY* raw = nullptr;
  ossl::DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(
      &raw, "DER", "type-specific", key_type, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
  if (ctx == nullptr) {
    return nullptr;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  size_t left = der.size();
  const int ok = OSSL_DECODER_from_data(ctx.get(), &p, &left);
  ossl::PkeyPtr key(raw);
  return ok == 1 && left == 0 ? std::move(key) : nullptr;
}

util::Result<ossl::PkeyPtr> decode_der_key(const std::string& der, const KeyFormat& format) {
  ossl::Pkcs8Ptr info = parse_pkcs8(der);
  ossl::PkeyPtr key;
  if (format.pkcs8 && info != nullptr) {
    key.reset(EVP_PKCS82PKEY(info.get()));
  } else if (!format.pkcs8 && info == nullptr) {
    key = decode_type_specific(der, format.key_type);
  }
  // The decoders' reasons are generic ("unsupported"); the description says more.
  ossl::drain_errors();
  if (key == nullptr ||
      (format.key_type != nullptr && !EVP_PKEY_is_a(key.get(), format.key_type))) {
    return util::Error::invalid_input(fmt::format("not a valid {}", format.description));
  }
  return key;
}

}  // namespace

util::Result<ossl::PkeyPtr> generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::Ed25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::EcdsaP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::Rsa4096:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
  }
  if (key == nullptr) {
    return ossl::openssl_error("generate private key");
  }
  return ossl::PkeyPtr(key);
}

util::Result<KeyType> key_type_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519")) {
    return KeyType::Ed25519;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    return KeyType::EcdsaP256;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    return KeyType::Rsa4096;
  }
  return util::Error::invalid_input(
      fmt::format("unsupported key algorithm {}", EVP_PKEY_get0_type_name(key)));
}

util::Result<Secret> private_key_to_pem(EVP_PKEY* key) {
  ASSIGN_OR_RETURN(const KeyType type, key_type_of(key));
  ossl::BioPtr bio(BIO_new(BIO_s_secmem()));
  TALFORGE_ASSERT(bio != nullptr);
  const int ok =
      type == KeyType::Ed25519
          ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
          : PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                 nullptr);
  if (ok != 1) {
    return ossl::openssl_error("encode private key");
  }
  std::string pem = ossl::bio_contents(bio.get());
  if (type == KeyType::Ed25519) {
    pem = relabel_pkcs8(std::move(pem), kPemEd25519Key);
  }
  return Secret(std::move(pem));
}

util::Result<ossl::PkeyPtr> parse_private_key_pem(std::string_view pem) {
  ASSIGN_OR_RETURN(PemBlock block, pem_decode(pem));
  ASSIGN_OR_RETURN(const KeyFormat format, format_for_label(block.label));
  util::Result<ossl::PkeyPtr> key = decode_der_key(block.der, format);
  OPENSSL_cleanse(block.der.data(), block.der.size());
  return key;
}

bool certificate_matches_key(X509* cert, EVP_PKEY* key) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  return pub != nullptr && EVP_PKEY_eq(pub, key) == 1;
}

}  // namespace secrets
