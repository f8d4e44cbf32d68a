// Copies bundle values into the generator's input.
#include "engine/config_secrets.h"

namespace engine {

talos::ClusterSecrets config_secrets(const secrets::Bundle& b) {
  talos::ClusterSecrets s;
  s.cluster_id = b.cluster_id;
  s.cluster_secret = b.cluster_secret.reveal();
  s.bootstrap_token = b.bootstrap_token.reveal();
  if (b.secretbox_encryption_secret) {
    s.secretbox_encryption_secret = b.secretbox_encryption_secret->reveal();
  }
  if (b.aescbc_encryption_secret) {
    s.aescbc_encryption_secret = b.aescbc_encryption_secret->reveal();
  }
  s.trustd_token = b.trustd_token.reveal();
  s.os_crt = b.certs.os.crt;
  s.os_key = b.certs.os.key.reveal();
  s.k8s_crt = b.certs.k8s.crt;
  s.k8s_key = b.certs.k8s.key.reveal();
  s.aggregator_crt = b.certs.k8s_aggregator.crt;
  s.aggregator_key = b.certs.k8s_aggregator.key.reveal();
  s.service_account_key = b.certs.k8s_service_account.key.reveal();
  s.etcd_crt = b.certs.etcd.crt;
  s.etcd_key = b.certs.etcd.key.reveal();
  return s;
}

}  // namespace engine
