// Shared setup of the gRPC client tests that talk to FakeTalos: one PKI per binary, connect
// options with a short deadline and recorded (not slept) retry waits.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "talos/api.h"
#include "talos/fake_talos.h"
#include "talos/test_certs.h"

namespace talos_test {

struct ClientPki {
  Pem os_ca = make_ca("talos");
  Pem server = make_server_cert(os_ca);
  Pem admin = make_client_cert(os_ca, {"os:admin"});
  Pem operator_ = make_client_cert(os_ca, {"os:operator"});
  Pem reader = make_client_cert(os_ca, {"os:reader"});
  Pem backup = make_client_cert(os_ca, {"os:etcd:backup"});
};

inline const ClientPki& client_pki() {
  static const ClientPki p;
  return p;
}

inline talos::ConnectOptions secure_options(const std::string& endpoint, const Pem& client) {
  talos::ConnectOptions o;
  o.endpoint = endpoint;
  o.mode = talos::ConnectMode::Secure;
  o.credentials = {client_pki().os_ca.crt, client.crt, client.key};
  o.call_timeout = std::chrono::milliseconds(5000);
  o.sleep = [](std::chrono::milliseconds) {};
  return o;
}

inline std::unique_ptr<talos::Api> connect_api(talos::ConnectOptions options) {
  auto api = talos::make_grpc_api(std::move(options));
  EXPECT_TRUE(api.ok()) << api.error().describe();
  return std::move(*api);
}

class ClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<talos::Api> as(const Pem& client) {
    return connect_api(secure_options(node_.endpoint(), client));
  }
  std::unique_ptr<talos::Api> admin() { return as(client_pki().admin); }

  FakeTalos node_{ServerMode::Secure, client_pki().server, client_pki().os_ca.crt};
};

}  // namespace talos_test
