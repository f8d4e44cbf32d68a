// Deterministic node MAC addresses.
#include "spec/node_mac.h"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace spec {

std::string node_mac(const Cluster& cluster, const Node& node) {
  const std::string seed = cluster.name + "/" + node.name;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(seed.data(), seed.size(), digest, &len, EVP_sha256(), nullptr);
  return fmt::format("bc:24:11:{:02x}:{:02x}:{:02x}", digest[0], digest[1], digest[2]);
}

}  // namespace spec
