// The emulator's self-signed HTTPS identity, made at start (like a fresh pve-ssl.pem) and shown
// by its SHA-256 fingerprint in PVE's form "AA:BB:…" (proxmox.md §1.1).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "util/result.h"

namespace pve_emu {

struct TlsIdentity {
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::string fingerprint;  // 32 colon-separated upper-case hex bytes
  std::string cert_pem;
};

// EC P-256 key; subject CN `common_name`; SAN IP:`address`, DNS:localhost; valid for 1 year.
util::Result<TlsIdentity> make_self_signed_identity(const std::string& common_name,
                                                    const std::string& address);

}  // namespace pve_emu
