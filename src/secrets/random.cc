// Random bytes and tokens.
#include "secrets/random.h"

#include <openssl/rand.h>

#include "secrets/openssl.h"

namespace secrets {
namespace {

class SystemRandom final : public RandomSource {
 public:
  util::Result<void> fill(std::span<unsigned char> out) override {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
      return ossl::openssl_error("read random bytes");
    }
    return {};
  }
};

constexpr std::string_view kTokenChars = "0123456789abcdefghijklmnopqrstuvwxyz";
// 252 = 7 × 36: bytes below it map evenly onto the 36 characters.
constexpr unsigned char kTokenByteLimit = 252;

util::Result<std::string> random_token_part(RandomSource& rng, size_t length) {
  std::string out;
  while (out.size() < length) {
    unsigned char b = 0;
    RETURN_IF_ERROR(rng.fill(std::span<unsigned char>(&b, 1)));
    if (b < kTokenByteLimit) {
      out += kTokenChars[b % kTokenChars.size()];
    }
  }
  return out;
}

}  // namespace

RandomSource& system_random() {
  static SystemRandom instance;
  return instance;
}

util::Result<std::string> random_bytes(RandomSource& rng, size_t count) {
  std::string out(count, '\0');
  RETURN_IF_ERROR(
      rng.fill(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size())));
  return out;
}

util::Result<std::string> random_token(RandomSource& rng) {
  ASSIGN_OR_RETURN(std::string id, random_token_part(rng, 6));
  ASSIGN_OR_RETURN(std::string secret, random_token_part(rng, 16));
  return id + "." + secret;
}

}  // namespace secrets
