// The gRPC channel to one apid endpoint with talos.md §1.2/§1.6 TLS: mTLS for configured nodes,
// unverified-but-pinnable server-only TLS for maintenance mode. Internal to the gRPC client.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "talos/api.h"
#include "util/result.h"

namespace talos {

// "10.0.0.5" → "10.0.0.5:50000"; "[fd00::5]" → "[fd00::5]:50000"; an explicit port is kept.
// InvalidInput for an empty host or a port that is not 1–65535.
util::Result<std::string> normalize_endpoint(const std::string& endpoint);

// Channel for `options` (endpoint already normalized). InvalidInput when Secure mode lacks the CA,
// certificate or key, or the pin is not a base64 SHA-256.
util::Result<std::shared_ptr<grpc::Channel>> make_channel(const std::string& endpoint,
                                                          const ConnectOptions& options);

}  // namespace talos
