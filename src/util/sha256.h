// SHA-256 of a text as lower-case hex (schematic IDs, digests of what talforge applied).
#pragma once

#include <string>
#include <string_view>

namespace util {

std::string sha256_hex(std::string_view text);

}  // namespace util
