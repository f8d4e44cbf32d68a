// parse → decode → defaults → validate. yaml-cpp exceptions become diagnostics here; a last
// catch keeps the module's promise never to throw.
#include "spec/load.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "spec/decode.h"
#include "spec/defaults.h"
#include "spec/validate.h"
#include "util/file.h"

namespace spec {
namespace {

// The single document of the file; nullopt after reporting a syntax error or extra documents.
std::optional<YAML::Node> parse(std::string_view text, const Reporter& report) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    report.error(place_of(e.mark), "", fmt::format("invalid YAML: {}", e.msg),
                 "check the indentation and quoting around this place");
    return std::nullopt;
  }
  if (docs.size() > 1) {
    report.error(place_of(docs[1].Mark()), "",
                 "cluster.yaml holds one document; found a second one",
                 "remove the \"---\" separator and what follows it");
    return std::nullopt;
  }
  if (docs.empty() || docs[0].IsNull()) {
    report.error({}, "", "the file is empty", "start from examples/minimal.yaml");
    return std::nullopt;
  }
  return docs[0];
}

// Reading order: cluster.yaml's problems by line and column, then those inside referenced files.
void sort_by_position(std::vector<Diagnostic>& diagnostics, const std::string& file_name) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     return std::tuple(a.file != file_name, a.file, a.line, a.column) <
                            std::tuple(b.file != file_name, b.file, b.line, b.column);
                   });
}

Loaded load_checked(const std::string& file_name, std::string_view text) {
  Loaded out;
  const Source source(file_name, text);
  const Reporter report(source, out.diagnostics);
  const std::optional<YAML::Node> root = parse(text, report);
  if (!root) {
    return out;
  }
  Positions positions;
  DecodeContext ctx{report, positions, std::filesystem::path(file_name).parent_path().string()};
  Cluster cluster = decode_cluster(ctx, *root);
  cluster.file = file_name;
  apply_defaults(cluster);
  validate(cluster, Checker(positions, report));
  sort_by_position(out.diagnostics, file_name);
  if (!has_errors(out.diagnostics)) {
    out.spec = std::move(cluster);
  }
  return out;
}

}  // namespace

Loaded load_text(const std::string& file_name, std::string_view text) {
  try {
    return load_checked(file_name, text);
  } catch (const std::exception& e) {
    Loaded out;
    out.diagnostics.push_back(Diagnostic{Severity::Error, file_name, 0, 0, "",
                                         fmt::format("internal error while loading: {}", e.what()),
                                         "please report this with the file that caused it"});
    return out;
  }
}

Loaded load_file(const std::string& path) {
  util::Result<std::string> text = util::read_file(path);
  if (!text.ok()) {
    Loaded out;
    out.diagnostics.push_back(Diagnostic{Severity::Error, path, 0, 0, "", text.error().message,
                                         "pass the cluster file with -f PATH"});
    return out;
  }
  return load_text(path, *text);
}

}  // namespace spec
