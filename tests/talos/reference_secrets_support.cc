#include <string>

#include "talos/reference_secrets.h"
#include "test_paths.h"
#include "util/file.h"
#include "util/yaml_load.h"

namespace talos::testing_support {

ClusterSecrets reference_secrets() {
  const std::string path = testing_paths::shared("reference/talos/gen-config-inputs/secrets.yaml");
  const util::Tree b = *util::load_yaml(*util::read_file(path), path);
  ClusterSecrets s;
  s.cluster_id = b["cluster"]["id"];
  s.cluster_secret = b["cluster"]["secret"];
  s.bootstrap_token = b["secrets"]["bootstraptoken"];
  s.secretbox_encryption_secret = b["secrets"]["secretboxencryptionsecret"];
  s.trustd_token = b["trustdinfo"]["token"];
  const util::Tree& c = b["certs"];
  s.os_crt = c["os"]["crt"], s.os_key = c["os"]["key"];
  s.k8s_crt = c["k8s"]["crt"], s.k8s_key = c["k8s"]["key"];
  s.aggregator_crt = c["k8saggregator"]["crt"], s.aggregator_key = c["k8saggregator"]["key"];
  s.service_account_key = c["k8sserviceaccount"]["key"];
  s.etcd_crt = c["etcd"]["crt"], s.etcd_key = c["etcd"]["key"];
  return s;
}

}  // namespace talos::testing_support
