// Channel construction: credentials per mode, the 32 MiB receive limit, the server-name override.
#include "talos/grpc_channel.h"

#include <charconv>
#include <mutex>

#include <fmt/format.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpc/support/log.h>
#include <spdlog/spdlog.h>

#include "talos/x509_info.h"

namespace talos {
namespace {

constexpr const char* kDefaultPort = "50000";

namespace gx = grpc::experimental;

// Maintenance-mode nodes present a cert from a throwaway CA made at boot, so chain checks are
// off; the pin (when given) is what ties the connection to the node the operator looked at.
class SpkiPinVerifier : public gx::ExternalCertificateVerifier {
 public:
  explicit SpkiPinVerifier(std::string pin) : pin_(std::move(pin)) {}

  bool Verify(gx::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/, grpc::Status* sync_status) override {
    const grpc::string_ref pem = request->peer_cert();
    util::Result<std::string> actual = spki_sha256_base64(std::string(pem.data(), pem.size()));
    if (!actual.ok()) {
      *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                  "server certificate unreadable for SPKI pinning");
    } else if (*actual != pin_) {
      *sync_status = grpc::Status(
          grpc::StatusCode::UNAUTHENTICATED,
          fmt::format("server key fingerprint {} does not match the pinned {}", *actual, pin_));
    } else {
      *sync_status = grpc::Status::OK;
    }
    return true;  // decided synchronously
  }
  void Cancel(gx::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::string pin_;
};

bool is_sha256_base64(const std::string& pin) {
  // 32 bytes → 44 characters ending in one '='.
  if (pin.size() != 44 || pin.back() != '=') {
    return false;
  }
  for (size_t i = 0; i + 1 < pin.size(); ++i) {
    const char c = pin[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

util::Result<std::shared_ptr<grpc::ChannelCredentials>> maintenance_credentials(
    const ConnectOptions& options) {
  // Checked before the options exist: gRPC 1.51 frees them only inside TlsCredentials(), so
  // returning early afterwards would leak them.
  if (!options.spki_sha256_pin.empty() && !is_sha256_base64(options.spki_sha256_pin)) {
    return util::Error::invalid_input(
        fmt::format("SPKI pin '{}' is not a base64 SHA-256 (44 characters ending in '=')",
                    options.spki_sha256_pin));
  }
  gx::TlsChannelCredentialsOptions tls;
  tls.set_verify_server_certs(false);
  // The host check would fail too: throwaway certs need not name the address we dialled.
  tls.set_check_call_host(false);
  if (options.spki_sha256_pin.empty()) {
    tls.set_certificate_verifier(std::make_shared<gx::NoOpCertificateVerifier>());
  } else {
    tls.set_certificate_verifier(
        gx::ExternalCertificateVerifier::Create<SpkiPinVerifier>(options.spki_sha256_pin));
  }
  return gx::TlsCredentials(tls);
}

// Talos writes Ed25519 keys as PKCS#8 under the label "ED25519 PRIVATE KEY" (talos.md §1.4);
// OpenSSL reads the same bytes only under the standard "PRIVATE KEY" label.
std::string standard_key_label(std::string pem) {
  for (const char* edge : {"BEGIN", "END"}) {
    const std::string talos = fmt::format("-----{} ED25519 PRIVATE KEY-----", edge);
    const size_t at = pem.find(talos);
    if (at != std::string::npos) {
      pem.replace(at, talos.size(), fmt::format("-----{} PRIVATE KEY-----", edge));
    }
  }
  return pem;
}

util::Result<std::shared_ptr<grpc::ChannelCredentials>> secure_credentials(
    const ConnectOptions& options) {
  const Credentials& c = options.credentials;
  if (c.ca_pem.empty() || c.crt_pem.empty() || c.key_pem.empty()) {
    return util::Error::invalid_input(
               "secure Talos connection needs the CA, client certificate and key")
        .with_hint("take them from the talosconfig written by `talforge gen config`");
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = c.ca_pem;  // only the OS CA: never the system roots
  ssl.pem_cert_chain = c.crt_pem;
  ssl.pem_private_key = standard_key_label(c.key_pem);
  return grpc::SslCredentials(ssl);
}

// gRPC core prints failed handshakes straight to stderr; probing nodes that are not up yet (or
// still in maintenance mode) makes many of those on purpose. They go to the debug log instead,
// and the call's own error says what happened.
void route_grpc_logs_to_debug() {
  static std::once_flag once;
  std::call_once(once, [] {
    gpr_set_log_function([](gpr_log_func_args* args) {
      spdlog::debug("grpc {}:{}: {}", args->file, args->line, args->message);
    });
  });
}

}  // namespace

util::Result<std::string> normalize_endpoint(const std::string& endpoint) {
  std::string host = endpoint;
  std::string port = kDefaultPort;
  const size_t colon = endpoint.rfind(':');
  const bool bracketed = !endpoint.empty() && endpoint.front() == '[';
  const bool has_port = colon != std::string::npos &&
                        (bracketed ? endpoint.find(']') < colon
                                   : endpoint.find(':') == colon);  // bare IPv6 has many colons
  if (has_port) {
    host = endpoint.substr(0, colon);
    port = endpoint.substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return util::Error::invalid_input(
          fmt::format("Talos endpoint '{}' has an invalid port", endpoint));
    }
  }
  if (host.empty() || host == "[]") {
    return util::Error::invalid_input(fmt::format("Talos endpoint '{}' has no host", endpoint));
  }
  if (!bracketed && host.find(':') != std::string::npos) {
    host = "[" + host + "]";  // bare IPv6 literal
  }
  return host + ":" + port;
}

util::Result<std::shared_ptr<grpc::Channel>> make_channel(const std::string& endpoint,
                                                          const ConnectOptions& options) {
  route_grpc_logs_to_debug();
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> creds,
                   options.mode == ConnectMode::Maintenance ? maintenance_credentials(options)
                                                            : secure_credentials(options));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(options.max_receive_bytes));
  // gRPC's default reconnect backoff (1 s, ×1.6 up to 120 s) is shared by every channel to the
  // same address: after a node's reboot the next call could wait a minute for the next attempt.
  // A few nodes on a LAN afford a quick retry.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  if (options.mode == ConnectMode::Secure && !options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  return grpc::CreateCustomChannel(endpoint, creds, args);
}

}  // namespace talos
