// Whether a node's active machine config says the same as the one talforge generated. Talos
// re-marshals what it stores, so the texts are compared as data: documents matched by kind and
// name, keys in any order, null and empty values the same as absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace plan {

// The dotted paths that differ (e.g. "machine.network.hostname", "cluster.inlineManifests"),
// sorted; empty when the configs are equivalent. Only paths are returned, never values: configs
// hold secrets. InvalidInput when either text is not YAML.
util::Result<std::vector<std::string>> config_differences(std::string_view active,
                                                          std::string_view desired);

// machine.install.image of a config (the installer it was installed or last upgraded with);
// empty when it names none or is not YAML.
std::string install_image_of(std::string_view config);

// The Kubernetes version a config runs: the tag of machine.kubelet.image without its "v"
// ("1.34.1"); empty when there is none.
std::string kubernetes_version_of(std::string_view config);

}  // namespace plan
