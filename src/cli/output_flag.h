// The -o/--output flag shared by verbs that print results.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace cli {

inline CLI::Option* add_output_flag(CLI::App& cmd, std::string& format) {
  return cmd.add_option("-o,--output", format, "Output format")
      ->check(CLI::IsMember({"text", "json", "yaml"}))
      ->capture_default_str();
}

}  // namespace cli
