// Facts the Talos client reads from certificates: the roles of its own client cert (to explain a
// PermissionDenied) and a server key's SPKI fingerprint (to pin a maintenance-mode node).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace talos {

// Subject Organization (O) values of the first certificate in `pem`, in order; empty strings
// dropped (Talos ignores them, §1.3). InvalidInput when `pem` holds no certificate.
util::Result<std::vector<std::string>> certificate_organizations(const std::string& pem);

// base64(sha256(SubjectPublicKeyInfo DER)), standard alphabet with padding — the form Talos prints
// on the console and talosctl pins (§1.2). InvalidInput when `pem` holds no certificate.
util::Result<std::string> spki_sha256_base64(const std::string& pem);

}  // namespace talos
