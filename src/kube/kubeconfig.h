// The parts of an admin kubeconfig (kubernetes.md §1) the Kubernetes client connects with: the
// current context's server, the CA that signs the server certificate, and the client
// certificate and key (all PEM, decoded from the *-data fields).
#pragma once

#include <string>

#include "util/result.h"

namespace kube {

struct Kubeconfig {
  std::string server;           // "https://<host>:<port>", no trailing '/'
  std::string ca_pem;           // certificate-authority-data, decoded
  std::string client_cert_pem;  // client-certificate-data, decoded
  // client-key-data, decoded. Secret: never logged, printed or put in an error message.
  std::string client_key_pem;
  std::string context;  // name of the context used, for messages
};

// Parses kubeconfig YAML; `source` names it in errors (a path or "admin kubeconfig").
// Uses current-context (or the only context when none is set). InvalidInput when the YAML is
// malformed, the context/cluster/user is missing, the server is not https://, or a field is
// not base64 PEM; file-path forms (certificate-authority, client-key) are not supported.
util::Result<Kubeconfig> parse_kubeconfig(const std::string& yaml, const std::string& source);

// Reads and parses a kubeconfig file (Io when it cannot be read).
util::Result<Kubeconfig> load_kubeconfig(const std::string& path);

}  // namespace kube
