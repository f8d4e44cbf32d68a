// Shared helpers for the spec tests: a valid cluster.yaml whose line numbers the tests rely on,
// single-line edits of it, and a temporary directory for files it references.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "spec/load.h"
#include "util/file.h"
#include "unique_dir.h"

namespace spec_test {

// Line numbers are part of the tests' expectations: edit with with_line() so they stay put.
inline const std::string kBase =
    "apiVersion: talforge.dev/v1alpha1\n"                                      //  1
    "kind: Cluster\n"                                                          //  2
    "cluster:\n"                                                               //  3
    "  name: lab\n"                                                            //  4
    "  talosVersion: v1.11.6\n"                                                //  5
    "  kubernetesVersion: 1.34.1\n"                                            //  6
    "  vip: 127.10.0.10\n"                                                     //  7
    "network:\n"                                                               //  8
    "  cidr: 127.10.0.0/24\n"                                                  //  9
    "  gateway: 127.10.0.1\n"                                                  // 10
    "  nameservers: [127.10.0.1]\n"                                            // 11
    "proxmox:\n"                                                               // 12
    "  endpoint: https://127.0.0.1:8006\n"                                     // 13
    "  tokenId: talforge@pve!ci\n"                                             // 14
    "vm:\n"                                                                    // 15
    "  pveNode: pve1\n"                                                        // 16
    "nodes:\n"                                                                 // 17
    "  - {name: cp-1, role: controlplane, address: 127.10.0.11, vmid: 101}\n"  // 18
    "  - {name: cp-2, role: controlplane, address: 127.10.0.12, vmid: 102}\n"  // 19
    "  - {name: cp-3, role: controlplane, address: 127.10.0.13, vmid: 103}\n"  // 20
    "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 201}\n";        // 21

// kBase with 1-based `line` replaced by `text` (which may hold several lines, shifting the
// following ones; tests that do so say where the shifted lines land).
inline std::string with_line(int line, const std::string& text, std::string base = kBase) {
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = base.find('\n', start) + 1;
  }
  const size_t end = base.find('\n', start);
  base.replace(start, end - start, text);
  return base;
}

// Several line replacements, applied from the bottom up so line numbers refer to kBase.
inline std::string with_lines(std::vector<std::pair<int, std::string>> edits) {
  std::sort(edits.begin(), edits.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::string text = kBase;
  for (const auto& [line, replacement] : edits) {
    text = with_line(line, replacement, text);
  }
  return text;
}

inline spec::Loaded load(const std::string& text) {
  return spec::load_text("cluster.yaml", text);
}

inline std::string describe(const std::vector<spec::Diagnostic>& ds) {
  std::string out;
  for (const spec::Diagnostic& d : ds) {
    out += spec::format_diagnostic(d) + " [" + d.path + "]\n";
  }
  return out;
}

// "LINE:COL severity PATH: message (hint)" — one string per diagnostic, so a test asserts
// every field at once.
inline std::string brief(const spec::Diagnostic& d) {
  std::string s = std::to_string(d.line) + ":" + std::to_string(d.column) +
                  (d.severity == spec::Severity::Error ? " error " : " warning ") + d.path + ": " +
                  d.message;
  if (!d.hint.empty()) {
    s += " (" + d.hint + ")";
  }
  return s;
}

inline std::vector<std::string> briefs(const spec::Loaded& loaded) {
  std::vector<std::string> out;
  for (const spec::Diagnostic& d : loaded.diagnostics) {
    out.push_back(brief(d));
  }
  return out;
}

// A fresh directory under the test temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = testing_paths::unique_dir("spec");
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    EXPECT_TRUE(util::write_file_atomic(p, content, 0644).ok()) << p;
    return p;
  }

 private:
  std::string path_;
};

}  // namespace spec_test
