// Runs the checks; each lives in the file named in validate.h.
#include "spec/validate.h"

namespace spec {

void Checker::error(const std::string& path, std::string message, std::string hint) const {
  report_.error(positions_.value(path), path, std::move(message), std::move(hint));
}

void Checker::secret_error(const std::string& path, std::string message,
                           std::string hint) const {
  report_.secret_error(positions_.value(path), path, std::move(message), std::move(hint));
}

void Checker::warning(const std::string& path, std::string message, std::string hint) const {
  report_.warning(positions_.value(path), path, std::move(message), std::move(hint));
}

void validate(Cluster& cluster, const Checker& check) {
  validate_versions(cluster, check);
  validate_network(cluster, check);
  validate_image(cluster, check);
  validate_proxmox(cluster, check);
  validate_vm(cluster, check);
  validate_nodes(cluster, check);
}

}  // namespace spec
