// Diagnostics with their source line.
#include "spec/report.h"

namespace spec {

Place place_of(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) {
    return {};
  }
  return {mark.line + 1, mark.column + 1};
}

Source::Source(std::string name, std::string_view text) : name_(std::move(name)), text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n' && i + 1 < text_.size()) {
      starts_.push_back(i + 1);
    }
  }
}

std::string_view Source::line(int line) const {
  if (line < 1 || line > line_count()) {
    return {};
  }
  const size_t start = starts_[static_cast<size_t>(line - 1)];
  size_t end = text_.find('\n', start);
  if (end == std::string::npos) {
    end = text_.size();
  }
  if (end > start && text_[end - 1] == '\r') {
    --end;
  }
  return std::string_view(text_).substr(start, end - start);
}

void Reporter::error(Place at, std::string path, std::string message, std::string hint) const {
  add(Severity::Error, at, std::move(path), std::move(message), std::move(hint));
}

void Reporter::warning(Place at, std::string path, std::string message, std::string hint) const {
  add(Severity::Warning, at, std::move(path), std::move(message), std::move(hint));
}

void Reporter::secret_error(Place at, std::string path, std::string message,
                            std::string hint) const {
  add(Severity::Error, at, std::move(path), std::move(message), std::move(hint), true);
}

void Reporter::add(Severity severity, Place at, std::string path, std::string message,
                   std::string hint, bool sensitive) const {
  Diagnostic d;
  d.severity = severity;
  d.file = source_->name();
  d.line = at.line;
  d.column = at.line > 0 ? at.column : 0;
  d.path = std::move(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.sensitive = sensitive;
  if (!sensitive) {
    d.source_line = std::string(source_->line(at.line));
  }
  out_->push_back(std::move(d));
}

}  // namespace spec
