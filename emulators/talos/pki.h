// The emulator's own X.509 code (OpenSSL 3): the certificates a Talos node makes for itself
// (talos.md §1.2, §1.6, §1.7, §2.4 Kubeconfig) and what it reads from a peer's certificate.
// Deliberately independent of src/secrets, so a misreading there cannot hide here.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "util/result.h"

namespace talos_emu {

// A certificate (or chain: leaf first) and its private key, both PEM.
struct CertAndKey {
  std::string cert_pem;
  std::string key_pem;
};

// What the emulator needs to know about a client certificate.
struct CertInfo {
  std::string common_name;
  std::vector<std::string> organizations;  // Talos roles (§1.3)
  std::vector<std::string> ip_sans;
  std::vector<std::string> dns_sans;
  bool has_ext_key_usage = false;
  bool client_auth = false;
  bool server_auth = false;
  int ext_key_usage_count = 0;
  bool is_ca = false;
};

// Maintenance mode (§1.6): a throwaway self-signed Ed25519 CA and a server cert for `ip`, 24 h.
// cert_pem holds the leaf followed by the CA.
util::Result<CertAndKey> make_maintenance_identity(const std::string& ip);

// apid's server cert (§1.2) signed by the cluster's OS CA: Ed25519, EKU serverAuth only,
// SANs = ip + cert_sans (IPs or names), CN = hostname, 24 h.
util::Result<CertAndKey> issue_apid_server_cert(const CertAndKey& os_ca, const std::string& ip,
                                                const std::string& hostname,
                                                const std::vector<std::string>& cert_sans);

// A fresh Ed25519 key and a CSR for it (what a worker sends to trustd).
util::Result<CertAndKey> make_server_csr(const std::string& ip, const std::string& hostname,
                                         const std::vector<std::string>& cert_sans);

// trustd (§1.7): signs a PEM CSR with the OS CA, dropping any Organization from the subject and
// granting serverAuth only, 24 h. InvalidInput for a CSR that does not parse or verify.
util::Result<std::string> sign_trustd_csr(const CertAndKey& os_ca, const std::string& csr_pem);

// kube-apiserver serving cert from the Kubernetes CA: ECDSA P-256, SANs = `sans` (IPs or names)
// plus the usual in-cluster names.
util::Result<CertAndKey> issue_kube_apiserver_cert(const CertAndKey& k8s_ca,
                                                   const std::vector<std::string>& sans);

// Admin kubeconfig client cert (§2.4 Kubeconfig): CN=admin, O=system:masters, ECDSA P-256,
// NotBefore = now - 10 s, NotAfter = now + lifetime, EKU clientAuth.
util::Result<CertAndKey> issue_admin_kube_client_cert(const CertAndKey& k8s_ca,
                                                      std::chrono::seconds lifetime);

// An OS client cert as `talosctl config new --roles` makes it (§1.4): Ed25519, O = roles,
// EKU clientAuth only. For tests and in-process tools.
util::Result<CertAndKey> issue_os_client_cert(const CertAndKey& os_ca,
                                              const std::vector<std::string>& roles,
                                              std::chrono::seconds lifetime);

// A self-signed Ed25519 CA (tests: "a cert from another CA").
util::Result<CertAndKey> make_ed25519_ca(const std::string& organization);

// Reads the first certificate of a PEM text.
util::Result<CertInfo> read_cert_info(const std::string& cert_pem);

}  // namespace talos_emu
