// plan::diff — desired × observed → the ordered changes `apply` would make. A pure function:
// `plan` prints exactly what `apply` executes.
#pragma once

#include "plan/model.h"

namespace plan {

// Order: boot images → VM creates/updates/replaces → power → machine configs → bootstrap →
// deletes (scale-down last, so the cluster grows before it shrinks).
Plan diff(const Desired& desired, const Observed& observed);

}  // namespace plan
