#include "pve_test_support.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pve_test {

using nlohmann::json;

std::string url_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    out += (out.empty() ? "" : "&") + url_encode(key) + "=" + url_encode(value);
  }
  return out;
}

std::string upid_node(const std::string& upid) {
  const size_t first = upid.find(':');
  return upid.substr(first + 1, upid.find(':', first + 1) - first - 1);
}

std::unique_ptr<pve_emu::ProxmoxServer> start_emulator(const std::string& version, int nodes,
                                                       const std::string& talos_admin,
                                                       const json& extra_tokens) {
  pve_emu::EmulatorOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.nodes = nodes;
  options.pve_version = version;
  options.time_scale = 0.01;
  options.schema_dir = std::string(TALFORGE_SHARED_DIR) + "/reference/proxmox";
  options.talos_admin_url = talos_admin;
  auto started = pve_emu::ProxmoxServer::start(options);
  EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().describe());
  if (!started.ok()) {
    return nullptr;
  }
  std::unique_ptr<pve_emu::ProxmoxServer> server = std::move(*started);
  PveClient admin(*server, kAdminToken, kAdminSecret);
  json tokens = {{"tokens",
                  {{{"id", kAdminToken}, {"secret", kAdminSecret}, {"roles", {"Administrator"}}}}}};
  EXPECT_EQ(admin.admin_post("/_emulator/tokens", tokens).status, 200);
  if (!extra_tokens.is_null()) {
    EXPECT_EQ(admin.admin_post("/_emulator/tokens", extra_tokens).status, 200);
  }
  return server;
}

PveClient::PveClient(const pve_emu::ProxmoxServer& server, std::string token_id,
                     std::string secret)
    : host_("127.0.0.1"),
      port_(server.port()),
      fingerprint_(server.fingerprint()),
      authorization_(fmt::format("PVEAPIToken={}={}", token_id, secret)) {}

namespace {

std::string peer_fingerprint(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) {
    return "";
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  X509_free(cert);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += fmt::format("{}{:02X}", i == 0 ? "" : ":", digest[i]);
  }
  return out;
}

}  // namespace

std::string presented_fingerprint(int port) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  BIO* bio = BIO_new_ssl_connect(ctx);
  SSL* ssl = nullptr;
  BIO_get_ssl(bio, &ssl);
  const std::string target = fmt::format("127.0.0.1:{}", port);
  BIO_set_conn_hostname(bio, target.c_str());
  std::string fingerprint;
  if (BIO_do_connect(bio) == 1 && BIO_do_handshake(bio) == 1) {
    fingerprint = peer_fingerprint(ssl);
  }
  BIO_free_all(bio);
  SSL_CTX_free(ctx);
  return fingerprint;
}

ApiResponse PveClient::send(const std::string& method, const std::string& path,
                            const std::string& body) {
  // Self-signed certificate: CA verification off here; pinning is tested with
  // presented_fingerprint().
  httplib::SSLClient client(host_, port_);
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Headers headers = {{"Authorization", authorization_}};
  ++requests_sent_;
  httplib::Result res = [&] {
    if (method == "GET") {
      return client.Get(path.c_str(), headers);
    }
    if (method == "DELETE") {
      return client.Delete(path.c_str(), headers);
    }
    if (method == "PUT") {
      return client.Put(path.c_str(), headers, body, "application/x-www-form-urlencoded");
    }
    return client.Post(path.c_str(), headers, body, "application/x-www-form-urlencoded");
  }();
  ApiResponse out;
  if (!res) {
    out.status = -1;
    return out;
  }
  out.status = res->status;
  out.raw = res->body;
  if (!res->body.empty()) {
    out.body = json::parse(res->body, nullptr, false);
  }
  return out;
}

ApiResponse PveClient::get(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& query) {
  return send("GET", "/api2/json" + path + (query.empty() ? "" : "?" + form(query)), "");
}

ApiResponse PveClient::post(const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& fields) {
  return send("POST", "/api2/json" + path, form(fields));
}

ApiResponse PveClient::put(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
  return send("PUT", "/api2/json" + path, form(fields));
}

ApiResponse PveClient::del(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& query) {
  return send("DELETE", "/api2/json" + path + (query.empty() ? "" : "?" + form(query)), "");
}

json PveClient::wait_task(const std::string& upid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (std::chrono::steady_clock::now() < deadline) {
    ApiResponse r = get(fmt::format("/nodes/{}/tasks/{}/status", upid_node(upid), url_encode(upid)));
    if (r.status == 200 && r.data().at("status") == "stopped") {
      return r.data();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "task " << upid << " did not finish";
  return nullptr;
}

ApiResponse PveClient::admin_post(const std::string& path, const json& body) {
  httplib::SSLClient client(host_, port_);
  client.enable_server_certificate_verification(false);
  auto res = client.Post(path.c_str(), body.dump(), "application/json");
  ApiResponse out;
  out.status = res ? res->status : -1;
  out.raw = res ? res->body : "";
  return out;
}

json PveClient::counters() {
  httplib::SSLClient client(host_, port_);
  client.enable_server_certificate_verification(false);
  auto res = client.Get("/_emulator/counters");
  return res ? json::parse(res->body) : json();
}

}  // namespace pve_test
