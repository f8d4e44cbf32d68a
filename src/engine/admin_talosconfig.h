// The cluster's admin talosconfig: endpoints = the control planes, a fresh os:admin client
// certificate signed by the bundle's OS CA (talos.md §1.4, §3.1).
#pragma once

#include <chrono>

#include "secrets/bundle.h"
#include "secrets/secret.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace engine {

util::Result<secrets::Secret> admin_talosconfig(const spec::Cluster& cluster,
                                                const secrets::Bundle& bundle,
                                                std::chrono::system_clock::time_point now);

}  // namespace engine
