// Position lookups.
#include "spec/positions.h"

namespace spec {

Place Positions::value(const std::string& path) const {
  const auto it = places_.find(path);
  return it == places_.end() ? Place{} : it->second.value;
}

Place Positions::key(const std::string& path) const {
  const auto it = places_.find(path);
  return it == places_.end() ? Place{} : it->second.key;
}

}  // namespace spec
