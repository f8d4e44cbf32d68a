// cli::Context — what every verb shares: output streams, the exit code, and error reporting.
// Only cli/ reads flags, environment and the terminal; everything below receives values.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "spec/diagnostic.h"
#include "util/result.h"

namespace cli {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitChanges = 2;
constexpr int kExitInternal = 70;

enum class OutputFormat { Text, Json, Yaml };

struct Context {
  std::ostream* out;  // results (stdout)
  std::ostream* err;  // diagnostics and errors (stderr)
  int exit_code = kExitOk;
  bool color = false;

  // Prints `error: <context: message>` plus its hint on stderr.
  void report(const util::Error& error) const;
  // Prints each diagnostic as FILE:LINE:COL: severity: message (hint), with the source line.
  void report(const std::vector<spec::Diagnostic>& diagnostics) const;
};

// Parses the value of -o/--output; anything else is rejected by CLI11 before a verb runs.
OutputFormat parse_output_format(const std::string& name);

}  // namespace cli
