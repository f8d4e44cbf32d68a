// Whether anything accepts TCP at a node's apid endpoint (port 50000 unless given), without a
// TLS handshake: cheap enough to ask every few milliseconds while a node boots or reboots.
#pragma once

#include <chrono>
#include <string>

namespace talos {

// `endpoint` as in ConnectOptions ("host", "host:port", "[v6]:port"); false for a malformed one.
bool api_port_accepts(const std::string& endpoint, std::chrono::milliseconds timeout);

}  // namespace talos
