// Memory and disk sizes as cluster.yaml accepts them: a bare integer in the field's base unit,
// or a string "<integer><unit>" with a binary unit (memory: MiB, GiB; disk: GiB, TiB).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spec {

// "4GiB" → 4096, "512MiB" → 512. nullopt for other units, decimals, or values over 2^31 MiB.
std::optional<int64_t> parse_mib(std::string_view text);

// "20GiB" → 20, "1TiB" → 1024.
std::optional<int64_t> parse_gib(std::string_view text);

}  // namespace spec
