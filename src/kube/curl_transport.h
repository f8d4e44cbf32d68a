// HttpTransport over libcurl with the kubeconfig's TLS material, all in memory (no key file).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "kube/http.h"
#include "kube/kubeconfig.h"

namespace kube {

struct Connection {
  Kubeconfig kubeconfig;
  // Talk to this "https://host:port" instead of kubeconfig.server (a control plane's own
  // address while the VIP is not up yet). The server certificate must still carry its IP.
  std::string server_override;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
};

// InvalidInput when the server is not https:// or TLS material is missing.
util::Result<std::unique_ptr<HttpTransport>> make_curl_transport(Connection connection);

}  // namespace kube
