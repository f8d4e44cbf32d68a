// spec::Diagnostic — one problem found in user input, with its exact place.
#pragma once

#include <string>
#include <vector>

namespace spec {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;
  int line = 0;      // 1-based; 0 when the problem has no single place (e.g. a missing key)
  int column = 0;    // 1-based
  std::string path;  // YAML path such as nodes[1].address
  std::string message;
  std::string hint;
  std::string source_line;  // the offending line's text, for the caret display
  // The place holds secret material (e.g. a pasted token secret): source_line is left empty so
  // the secret is never echoed, and the message does not quote the value.
  bool sensitive = false;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// FILE:LINE:COL: error: message (hint)
std::string format_diagnostic(const Diagnostic& d);

}  // namespace spec
