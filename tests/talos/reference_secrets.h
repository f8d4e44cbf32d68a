// The reference secrets bundle (made by talosctl) as generator input, for talos/ tests.
#pragma once

#include "talos/config_gen.h"

namespace talos::testing_support {

ClusterSecrets reference_secrets();

}  // namespace talos::testing_support
