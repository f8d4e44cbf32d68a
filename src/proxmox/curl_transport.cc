#include "proxmox/curl_transport.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "util/curl_global.h"
#include "util/curl_handle_pool.h"

namespace proxmox {
namespace {

using util::Error;
using util::Result;

// What the pinning callback saw, so a mismatch can be reported with the fingerprint the server
// actually presented (the user then compares it with the one the PVE web UI shows).
struct PinCheck {
  std::string expected;
  std::string seen;
};

int verify_pinned_leaf(X509_STORE_CTX* store, void* arg) {
  auto* pin = static_cast<PinCheck*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (leaf == nullptr) {
    return 0;
  }
  unsigned char* der = nullptr;
  const int size = i2d_X509(leaf, &der);
  if (size <= 0) {
    return 0;
  }
  pin->seen = certificate_fingerprint(der, size);
  OPENSSL_free(der);
  return pin->seen == pin->expected ? 1 : 0;
}

CURLcode install_pin(CURL*, void* ssl_ctx, void* arg) {
  SSL_CTX_set_cert_verify_callback(static_cast<SSL_CTX*>(ssl_ctx), verify_pinned_leaf, arg);
  return CURLE_OK;
}

size_t collect_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Keeps the reason phrase of the (last) status line: PVE's error text lives there (§1.5).
size_t collect_reason(char* data, size_t size, size_t count, void* out) {
  static const std::regex status_line(R"(^HTTP/[0-9.]+ [0-9]{3} ?([^\r\n]*))");
  const std::string line(data, size * count);
  std::smatch m;
  if (std::regex_search(line, m, status_line)) {
    *static_cast<std::string*>(out) = m[1];
  }
  return size * count;
}

std::string form_encode(CURL* curl, const Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    char* k = curl_easy_escape(curl, key.data(), static_cast<int>(key.size()));
    char* v = curl_easy_escape(curl, value.data(), static_cast<int>(value.size()));
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", k, v);
    curl_free(k);
    curl_free(v);
  }
  return out;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(Connection connection) : connection_(std::move(connection)) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    util::PooledCurl h(handles_);
    if (h.curl == nullptr) {
      return Error::internal("libcurl could not create a handle");
    }
    HttpResponse response;
    std::string body;
    const std::string url = url_for(h.curl, request, body);
    curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
    set_method(h.curl, request.method, body);
    const std::string auth = "Authorization: PVEAPIToken=" + connection_.token_id + "=" +
                             connection_.token_secret.reveal();
    h.headers = curl_slist_append(h.headers, auth.c_str());
    h.headers = curl_slist_append(h.headers, "Accept: application/json");
    // No "Expect: 100-continue" for bodies over 1 KiB: pveproxy does not answer it, so curl
    // would wait a second before every VM create.
    h.headers = curl_slist_append(h.headers, "Expect:");
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h.curl, CURLOPT_HEADERFUNCTION, collect_reason);
    curl_easy_setopt(h.curl, CURLOPT_HEADERDATA, &response.reason);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(connection_.connect_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(connection_.request_timeout.count()));
    PinCheck pin{connection_.trust.fingerprint, ""};
    set_trust(h.curl, pin);

    char curl_error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, curl_error);
    const CURLcode code = curl_easy_perform(h.curl);
    if (code != CURLE_OK) {
      return transport_error(code, curl_error, request, pin);
    }
    long status = 0;
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  std::string url_for(CURL* curl, const HttpRequest& request, std::string& body) const {
    std::string url = connection_.endpoint + "/api2/json" + request.path;
    const std::string encoded = form_encode(curl, request.params);
    const bool in_body = request.method == Method::Post || request.method == Method::Put;
    if (in_body) {
      body = encoded;
    } else if (!encoded.empty()) {
      url += "?" + encoded;
    }
    return url;
  }

  static void set_method(CURL* curl, Method method, const std::string& body) {
    switch (method) {
      case Method::Get:
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        break;
      case Method::Post:
      case Method::Put:
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, body.c_str());
        if (method == Method::Put) {
          curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
        }
        break;
      case Method::Delete:
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    }
  }

  void set_trust(CURL* curl, PinCheck& pin) const {
    const TlsTrust& trust = connection_.trust;
    if (trust.insecure_skip_verify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!trust.fingerprint.empty()) {
      // The pin replaces chain and name checks: PVE's default certificate is signed by a
      // cluster-local CA nobody has, which is why PVE users pin (§1.1).
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, install_pin);
      curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &pin);
      // A reused TLS session would skip the callback. (A reused live connection is fine: its
      // certificate was checked when it was opened.)
      curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
      // No CA store: the callback replaces chain verification, and loading the system bundle
      // costs more than the request.
      curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
      curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    } else if (!trust.ca_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, trust.ca_file.c_str());
    }
  }

  Error transport_error(CURLcode code, const char* detail, const HttpRequest& request,
                        const PinCheck& pin) const {
    const std::string what = fmt::format("{} {}", method_name(request.method), request.path);
    const std::string text = *detail ? detail : curl_easy_strerror(code);
    const bool tls = code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
                     code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CACERT_BADFILE;
    if (tls && !pin.expected.empty() && !pin.seen.empty() && pin.seen != pin.expected) {
      return Error{util::ErrorCode::PermissionDenied,
                   fmt::format("{}: the Proxmox server at {} presented a certificate with "
                               "fingerprint {}, but proxmox.fingerprint is {}",
                               what, connection_.endpoint, pin.seen, pin.expected)}
          .with_hint(
              "compare with Datacenter → <node> → System → Certificates in the PVE web UI; if "
              "the certificate was renewed on purpose, update proxmox.fingerprint");
    }
    if (tls) {
      return Error{util::ErrorCode::PermissionDenied,
                   fmt::format("{}: TLS verification of {} failed: {}", what,
                               connection_.endpoint, text)}
          .with_hint("set proxmox.fingerprint to the node certificate's SHA-256 fingerprint, or "
                     "proxmox.caFile to the PVE root CA (/etc/pve/pve-root-ca.pem)");
    }
    return Error::unavailable(
               fmt::format("{}: cannot reach Proxmox at {}: {}", what, connection_.endpoint, text))
        .with_hint("check proxmox.endpoint and that pveproxy is running on port 8006");
  }

  Connection connection_;
  util::CurlHandlePool handles_;
};

bool valid_fingerprint(const std::string& fp) {
  static const std::regex form("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");
  return std::regex_match(fp, form);
}

}  // namespace

std::string certificate_fingerprint(const unsigned char* der, int size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(der, static_cast<size_t>(size), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += fmt::format("{}{:02X}", i == 0 ? "" : ":", digest[i]);
  }
  return out;
}

Result<std::unique_ptr<HttpTransport>> make_curl_transport(Connection connection) {
  if (connection.endpoint.rfind("https://", 0) != 0) {
    return Error::invalid_input(
        fmt::format("proxmox endpoint \"{}\" must start with https://", connection.endpoint));
  }
  while (!connection.endpoint.empty() && connection.endpoint.back() == '/') {
    connection.endpoint.pop_back();
  }
  if (connection.token_id.empty() || connection.token_secret.empty()) {
    return Error::invalid_input("a Proxmox API token id and secret are required");
  }
  if (!connection.trust.fingerprint.empty() && !valid_fingerprint(connection.trust.fingerprint)) {
    return Error::invalid_input(fmt::format(
        "proxmox fingerprint \"{}\" is not 32 upper-case hex bytes joined by ':'",
        connection.trust.fingerprint));
  }
  if (!connection.trust.ca_file.empty() && !std::filesystem::exists(connection.trust.ca_file)) {
    return Error::invalid_input(
        fmt::format("proxmox CA file {} does not exist", connection.trust.ca_file));
  }
  util::curl_global_init_once();
  return std::unique_ptr<HttpTransport>(std::make_unique<CurlTransport>(std::move(connection)));
}

}  // namespace proxmox
