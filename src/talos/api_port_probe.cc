// talos::api_port_accepts (see api_port_probe.h).
#include "talos/api_port_probe.h"

#include <charconv>

#include "talos/grpc_channel.h"
#include "util/tcp_probe.h"

namespace talos {

bool api_port_accepts(const std::string& endpoint, std::chrono::milliseconds timeout) {
  const util::Result<std::string> normalized = normalize_endpoint(endpoint);
  if (!normalized.ok()) {
    return false;
  }
  const std::string& host_port = *normalized;
  const size_t colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  std::from_chars(host_port.data() + colon + 1, host_port.data() + host_port.size(), port);
  return util::accepts_tcp(host, port, timeout);
}

}  // namespace talos
