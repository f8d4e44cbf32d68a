// A small JSON Schema (draft 2020-12) validator covering exactly the keywords the published Talos
// machine-config schemas use, so the emulator can reject configs the way the schema describes.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"
#include "util/yaml_emit.h"

namespace talos_emu {

// What kind of rule a value broke: a Go-struct decoder (Talos's strict YAML decode) would already
// fail on UnknownKey and WrongType; Invalid values decode but fail validation.
enum class SchemaErrorKind { Invalid, UnknownKey, WrongType };

// One violation: `path` is a JSON pointer into the validated document ("/machine/install/disk").
struct SchemaError {
  std::string path;
  std::string message;
  SchemaErrorKind kind = SchemaErrorKind::Invalid;
  std::string describe() const;  // "<path>: <message>", path "/" for the root
};

struct ValidateOptions {
  // The document came from YAML decoded into Go structs (yaml.v3): any scalar decodes into a Go
  // string and null leaves the zero value, so those are not type errors there.
  bool yaml_scalars = true;
};

class SchemaValidator {
 public:
  // Loads and caches (per path, thread-safe) a schema file such as v1.11/config.schema.json.
  // Errors: NotFound when the file is missing, InvalidInput when it is not JSON.
  static util::Result<std::shared_ptr<const SchemaValidator>> load(const std::string& path);
  // Builds a validator from an already parsed schema (tests, uncached).
  static util::Result<std::shared_ptr<const SchemaValidator>> from_json(nlohmann::json schema);

  // Validates one document against the top-level oneOf branch of its kind (the branch whose
  // `kind` enum names it; the v1alpha1.Config branch when the document has no `kind`). An unknown
  // kind yields one error at "/kind".
  std::vector<SchemaError> validate_document(const nlohmann::json& doc,
                                             const ValidateOptions& options = {}) const;
  std::vector<SchemaError> validate_document(const util::Tree& doc,
                                             const ValidateOptions& options = {}) const;

  // Validates `value` against an arbitrary sub-schema, e.g. {"$ref": "#/$defs/v1alpha1.Config"}.
  std::vector<SchemaError> validate(const nlohmann::json& value, const nlohmann::json& schema,
                                    const ValidateOptions& options = {}) const;

  // Document kinds this schema accepts ("KmsgLogConfig", …; the v1alpha1 main doc is not listed).
  std::vector<std::string> kinds() const;
  bool knows_kind(const std::string& kind) const;

 private:
  explicit SchemaValidator(nlohmann::json schema);
  struct Walker;
  void index_kinds();
  void compile_patterns(const nlohmann::json& node);
  const std::regex* regex(const std::string& pattern) const;
  template <typename J>
  std::vector<SchemaError> validate_document_impl(const J& doc,
                                                  const ValidateOptions& options) const;

  nlohmann::json schema_;
  std::string main_ref_;                          // "#/$defs/v1alpha1.Config"
  std::map<std::string, std::string> kind_refs_;  // kind → "#/$defs/…"
  std::map<std::string, std::regex> regexes_;     // compiled once; std::regex is const-safe
};

}  // namespace talos_emu
