// Fixture for kube::Api against the Kubernetes API emulator: the emulator fixture's PKI,
// server and admin kubeconfig on 127.10.120.1, plus a client made from that kubeconfig.
#pragma once

#include <memory>
#include <string>

#include "kube/api.h"
#include "kube/curl_transport.h"
#include "kube/http_api.h"
#include "kube/kubeconfig.h"
#include "kube_emulator/kube_fixture.h"

namespace kube_test {

class KubeClientTest : public KubeFixture {
 protected:
  KubeClientTest() { address_ = "127.10.120.1"; }

  // A client for `kubeconfig_path` (the admin kubeconfig by default).
  std::unique_ptr<kube::Api> client(const std::string& kubeconfig_path = "",
                                    const std::string& server_override = "") {
    util::Result<kube::Kubeconfig> config =
        kube::load_kubeconfig(kubeconfig_path.empty() ? kubeconfig_ : kubeconfig_path);
    EXPECT_TRUE(config.ok()) << config.error().describe();
    if (!config.ok()) {
      return nullptr;
    }
    kube::Connection connection{*config, server_override};
    connection.connect_timeout = std::chrono::seconds(2);
    connection.request_timeout = std::chrono::seconds(5);
    util::Result<std::unique_ptr<kube::Api>> api = kube::make_api(std::move(connection));
    EXPECT_TRUE(api.ok()) << api.error().describe();
    return api.ok() ? std::move(*api) : nullptr;
  }

  std::string server_url() const {
    return "https://" + address_ + ":" + std::to_string(server_->port());
  }
};

}  // namespace kube_test
