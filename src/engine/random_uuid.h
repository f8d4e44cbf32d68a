// Random (version 4) UUIDs for new VMs' SMBIOS identity.
#pragma once

#include <string>

#include "secrets/random.h"
#include "util/result.h"

namespace engine {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case (RFC 9562 version 4, variant 10).
util::Result<std::string> random_uuid(secrets::RandomSource& rng);

}  // namespace engine
