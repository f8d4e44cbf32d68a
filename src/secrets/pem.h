// PEM blocks and X.509 certificates in PEM form, as Go's encoding/pem writes them (64-column
// base64 lines, no headers).
#pragma once

#include <string>
#include <string_view>

#include "secrets/openssl.h"
#include "util/result.h"

namespace secrets {

inline constexpr std::string_view kPemCertificate = "CERTIFICATE";

struct PemBlock {
  std::string label;  // "CERTIFICATE", "EC PRIVATE KEY", …
  std::string der;
};

std::string pem_encode(std::string_view label, std::string_view der);

// The first PEM block of `text` (text before it is skipped, like Go's pem.Decode). Errors say
// what is wrong without quoting the text, which may be key material.
util::Result<PemBlock> pem_decode(std::string_view text);

std::string certificate_to_pem(X509* cert);

// Parses a "CERTIFICATE" PEM block holding exactly one DER certificate.
util::Result<ossl::X509Ptr> parse_certificate_pem(std::string_view pem);

}  // namespace secrets
