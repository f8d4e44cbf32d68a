// IPv4 and CIDR helpers.
#include "spec/ip.h"

#include <charconv>

#include <fmt/format.h>

namespace spec {
namespace {

std::optional<uint32_t> parse_octet(std::string_view part) {
  if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) {
    return std::nullopt;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (ec != std::errc() || end != part.data() + part.size() || value > 255) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  uint32_t out = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t dot = text.find('.');
    const bool last = i == 3;
    if (last != (dot == std::string_view::npos)) {
      return std::nullopt;
    }
    const std::optional<uint32_t> octet = parse_octet(text.substr(0, dot));
    if (!octet) {
      return std::nullopt;
    }
    out = (out << 8) | *octet;
    text = last ? std::string_view{} : text.substr(dot + 1);
  }
  return out;
}

std::string format_ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

bool Cidr::overlaps(const Cidr& other) const {
  const int shorter = prefix < other.prefix ? prefix : other.prefix;
  const Cidr wide{address, shorter};
  return wide.contains(other.address);
}

std::string Cidr::str() const {
  return fmt::format("{}/{}", format_ipv4(network()), prefix);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::optional<uint32_t> address = parse_ipv4(text.substr(0, slash));
  const std::string_view len = text.substr(slash + 1);
  if (!address || len.empty() || len.size() > 2 || (len.size() > 1 && len[0] == '0')) {
    return std::nullopt;
  }
  int prefix = -1;
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
  if (ec != std::errc() || end != len.data() + len.size() || prefix < 0 || prefix > 32) {
    return std::nullopt;
  }
  return Cidr{*address, prefix};
}

}  // namespace spec
