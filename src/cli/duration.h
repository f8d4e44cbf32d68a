// Duration flags ("90s", "20m", "1h"; util::parse_duration) with a usable error.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "util/result.h"

namespace cli {

// The value of a duration option (`flag` names it in the error), or InvalidInput with a hint.
util::Result<std::chrono::seconds> duration_option(const std::string& flag,
                                                   const std::string& text);

}  // namespace cli
