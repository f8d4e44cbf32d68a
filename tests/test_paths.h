// Where tests find the project, the shared reference data and the built binary.
#pragma once

#include <string>

namespace testing_paths {

inline std::string source(const std::string& rel) {
  return std::string(TALFORGE_SOURCE_DIR) + "/" + rel;
}
inline std::string shared(const std::string& rel) {
  return std::string(TALFORGE_SHARED_DIR) + "/" + rel;
}
inline std::string binary() {
  return TALFORGE_BINARY;
}

}  // namespace testing_paths
