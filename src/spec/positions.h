// Internal: where each decoded value of cluster.yaml was written, by YAML path
// ("nodes[1].address"), so checks that run on the model can still point at the text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "spec/report.h"

namespace spec {

struct Located {
  Place key;    // the key's place (for list items: the item's own place)
  Place value;  // the value's place
};

// Only values that decoded to the expected type are recorded, so a check that finds no place
// for a path knows the value is absent or already reported, and stays quiet.
class Positions {
 public:
  void record(const std::string& path, Located where) { places_[path] = where; }
  void forget(const std::string& path) { places_.erase(path); }
  bool has(const std::string& path) const { return places_.count(path) != 0; }
  Place value(const std::string& path) const;
  Place key(const std::string& path) const;

 private:
  std::unordered_map<std::string, Located> places_;
};

}  // namespace spec
