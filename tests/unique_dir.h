// Fresh scratch directories for tests. The names come from mkdtemp, so a directory left behind
// by an earlier run (or by a process that had the same PID) can never be reused by accident.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace testing_paths {

inline std::string unique_dir(const std::string& prefix) {
  std::string base = ::testing::TempDir();
  while (base.size() > 1 && base.back() == '/') {
    base.pop_back();
  }
  std::string pattern = base + "/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  return std::string(buffer.data());
}

}  // namespace testing_paths
