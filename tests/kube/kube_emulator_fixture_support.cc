// The Kubernetes emulator tests' fixture (PKI minting, kubeconfig writing), compiled into this
// binary as well so both test modules mint certificates and kubeconfigs one way.
#include "kube_emulator/kube_fixture_support.cc"  // NOLINT(bugprone-suspicious-include)
