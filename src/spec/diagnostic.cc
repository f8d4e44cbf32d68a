// Diagnostic helpers shared by validate and every verb that loads user input.
#include "spec/diagnostic.h"

#include <fmt/format.h>

namespace spec {

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) {
      return true;
    }
  }
  return false;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string where = d.file;
  if (d.line > 0) {
    where += fmt::format(":{}:{}", d.line, d.column);
  }
  std::string text = fmt::format("{}: {}: {}", where,
                                 d.severity == Severity::Error ? "error" : "warning", d.message);
  if (!d.hint.empty()) {
    text += fmt::format(" ({})", d.hint);
  }
  return text;
}

}  // namespace spec
