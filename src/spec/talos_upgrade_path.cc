// spec::talos_upgrade_path (see talos_upgrade_path.h).
#include "spec/talos_upgrade_path.h"

#include <fmt/format.h>

namespace spec {
namespace {

std::string known_releases() {
  return fmt::format("talforge knows Talos v{}.{} … v{}.{}", oldest_talos_release().major,
                     oldest_talos_release().minor, newest_talos_release().major,
                     newest_talos_release().minor);
}

}  // namespace

util::Result<std::vector<Version>> talos_upgrade_path(const Version& from, const Version& to) {
  if (to == from) {
    return std::vector<Version>{};
  }
  if (to < from) {
    return util::Error::invalid_input(
               fmt::format("v{} is older than the v{} the node runs: Talos does not downgrade "
                           "by upgrading",
                           to.str(), from.str()))
        .with_hint("keep talosVersion at the running version; to go back after an upgrade, "
                   "Talos's Rollback boots the previous slot");
  }
  if (to.major != from.major) {
    return util::Error::invalid_input(
        fmt::format("no upgrade path from v{} to v{}: a new major version", from.str(), to.str()));
  }
  std::vector<Version> steps;
  for (int minor = from.minor + 1; minor < to.minor; ++minor) {
    const TalosRelease* release = find_talos_release({to.major, minor, 0, ""});
    if (release == nullptr) {
      return util::Error::invalid_input(fmt::format(
          "the upgrade from v{} to v{} passes v{}.{}, which {}", from.str(), to.str(), to.major,
          minor, known_releases()));
    }
    steps.push_back(*parse_version(release->newest_patch));
  }
  steps.push_back(to);
  const TalosRelease* first = find_talos_release(steps.front());
  if (first == nullptr) {
    return util::Error::invalid_input(
        fmt::format("no upgrade path to v{}: {}", steps.front().str(), known_releases()));
  }
  if (from < *parse_version(first->upgrade_from)) {
    return util::Error::invalid_input(
               fmt::format("v{} cannot be upgraded to v{}.{} (it needs v{} or newer)", from.str(),
                           first->major, first->minor, first->upgrade_from))
        .with_hint("upgrade the node to a release in between with talosctl first");
  }
  return steps;
}

}  // namespace spec
