// Base64 as Go's encoding/base64 writes it: StdEncoding and URLEncoding, both with '=' padding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace secrets {

enum class Base64Alphabet { Standard, Url };

std::string base64_encode(std::string_view data,
                          Base64Alphabet alphabet = Base64Alphabet::Standard);

// Decodes padded base64 of the given alphabet. Like Go's decoder, '\r' and '\n' are skipped;
// any other character outside the alphabet or bad padding gives nullopt (leftover bits after
// the last byte are ignored, as Go's non-strict StdEncoding does).
std::optional<std::string> base64_decode(std::string_view text,
                                         Base64Alphabet alphabet = Base64Alphabet::Standard);

}  // namespace secrets
