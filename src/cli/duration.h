// Durations on the command line: "90s", "20m", "1h".
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "util/result.h"

namespace cli {

// nullopt when `text` is not a positive whole number followed by s, m or h.
std::optional<std::chrono::seconds> parse_duration(const std::string& text);

// The value of a duration option (`flag` names it in the error), or InvalidInput with a hint.
util::Result<std::chrono::seconds> duration_option(const std::string& flag,
                                                   const std::string& text);

}  // namespace cli
