// IPv4 addresses and CIDR prefixes: strict parsing (dotted quad, no leading zeros) and the set
// arithmetic validation needs (containment, overlap).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spec {

// Parses "127.10.0.11"; nullopt for anything else (IPv6, leading zeros, missing octets).
std::optional<uint32_t> parse_ipv4(std::string_view text);

std::string format_ipv4(uint32_t address);

struct Cidr {
  uint32_t address = 0;  // as written; may have host bits set (see host_bits_set)
  int prefix = 0;        // 0..32

  uint32_t mask() const { return prefix == 0 ? 0u : ~uint32_t{0} << (32 - prefix); }
  uint32_t network() const { return address & mask(); }
  uint32_t broadcast() const { return network() | ~mask(); }
  bool host_bits_set() const { return address != network(); }
  bool contains(uint32_t ip) const { return (ip & mask()) == network(); }
  bool overlaps(const Cidr& other) const;
  std::string str() const;  // canonical form, host bits cleared: "127.10.0.0/24"
};

// Parses "127.10.0.0/24"; nullopt when the address or the prefix length is invalid.
std::optional<Cidr> parse_cidr(std::string_view text);

}  // namespace spec
