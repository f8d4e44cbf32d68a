// Error and diagnostic rendering for the terminal.
#include "cli/context.h"

#include <ostream>

#include <fmt/format.h>

namespace cli {

void Context::report(const util::Error& error) const {
  *err << "error: " << error.describe() << "\n";
  if (!error.hint.empty()) {
    *err << "  hint: " << error.hint << "\n";
  }
}

void Context::report(const std::vector<spec::Diagnostic>& diagnostics) const {
  for (const spec::Diagnostic& d : diagnostics) {
    *err << spec::format_diagnostic(d) << "\n";
    if (d.line > 0 && !d.source_line.empty()) {
      *err << "    " << d.source_line << "\n";
      *err << "    " << std::string(static_cast<size_t>(d.column > 0 ? d.column - 1 : 0), ' ')
           << "^\n";
    }
  }
}

OutputFormat parse_output_format(const std::string& name) {
  if (name == "json") {
    return OutputFormat::Json;
  }
  if (name == "yaml") {
    return OutputFormat::Yaml;
  }
  return OutputFormat::Text;
}

}  // namespace cli
