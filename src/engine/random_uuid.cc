// engine::random_uuid (see random_uuid.h).
#include "engine/random_uuid.h"

#include <fmt/format.h>

namespace engine {

util::Result<std::string> random_uuid(secrets::RandomSource& rng) {
  ASSIGN_OR_RETURN(std::string bytes, secrets::random_bytes(rng, 16));
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3f) | 0x80);
  std::string hex;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      hex += '-';
    }
    hex += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
  }
  return hex;
}

}  // namespace engine
