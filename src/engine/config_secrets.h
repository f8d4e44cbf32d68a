// Bridges the secrets bundle into what the config generator takes (talos/ and secrets/ are
// providers and do not include each other; the engine connects them).
#pragma once

#include "secrets/bundle.h"
#include "talos/config_gen.h"

namespace engine {

talos::ClusterSecrets config_secrets(const secrets::Bundle& bundle);

}  // namespace engine
