// Talos and Kubernetes versions against talos.md §0. A newer Talos minor than talforge knows is
// a warning, not an error: Talos accepts configs of older contracts, so talforge generates the
// newest contract it knows (v1.13) and the cluster still works.
#include <fmt/format.h>

#include "spec/validate.h"
#include "spec/versions.h"

namespace spec {
namespace {

constexpr const char* kTalosPath = "cluster.talosVersion";
constexpr const char* kKubernetesPath = "cluster.kubernetesVersion";

std::string minor_name(const TalosRelease& r) {
  return fmt::format("v{}.{}", r.major, r.minor);
}

// Returns the parsed version when it is one talforge can generate configs for.
std::optional<Version> check_talos(Cluster& c, const Checker& check) {
  const std::optional<Version> v = parse_version(c.talos_version);
  if (!v) {
    check.error(
        kTalosPath, fmt::format("\"{}\" is not a Talos version", c.talos_version),
        fmt::format("write vMAJOR.MINOR.PATCH, e.g. {}", newest_talos_release().newest_patch));
    return std::nullopt;
  }
  c.talos_version = "v" + v->str();
  const TalosRelease& oldest = oldest_talos_release();
  if (*v < Version{oldest.major, oldest.minor, 0}) {
    check.error(kTalosPath,
                fmt::format("Talos {} is older than {}, the oldest release talforge supports",
                            c.talos_version, minor_name(oldest)),
                fmt::format("use {} … {}", minor_name(oldest), minor_name(newest_talos_release())));
    return std::nullopt;
  }
  if (find_talos_release(*v) == nullptr) {
    const TalosRelease& newest = newest_talos_release();
    check.warning(kTalosPath,
                  fmt::format("talforge does not know Talos v{}.{} yet; it generates configs for "
                              "the {} contract, which newer Talos releases accept",
                              v->major, v->minor, minor_name(newest)),
                  fmt::format("check the Talos release notes, or pin {}", newest.newest_patch));
  }
  return v;
}

void check_kubernetes(Cluster& c, const std::optional<Version>& talos, const Checker& check) {
  if (!check.has(kKubernetesPath)) {
    return;  // absent: apply_defaults chose the release default
  }
  const std::optional<Version> k = parse_version(c.kubernetes_version);
  if (!k) {
    check.error(kKubernetesPath,
                fmt::format("\"{}\" is not a Kubernetes version", c.kubernetes_version),
                "write MAJOR.MINOR.PATCH, e.g. 1.34.1");
    return;
  }
  c.kubernetes_version = k->str();
  const TalosRelease* r = talos ? find_talos_release(*talos) : nullptr;
  if (r == nullptr) {
    return;  // unknown Talos minor: no window to check against
  }
  const Version min = *parse_version(r->kubernetes_min);
  if (*k < min || k->major != min.major || k->minor > r->kubernetes_max_minor) {
    check.error(kKubernetesPath,
                fmt::format("Kubernetes {} is not supported by Talos {} (it accepts {} … {}.{}.x)",
                            c.kubernetes_version, minor_name(*r), r->kubernetes_min, min.major,
                            r->kubernetes_max_minor),
                fmt::format("use Kubernetes {} (the release default) or change talosVersion",
                            r->default_kubernetes));
  }
}

}  // namespace

void validate_versions(Cluster& c, const Checker& check) {
  if (!check.has(kTalosPath)) {
    return;
  }
  const std::optional<Version> talos = check_talos(c, check);
  check_kubernetes(c, talos, check);
}

}  // namespace spec
