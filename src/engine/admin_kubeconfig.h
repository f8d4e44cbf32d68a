// The admin kubeconfig signed locally from the secrets bundle's Kubernetes CA — the same shape the
// Kubeconfig RPC returns (talos.md §2.4), so an expired or unreachable cluster never locks the
// operator out.
#pragma once

#include "secrets/bundle.h"
#include "secrets/certificate.h"
#include "secrets/secret.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace engine {

// Cluster `<name>` (server = the cluster's endpoint URL, CA = certs.k8s), user `admin@<name>`
// with a fresh CN=admin, O=system:masters certificate, context `admin@<name>` in namespace
// `default`, current-context set. Secret: it holds the client key.
util::Result<secrets::Secret> local_admin_kubeconfig(const spec::Cluster& cluster,
                                                     const secrets::Bundle& bundle,
                                                     secrets::TimePoint now);

}  // namespace engine
