// Base64 encoding and strict decoding (RFC 4648 §4 and §5, padded).
#include "secrets/base64.h"

#include <array>
#include <cstdint>

namespace secrets {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string_view chars_of(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::Url ? kUrl : kStandard;
}

// Value of each byte in the alphabet, -1 when not part of it.
std::array<int, 256> reverse_table(Base64Alphabet alphabet) {
  std::array<int, 256> table;
  table.fill(-1);
  const std::string_view chars = chars_of(alphabet);
  for (size_t i = 0; i < chars.size(); ++i) {
    table[static_cast<unsigned char>(chars[i])] = static_cast<int>(i);
  }
  return table;
}

// Removes the line breaks Go's decoder ignores.
std::string without_line_breaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view data, Base64Alphabet alphabet) {
  const std::string_view chars = chars_of(alphabet);
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += chars[(v >> 18) & 63];
    out += chars[(v >> 12) & 63];
    out += chars[(v >> 6) & 63];
    out += chars[v & 63];
  }
  const size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) {
      v |= static_cast<unsigned char>(data[i + 1]) << 8;
    }
    out += chars[(v >> 18) & 63];
    out += chars[(v >> 12) & 63];
    out += rest == 2 ? chars[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, Base64Alphabet alphabet) {
  static const std::array<int, 256> kStdTable = reverse_table(Base64Alphabet::Standard);
  static const std::array<int, 256> kUrlTable = reverse_table(Base64Alphabet::Url);
  const std::array<int, 256>& table = alphabet == Base64Alphabet::Url ? kUrlTable : kStdTable;
  const std::string s = without_line_breaks(text);
  if (s.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(s.size() / 4 * 3);
  for (size_t i = 0; i < s.size(); i += 4) {
    const bool last = i + 4 == s.size();
    const int pad = (s[i + 3] == '=') + (s[i + 2] == '=' && s[i + 3] == '=');
    if (pad > 0 && !last) {
      return std::nullopt;
    }
    uint32_t v = 0;
    for (int k = 0; k < 4 - pad; ++k) {
      const int d = table[static_cast<unsigned char>(s[i + k])];
      if (d < 0) {
        return std::nullopt;
      }
      v |= static_cast<uint32_t>(d) << (18 - 6 * k);
    }
    out += static_cast<char>((v >> 16) & 0xFF);
    if (pad < 2) {
      out += static_cast<char>((v >> 8) & 0xFF);
    }
    if (pad < 1) {
      out += static_cast<char>(v & 0xFF);
    }
  }
  return out;
}

}  // namespace secrets
