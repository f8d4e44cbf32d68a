// Randomness for secrets: an injectable byte source, and the token/ID formats Talos uses.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "util/result.h"

namespace secrets {

// Fills buffers with random bytes. Production uses system_random() (OpenSSL's CSPRNG); tests
// pass a fixed sequence to get predictable tokens, IDs, serials and key identifiers.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual util::Result<void> fill(std::span<unsigned char> out) = 0;
};

RandomSource& system_random();

util::Result<std::string> random_bytes(RandomSource& rng, size_t count);

// A kubeadm-style token "<6>.<16>" of [0-9a-z], drawn without modulo bias (bytes ≥ 252 are
// discarded, as talosctl does).
util::Result<std::string> random_token(RandomSource& rng);

}  // namespace secrets
