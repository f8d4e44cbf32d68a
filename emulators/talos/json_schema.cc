// JSON Schema validator for the Talos machine-config schemas (see json_schema.h).
#include "talos/json_schema.h"

namespace talos_emu {

std::string SchemaError::describe() const {
  return (path.empty() ? std::string("/") : path) + ": " + message;
}

SchemaValidator::SchemaValidator(nlohmann::json schema) : schema_(std::move(schema)) {}

util::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::load(const std::string&) {
  return util::Error::internal("not implemented yet");
}

util::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::from_json(
    nlohmann::json schema) {
  return std::shared_ptr<const SchemaValidator>(new SchemaValidator(std::move(schema)));
}

std::vector<SchemaError> SchemaValidator::validate_document(const nlohmann::json&,
                                                            const ValidateOptions&) const {
  return {};
}
std::vector<SchemaError> SchemaValidator::validate_document(const util::Tree&,
                                                            const ValidateOptions&) const {
  return {};
}
std::vector<SchemaError> SchemaValidator::validate(const nlohmann::json&, const nlohmann::json&,
                                                   const ValidateOptions&) const {
  return {};
}
std::vector<std::string> SchemaValidator::kinds() const { return {}; }
bool SchemaValidator::knows_kind(const std::string&) const { return false; }

}  // namespace talos_emu
