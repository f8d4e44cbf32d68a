// Durations as people write them in flags and cluster.yaml: "90s", "20m", "1h".
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace util {

// nullopt when `text` is not a positive whole number followed by s, m or h.
std::optional<std::chrono::seconds> parse_duration(const std::string& text);

}  // namespace util
