// libcurl carries the Kubernetes API calls. TLS material goes in as in-memory blobs: the
// server is verified against the kubeconfig's CA only (and its address against the cert's
// IP SANs), and the client certificate authenticates us (kubernetes.md §1).
#include "kube/curl_transport.h"

#include <cctype>

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/x509.h>

#include "util/curl_global.h"

namespace kube {
namespace {

using util::Error;
using util::Result;

size_t collect_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// State of one watch: complete lines go to the callback, a non-200 body is kept whole.
struct WatchSink {
  CURL* curl = nullptr;
  const WatchLineFn* on_line = nullptr;
  HttpResponse* response = nullptr;
  std::string partial;
  bool stopped = false;
};

size_t feed_watch(char* data, size_t size, size_t count, void* arg) {
  auto* sink = static_cast<WatchSink*>(arg);
  long status = 0;
  curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
  sink->response->status = static_cast<int>(status);
  if (status != 200) {
    sink->response->body.append(data, size * count);
    return size * count;
  }
  sink->partial.append(data, size * count);
  size_t newline;
  while ((newline = sink->partial.find('\n')) != std::string::npos) {
    const std::string line = sink->partial.substr(0, newline);
    sink->partial.erase(0, newline + 1);
    if (!line.empty() && !(*sink->on_line)(line)) {
      sink->stopped = true;
      return 0;  // aborts the transfer: CURLE_WRITE_ERROR
    }
  }
  return size * count;
}

struct CurlHandles {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandles() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
};

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(Connection connection)
      : connection_(std::move(connection)),
        server_(connection_.server_override.empty() ? connection_.kubeconfig.server
                                                    : connection_.server_override) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    CurlHandles h;
    RETURN_IF_ERROR(prepare(h, request, connection_.request_timeout));
    HttpResponse response;
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &response.body);
    char detail[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, detail);
    const CURLcode code = curl_easy_perform(h.curl);
    if (code != CURLE_OK) {
      return transport_error(h.curl, code, detail, request);
    }
    long status = 0;
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

  Result<WatchEnd> watch(const HttpRequest& request, std::chrono::milliseconds limit,
                         const WatchLineFn& on_line, HttpResponse& response) override {
    CurlHandles h;
    RETURN_IF_ERROR(prepare(h, request, limit));
    WatchSink sink{h.curl, &on_line, &response, "", false};
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, feed_watch);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &sink);
    char detail[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, detail);
    const CURLcode code = curl_easy_perform(h.curl);
    long status = 0;
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    if (sink.stopped) {
      return WatchEnd::Stopped;
    }
    // Our limit passing on an open stream is the normal end of a wait; before any answer it
    // is a server that does not respond.
    if (code == CURLE_OPERATION_TIMEDOUT && status == 200) {
      return WatchEnd::TimedOut;
    }
    if (code != CURLE_OK) {
      return transport_error(h.curl, code, detail, request);
    }
    if (status == 200 && !sink.partial.empty() && !on_line(sink.partial)) {
      return WatchEnd::Stopped;
    }
    return WatchEnd::Closed;
  }

  const std::string& server() const override { return server_; }

 private:
  Result<void> prepare(CurlHandles& h, const HttpRequest& request,
                       std::chrono::milliseconds timeout) const {
    if (h.curl == nullptr) {
      return Error::internal("libcurl could not create a handle");
    }
    const std::string url = server_ + request.path;
    curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
    if (request.method == "GET") {
      curl_easy_setopt(h.curl, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h.curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.content_type.empty()) {
      curl_easy_setopt(h.curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
      curl_easy_setopt(h.curl, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
      h.headers = curl_slist_append(h.headers, ("Content-Type: " + request.content_type).c_str());
    }
    h.headers = curl_slist_append(h.headers, "Accept: application/json");
    h.headers = curl_slist_append(h.headers, "Expect:");
    h.headers = curl_slist_append(h.headers, "User-Agent: talforge");
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(connection_.connect_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    set_tls(h.curl);
    return {};
  }

  void set_tls(CURL* curl) const {
    const Kubeconfig& k = connection_.kubeconfig;
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    // Only the cluster's CA: the system trust store must not vouch for an API server.
    curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    set_blob(curl, CURLOPT_CAINFO_BLOB, k.ca_pem);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLCERT_BLOB, k.client_cert_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLKEY_BLOB, k.client_key_pem);
  }

  // With TLS 1.3 the server checks our certificate after our side of the handshake is done:
  // its refusal is an alert on the first read, or, when its reset overtakes the alert, a
  // connection that dies after the handshake before any answer.
  static bool client_certificate_refused(CURL* curl, CURLcode code, const std::string& text) {
    const bool dropped =
        code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING;
    if ((dropped || code == CURLE_SSL_CONNECT_ERROR) && text.find("alert") != std::string::npos) {
      return true;
    }
    curl_off_t handshake_done_us = 0;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_APPCONNECT_TIME_T, &handshake_done_us);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return dropped && handshake_done_us > 0 && status == 0;
  }

  Error transport_error(CURL* curl, CURLcode code, const char* detail,
                        const HttpRequest& request) const {
    const std::string what = request.method + " " + request.path;
    const std::string text = fmt::format("{} ({})", *detail ? detail : curl_easy_strerror(code),
                                         curl_easy_strerror(code));
    long verify_result = X509_V_OK;
    curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &verify_result);
    // A CA with the same subject as the server's issuer (every Talos cluster's Kubernetes CA is
    // O=kubernetes) fails in signature checking, which curl reports as a connect error.
    if (code == CURLE_PEER_FAILED_VERIFICATION ||
        (code == CURLE_SSL_CONNECT_ERROR && verify_result != X509_V_OK)) {
      return Error{util::ErrorCode::PermissionDenied,
                   fmt::format("{}: TLS: the Kubernetes API at {} presented a certificate the "
                               "kubeconfig's CA does not vouch for ({}): {}",
                               what, server_, X509_verify_cert_error_string(verify_result), text)}
          .with_hint(
              "the kubeconfig belongs to another cluster, or the server address is not "
              "in the API server certificate's SANs; regenerate the admin kubeconfig");
    }
    if (code == CURLE_SSL_CERTPROBLEM) {
      return Error::invalid_input(
                 fmt::format("{}: TLS: the kubeconfig's client certificate or key is unusable: {}",
                             what, text))
          .with_hint("regenerate the admin kubeconfig");
    }
    if (client_certificate_refused(curl, code, text)) {
      return Error{util::ErrorCode::PermissionDenied,
                   fmt::format("{}: TLS: the Kubernetes API at {} refused the kubeconfig's "
                               "client certificate (it ended the connection after the TLS "
                               "handshake without answering): {}",
                               what, server_, text)}
          .with_hint(
              "the client certificate is not signed by this cluster's Kubernetes CA; "
              "use this cluster's admin kubeconfig");
    }
    return Error::unavailable(
               fmt::format("Kubernetes API at {} unavailable: {}: {}", server_, what, text))
        .with_hint("check that a control plane is up and its API server listens on that address");
  }

  Connection connection_;
  std::string server_;
};

}  // namespace

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::unique_ptr<HttpTransport>> make_curl_transport(Connection connection) {
  std::string& server = connection.server_override.empty() ? connection.kubeconfig.server
                                                           : connection.server_override;
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  if (server.rfind("https://", 0) != 0) {
    return Error::invalid_input(
        fmt::format("Kubernetes API server \"{}\" must start with https://", server));
  }
  const Kubeconfig& k = connection.kubeconfig;
  if (k.ca_pem.empty() || k.client_cert_pem.empty() || k.client_key_pem.empty()) {
    return Error::invalid_input(
        "the kubeconfig needs certificate-authority-data, client-certificate-data and "
        "client-key-data");
  }
  util::curl_global_init_once();
  return std::unique_ptr<HttpTransport>(std::make_unique<CurlTransport>(std::move(connection)));
}

}  // namespace kube
