// Server-side rendering of `meta.k8s.io/v1` Tables, the form kubectl prints for human output
// (kubernetes.md §6.1): columns and cells as the real API server renders them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kube_emu {

enum class TableObjects { Metadata, Full, None };  // ?includeObject=Metadata|Object|None

nlohmann::json render_table(const std::string& resource, const std::vector<nlohmann::json>& items,
                            uint64_t resource_version, std::chrono::system_clock::time_point now,
                            TableObjects include);

}  // namespace kube_emu
