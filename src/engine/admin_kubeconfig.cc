// Local admin kubeconfig: certs.k8s → a CN=admin, O=system:masters client certificate.
#include "engine/admin_kubeconfig.h"

#include "secrets/base64.h"
#include "secrets/leaf.h"
#include "util/yaml_emit.h"

namespace engine {

util::Result<secrets::Secret> local_admin_kubeconfig(const spec::Cluster& cluster,
                                                     const secrets::Bundle& bundle,
                                                     secrets::TimePoint now) {
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey ca,
                   secrets::decode_cert_and_key(bundle.certs.k8s, "certs.k8s"));
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey admin,
                   secrets::issue_kubernetes_admin_cert(bundle.certs.k8s, now));
  const std::string user = "admin@" + cluster.name;
  util::Tree doc = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       util::Tree::array({{{"name", cluster.name},
                           {"cluster",
                            {{"server", cluster.endpoint_url()},
                             {"certificate-authority-data", secrets::base64_encode(ca.crt)}}}}})},
      {"users",
       util::Tree::array({{{"name", user},
                           {"user",
                            {{"client-certificate-data", secrets::base64_encode(admin.crt)},
                             {"client-key-data", secrets::base64_encode(admin.key.reveal())}}}}})},
      {"contexts",
       util::Tree::array(
           {{{"name", user},
             {"context", {{"cluster", cluster.name}, {"namespace", "default"}, {"user", user}}}}})},
      {"current-context", user},
  };
  secrets::Secret text(util::emit_yaml(doc));
  doc = util::Tree();  // drop the key copy held by the tree
  return text;
}

}  // namespace engine
