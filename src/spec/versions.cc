// The support matrix, copied from talos.md §0 ("K8s accepted" is what Talos enforces).
#include "spec/versions.h"

#include <array>
#include <cctype>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

namespace spec {
namespace {

constexpr std::array<TalosRelease, 5> kReleases{{
    {1, 9, "v1.9.6", "1.32.4", "1.27.0", 32, "1.8.0"},
    {1, 10, "v1.10.9", "1.33.6", "1.28.0", 33, "1.8.0"},
    {1, 11, "v1.11.6", "1.34.1", "1.29.0", 34, "1.9.0"},
    {1, 12, "v1.12.11", "1.35.4", "1.30.0", 35, "1.10.0"},
    {1, 13, "v1.13.9", "1.36.3", "1.31.0", 36, "1.11.0"},
}};

// Reads one decimal component (no sign, no leading zeros) and the character after it.
bool read_number(std::string_view& text, int& out) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      (text.size() > 1 && text[0] == '0' && std::isdigit(static_cast<unsigned char>(text[1])))) {
    return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc()) {
    return false;
  }
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

bool valid_prerelease(std::string_view pre) {
  if (pre.empty()) {
    return false;
  }
  for (char c : pre) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto c = std::tie(major, minor, patch) <=> std::tie(other.major, other.minor, other.patch);
      c != 0) {
    return c;
  }
  if (prerelease.empty() != other.prerelease.empty()) {
    return prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  return prerelease <=> other.prerelease;
}

std::string Version::str() const {
  std::string s = fmt::format("{}.{}.{}", major, minor, patch);
  if (!prerelease.empty()) {
    s += "-" + prerelease;
  }
  return s;
}

std::optional<Version> parse_version(std::string_view text) {
  if (text.starts_with('v')) {
    text.remove_prefix(1);
  }
  Version v;
  if (!read_number(text, v.major) || !text.starts_with('.')) {
    return std::nullopt;
  }
  text.remove_prefix(1);
  if (!read_number(text, v.minor) || !text.starts_with('.')) {
    return std::nullopt;
  }
  text.remove_prefix(1);
  if (!read_number(text, v.patch)) {
    return std::nullopt;
  }
  if (text.empty()) {
    return v;
  }
  if (!text.starts_with('-') || !valid_prerelease(text.substr(1))) {
    return std::nullopt;
  }
  v.prerelease = std::string(text.substr(1));
  return v;
}

std::span<const TalosRelease> talos_releases() {
  return kReleases;
}

const TalosRelease* find_talos_release(const Version& v) {
  for (const TalosRelease& r : kReleases) {
    if (v.same_minor(r.major, r.minor)) {
      return &r;
    }
  }
  return nullptr;
}

const TalosRelease& oldest_talos_release() {
  return kReleases.front();
}
const TalosRelease& newest_talos_release() {
  return kReleases.back();
}

}  // namespace spec
