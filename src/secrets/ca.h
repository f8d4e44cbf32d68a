// Self-signed certificate authorities exactly as `talosctl gen secrets` makes them (talos.md §3.3).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "secrets/certificate.h"
#include "secrets/private_key.h"
#include "secrets/random.h"
#include "util/result.h"

namespace secrets {

// CAValidityTime in Talos: ten years of 24-hour days.
inline constexpr std::chrono::hours kCaValidity{87600};
inline constexpr size_t kSubjectKeyIdSize = 20;

// A CA valid from `now` (not backdated) for kCaValidity, subject "O=<organization>" (empty
// subject when nullopt), random serial and 20-byte random SubjectKeyId, KeyUsage critical
// digitalSignature+keyCertSign, ExtKeyUsage serverAuth+clientAuth, BasicConstraints CA:TRUE.
util::Result<PemCertAndKey> generate_ca(const std::optional<std::string>& organization,
                                        KeyType key_type, TimePoint now, RandomSource& rng);

}  // namespace secrets
