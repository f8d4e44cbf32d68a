// Typed Talos config documents: strict decoding of YAML into the field types Talos uses, and
// normalisation of a document tree into Talos's own encoding (struct field order, sorted maps).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "talos/config_layout.h"
#include "util/result.h"
#include "util/yaml_emit.h"

namespace talos {

using util::Tree;

enum class DecodeMode {
  Config,  // a machine config: every key must be known
  Patch,   // a strategic-merge patch: `$patch: delete` directives are allowed as well
};

// The kind key of a document: "v1alpha1" for the legacy main document, else its `kind`.
util::Result<std::string> document_kind(const Tree& doc);

// Decodes one YAML document as Talos does: unknown keys and wrongly typed values are errors
// naming the key path; strings keep their text exactly (a plain 0644 stays "0644").
util::Result<Tree> decode_document(const YAML::Node& node, DecodeMode mode);

// Decodes a YAML stream of config documents (or patch documents).
util::Result<std::vector<Tree>> decode_documents(std::string_view text, std::string_view origin,
                                                 DecodeMode mode);

// Rewrites `doc` in Talos's encoding: struct fields in declaration order, map keys and free-form
// objects sorted as yaml.v3 sorts them, scalars converted to the field's type where lossless.
util::Result<Tree> normalize_document(const Tree& doc);

}  // namespace talos
