// The steps of a Talos upgrade (talos.md §0, §9.1): Talos tests upgrades between adjacent minors
// only, so a jump across minors goes through the newest known patch of each minor in between
// (v1.11.6 → v1.13.9 is v1.11.6 → v1.12.11 → v1.13.9).
#pragma once

#include <vector>

#include "spec/versions.h"
#include "util/result.h"

namespace spec {

// The versions to install one after the other, ending with `to`; empty when `from` == `to`.
// InvalidInput for a downgrade (that is a Rollback, not an upgrade), for a target or an
// intermediate minor talforge's release table does not know, and for a `from` older than what
// the first step may be upgraded from.
util::Result<std::vector<Version>> talos_upgrade_path(const Version& from, const Version& to);

}  // namespace spec
