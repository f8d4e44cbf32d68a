// Kubernetes' time formats: RFC 3339 timestamps and the human durations of Age columns.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kube_emu {

// "2025-01-01T00:00:00Z" (UTC, whole seconds).
std::string format_timestamp(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_timestamp(const std::string& text);

// Age strings as kubectl shows them (kubernetes.md §6.1): 45s, 3m20s, 95m, 5h3m, 30h, 3d4h,
// 693d, 2y15d, 9y. Negative durations count as 0s.
std::string human_duration(std::chrono::seconds d);

}  // namespace kube_emu
