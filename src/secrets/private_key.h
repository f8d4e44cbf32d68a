// Private keys: generation, and PEM in the four forms Talos reads (talos.md §3.3).
#pragma once

#include <string>
#include <string_view>

#include "secrets/openssl.h"
#include "secrets/secret.h"
#include "util/result.h"

namespace secrets {

enum class KeyType { Ed25519, EcdsaP256, Rsa4096 };

// PEM labels: Talos writes each key type under its own label; "PRIVATE KEY" (PKCS#8, any
// algorithm) is accepted when reading but never written.
inline constexpr std::string_view kPemRsaKey = "RSA PRIVATE KEY";          // PKCS#1
inline constexpr std::string_view kPemEcKey = "EC PRIVATE KEY";            // SEC1
inline constexpr std::string_view kPemEd25519Key = "ED25519 PRIVATE KEY";  // PKCS#8
inline constexpr std::string_view kPemPkcs8Key = "PRIVATE KEY";            // PKCS#8

util::Result<ossl::PkeyPtr> generate_key(KeyType type);

// The family of an existing key (an EC key on any curve counts as EcdsaP256, an RSA key of any
// size as Rsa4096), so a leaf can get the key type of its CA. Errors for other algorithms.
util::Result<KeyType> key_type_of(EVP_PKEY* key);

// The PEM Talos writes for `key`: ED25519 PRIVATE KEY (PKCS#8 body), EC PRIVATE KEY (SEC1) or
// RSA PRIVATE KEY (PKCS#1).
util::Result<Secret> private_key_to_pem(EVP_PKEY* key);

// Reads a private key from the first PEM block of `pem`; the label decides the DER structure.
// Errors name the problem, never the content.
util::Result<ossl::PkeyPtr> parse_private_key_pem(std::string_view pem);

// True when `cert` carries the public half of `key`.
bool certificate_matches_key(X509* cert, EVP_PKEY* key);

}  // namespace secrets
