// Patch format detection and application.
#include "talos/patch.h"

#include <fmt/format.h>

#include "talos/config_document.h"
#include "util/yaml_load.h"

namespace talos {
namespace {

using util::Error;
using util::Result;

bool starts_with_bracket(std::string_view text) {
  const size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text[i] == '[';
}

// nlohmann prefixes its messages with "[json.exception.<kind>.<id>] "; users need the rest.
std::string library_message(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    const size_t end = what.find("] ");
    if (end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
  }
  return std::string(what);
}

bool looks_like_operations(const Tree& v) {
  if (!v.is_array() || v.empty()) {
    return false;
  }
  for (const Tree& op : v) {
    if (!op.is_object() || !op.contains("op") || !op.contains("path")) {
      return false;
    }
  }
  return true;
}

Result<void> apply_json6902(std::vector<Tree>& docs, const ConfigPatch& patch) {
  if (docs.size() != 1) {
    return Error::invalid_input(
               "JSON6902 patches are not supported for multi-document machine configuration")
        .with_context(patch.origin)
        .with_hint("write the patch as a strategic merge patch instead");
  }
  Tree patched;
  try {
    patched = docs[0].patch(patch.operations);
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_input(fmt::format("JSON patch failed: {}", library_message(e.what())))
        .with_context(patch.origin)
        .with_hint("RFC 6902: add needs the parent to exist, replace/remove need the path itself");
  }
  Result<Tree> normalized = normalize_document(patched);
  if (!normalized.ok()) {
    return std::move(normalized).error().with_context(patch.origin);
  }
  docs[0] = std::move(*normalized);
  return {};
}

}  // namespace

Result<ConfigPatch> parse_patch(std::string_view text, std::string_view origin) {
  ConfigPatch patch;
  patch.origin = std::string(origin);
  Result<std::vector<Tree>> docs = decode_documents(text, origin, DecodeMode::Patch);
  if (docs.ok()) {
    patch.documents = std::move(*docs);
    return patch;
  }
  try {
    Tree ops = Tree::parse(text);
    if (ops.is_array()) {
      patch.kind = ConfigPatch::Kind::Json6902;
      patch.operations = std::move(ops);
      return patch;
    }
  } catch (const nlohmann::json::exception& e) {
    if (starts_with_bracket(text)) {
      return Error::invalid_input(fmt::format("{}: invalid JSON patch: {}", origin, e.what()));
    }
  }
  Result<Tree> yaml = util::load_yaml(text, origin);
  if (yaml.ok() && looks_like_operations(*yaml)) {
    patch.kind = ConfigPatch::Kind::Json6902;
    patch.operations = std::move(*yaml);
    return patch;
  }
  return std::move(docs).error();
}

Result<void> apply_patch(std::vector<Tree>& docs, const ConfigPatch& patch) {
  if (patch.kind == ConfigPatch::Kind::Json6902) {
    return apply_json6902(docs, patch);
  }
  std::vector<Tree> merged = docs;
  Result<void> r = strategic_merge(merged, patch.documents);
  if (!r.ok()) {
    return std::move(r).error().with_context(patch.origin);
  }
  for (Tree& doc : merged) {
    Result<Tree> normalized = normalize_document(doc);
    if (!normalized.ok()) {
      return std::move(normalized).error().with_context(patch.origin);
    }
    doc = std::move(*normalized);
  }
  docs = std::move(merged);
  return {};
}

}  // namespace talos
