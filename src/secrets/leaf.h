// Leaf certificates signed by the bundle's CAs: the talosctl client certificate (talos.md §1.4)
// and the Kubernetes admin client certificate for kubeconfig (§3.3 leaf table).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "secrets/bundle.h"
#include "secrets/certificate.h"
#include "secrets/random.h"
#include "util/result.h"

namespace secrets {

// TalosAPIDefaultCertificateValidityDuration.
inline constexpr std::chrono::hours kTalosClientCertValidity{24 * 365};
inline constexpr std::chrono::hours kKubernetesAdminCertValidity{24 * 365};
// The admin kubeconfig certificate is backdated a little to tolerate clock skew.
inline constexpr std::chrono::seconds kKubernetesAdminCertBackdate{10};

// A Talos API client certificate signed by `os_ca` (the bundle's certs.os): key of the CA's
// type (Ed25519 for a normal OS CA), subject one O per role (sorted, deduplicated; no CN),
// valid now → now+validity, KeyUsage critical digitalSignature, ExtKeyUsage clientAuth only,
// AuthorityKeyId = the CA's SubjectKeyId, no BasicConstraints. Errors when `roles` is empty or
// the CA entry does not decode.
util::Result<PemCertAndKey> issue_talos_client_cert(
    const CertAndKey& os_ca, const std::vector<std::string>& roles, TimePoint now,
    std::chrono::seconds validity = kTalosClientCertValidity, RandomSource& rng = system_random());

// The kubeconfig admin certificate signed by `k8s_ca` (certs.k8s): ECDSA P-256, CN=admin,
// O=system:masters, valid now−10s → now+1 year, KeyUsage critical digitalSignature +
// keyEncipherment, ExtKeyUsage clientAuth.
util::Result<PemCertAndKey> issue_kubernetes_admin_cert(const CertAndKey& k8s_ca, TimePoint now,
                                                        RandomSource& rng = system_random());

}  // namespace secrets
