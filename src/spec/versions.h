// Version strings and the Talos support matrix (talos.md §0): which Talos minors talforge
// generates configs for, and the Kubernetes window and default of each.
#pragma once

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spec {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string prerelease;  // "rc.1" for v1.14.0-rc.1; empty for releases

  // "1.11.6" (no leading v), with "-prerelease" when present.
  std::string str() const;
  // Semver precedence: a pre-release comes before its release (1.14.0-rc.1 < 1.14.0); two
  // pre-releases compare as text.
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const = default;
  bool same_minor(int maj, int min) const { return major == maj && minor == min; }
};

// Parses "v1.11.6", "1.11.6" or "1.37.0-rc.0"; all three numbers are required.
std::optional<Version> parse_version(std::string_view text);

struct TalosRelease {
  int major;
  int minor;
  std::string_view newest_patch;        // newest patch seen when this table was written
  std::string_view default_kubernetes;  // what `talosctl gen config` picks
  std::string_view kubernetes_min;      // oldest Kubernetes accepted, "1.29.0"
  int kubernetes_max_minor;             // newest Kubernetes minor accepted (1.34 → 34)
  std::string_view upgrade_from;        // oldest Talos a node may upgrade from to this release
};

// Talos v1.9 … v1.13, oldest first.
std::span<const TalosRelease> talos_releases();

// The release entry for `v`'s minor, or nullptr when talforge does not know that minor.
const TalosRelease* find_talos_release(const Version& v);

const TalosRelease& oldest_talos_release();
const TalosRelease& newest_talos_release();

}  // namespace spec
