// Internal: where a problem is (Place), the text it is in (Source), and the collector that turns
// problems into Diagnostics quoting the offending line (Reporter).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/mark.h>

#include "spec/diagnostic.h"

namespace spec {

// 1-based line and column; {0, 0} = no single place (the whole file).
struct Place {
  int line = 0;
  int column = 0;
};

// yaml-cpp marks are 0-based; a null mark (-1) becomes {0, 0}.
Place place_of(const YAML::Mark& mark);

// One input file's name and text.
class Source {
 public:
  Source(std::string name, std::string_view text);
  const std::string& name() const { return name_; }
  // The text of 1-based `line` without its line break; empty when out of range.
  std::string_view line(int line) const;
  int line_count() const { return static_cast<int>(starts_.size()); }

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> starts_;
};

// Appends diagnostics about one Source to a shared list. Cheap to copy; the Source and the list
// must outlive it.
class Reporter {
 public:
  Reporter(const Source& source, std::vector<Diagnostic>& out) : source_(&source), out_(&out) {}

  void error(Place at, std::string path, std::string message, std::string hint = {}) const;
  void warning(Place at, std::string path, std::string message, std::string hint = {}) const;
  // An error at a place that holds a secret: reported without quoting the source line.
  void secret_error(Place at, std::string path, std::string message, std::string hint) const;
  const Source& source() const { return *source_; }
  std::vector<Diagnostic>& out() const { return *out_; }

 private:
  void add(Severity severity, Place at, std::string path, std::string message,
           std::string hint, bool sensitive = false) const;

  const Source* source_;
  std::vector<Diagnostic>* out_;
};

}  // namespace spec
