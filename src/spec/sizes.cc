// Size strings. Decimal units (GB, G) are refused on purpose: Proxmox counts memory in MiB and
// disks in GiB, and a silently converted "4G" would be off by 7 %.
#include "spec/sizes.h"

#include <charconv>

namespace spec {
namespace {

constexpr int64_t kMax = int64_t{1} << 31;

struct Unit {
  std::string_view suffix;
  int64_t factor;
};

std::optional<int64_t> parse_with(std::string_view text, std::initializer_list<Unit> units) {
  for (const Unit& u : units) {
    if (!text.ends_with(u.suffix)) {
      continue;
    }
    const std::string_view digits = text.substr(0, text.size() - u.suffix.size());
    int64_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || n < 0 ||
        n > kMax / u.factor) {
      return std::nullopt;
    }
    return n * u.factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_mib(std::string_view text) {
  return parse_with(text, {{"MiB", 1}, {"GiB", 1024}});
}

std::optional<int64_t> parse_gib(std::string_view text) {
  return parse_with(text, {{"GiB", 1}, {"TiB", 1024}});
}

}  // namespace spec
