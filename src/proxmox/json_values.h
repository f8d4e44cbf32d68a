// Reading PVE's JSON leniently (proxmox.md §1.4): numbers may come as strings and strings as
// numbers, booleans as 0/1, lists as "a;b" or "a,b".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace proxmox {

// The value of `key` as text ("" when absent or null; numbers printed without a fraction when
// whole).
std::string lenient_string(const nlohmann::json& object, const std::string& key);

// The value of `key` as an unsigned number (0 when absent or not numeric).
uint64_t lenient_u64(const nlohmann::json& object, const std::string& key);

// "a;b,c d" → {"a", "b", "c", "d"}.
std::vector<std::string> split_list(const std::string& text);

std::string lowercase(std::string text);

}  // namespace proxmox
