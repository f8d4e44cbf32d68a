// HttpTransport over libcurl with the TLS trust of proxmox::Connection.
#pragma once

#include <memory>

#include "proxmox/connection.h"
#include "proxmox/http.h"

namespace proxmox {

// InvalidInput when the connection is unusable (no https endpoint, no token, malformed
// fingerprint, unreadable CA file).
util::Result<std::unique_ptr<HttpTransport>> make_curl_transport(Connection connection);

// SHA-256 fingerprint of a DER certificate in PVE's form: 32 upper-case hex bytes joined by ':'.
std::string certificate_fingerprint(const unsigned char* der, int size);

}  // namespace proxmox
