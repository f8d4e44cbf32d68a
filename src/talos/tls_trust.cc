// talos::is_untrusted_server_certificate (see tls_trust.h).
#include "talos/tls_trust.h"

namespace talos {

bool is_untrusted_server_certificate(const util::Error& error) {
  // gRPC passes OpenSSL's reason through; there is no structured status for it.
  return error.message.find("certificate verify failed") != std::string::npos;
}

}  // namespace talos
