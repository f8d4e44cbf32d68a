// JSON Schema validator for the Talos machine-config schemas (see json_schema.h). Keywords:
// type, properties, additionalProperties, patternProperties, required, enum, items, pattern,
// oneOf, $ref (local "#/…"), minimum, maximum, minItems. Everything else is an annotation.
#include "emulators/talos/json_schema.h"

#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace talos_emu {

namespace {

constexpr int kMaxDepth = 128;  // guards against $ref cycles in a malformed schema

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

template <typename J>
std::string type_name(const J& v) {
  if (v.is_number_integer()) {
    return "integer";
  }
  if (v.is_number()) {
    return "number";
  }
  return v.type_name();
}

// The text a YAML scalar had before yaml.v3-style resolution turned it into a number or bool.
template <typename J>
std::string scalar_text(const J& v) {
  return v.is_string() ? v.template get<std::string>() : v.dump();
}

template <typename J>
bool is_scalar(const J& v) {
  return v.is_string() || v.is_number() || v.is_boolean();
}

std::string short_dump(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

std::string SchemaError::describe() const {
  return (path.empty() ? std::string("/") : path) + ": " + message;
}

struct SchemaValidator::Walker {
  const SchemaValidator& self;
  const ValidateOptions& options;
  std::vector<SchemaError>& errors;

  void fail(const std::string& path, std::string message,
            SchemaErrorKind kind = SchemaErrorKind::Invalid) {
    errors.push_back({path, std::move(message), kind});
  }

  const nlohmann::json* resolve(const std::string& ref) const {
    if (ref.rfind("#", 0) != 0) {
      return nullptr;
    }
    try {
      nlohmann::json::json_pointer pointer(ref.substr(1));
      if (!self.schema_.contains(pointer)) {
        return nullptr;
      }
      return &self.schema_.at(pointer);
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }

  template <typename J>
  bool type_matches(const J& v, const std::string& type) const {
    if (type == "object") {
      return v.is_object();
    }
    if (type == "array") {
      return v.is_array();
    }
    if (type == "string") {
      return v.is_string() || (options.yaml_scalars && is_scalar(v));
    }
    if (type == "integer") {
      return v.is_number_integer() ||
             (v.is_number_float() &&
              v.template get<double>() == static_cast<double>(v.template get<int64_t>()));
    }
    if (type == "number") {
      return v.is_number();
    }
    if (type == "boolean") {
      return v.is_boolean();
    }
    if (type == "null") {
      return v.is_null();
    }
    return false;
  }

  template <typename J>
  bool check_type(const J& v, const nlohmann::json& type, const std::string& path) {
    std::vector<std::string> allowed;
    if (type.is_string()) {
      allowed.push_back(type.get<std::string>());
    } else if (type.is_array()) {
      for (const auto& t : type) {
        if (t.is_string()) {
          allowed.push_back(t.get<std::string>());
        }
      }
    }
    for (const std::string& t : allowed) {
      if (type_matches(v, t)) {
        return true;
      }
    }
    fail(path, fmt::format("expected {}, but got {}", fmt::join(allowed, " or "), type_name(v)),
         SchemaErrorKind::WrongType);
    return false;
  }

  template <typename J>
  void check_enum(const J& v, const nlohmann::json& values, const std::string& path) {
    for (const auto& allowed : values) {
      if (nlohmann::json(v) == allowed) {
        return;
      }
      if (options.yaml_scalars && allowed.is_string() && is_scalar(v) &&
          scalar_text(v) == allowed.get<std::string>()) {
        return;
      }
    }
    fail(path, fmt::format("value must be one of {}, got {}", values.dump(),
                           short_dump(nlohmann::json(v))));
  }

  template <typename J>
  void check_pattern(const J& v, const std::string& pattern, const std::string& path) {
    if (!(v.is_string() || (options.yaml_scalars && is_scalar(v)))) {
      return;
    }
    const std::regex* re = self.regex(pattern);
    if (re == nullptr) {
      return;  // a pattern std::regex cannot compile is not held against the document
    }
    std::string text = scalar_text(v);
    if (!std::regex_search(text, *re)) {
      fail(path, fmt::format("\"{}\" does not match pattern {}", text, pattern));
    }
  }

  template <typename J>
  void check_object(const J& v, const nlohmann::json& schema, const std::string& path, int depth) {
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const auto& name : *req) {
        if (name.is_string() && !v.contains(name.get<std::string>())) {
          fail(path, fmt::format("missing required property \"{}\"", name.get<std::string>()));
        }
      }
    }
    auto props = schema.find("properties");
    auto pattern_props = schema.find("patternProperties");
    auto additional = schema.find("additionalProperties");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      const std::string child = path + "/" + escape_pointer_token(key);
      bool matched = false;
      if (props != schema.end() && props->is_object()) {
        if (auto p = props->find(key); p != props->end()) {
          matched = true;
          check(it.value(), *p, child, depth + 1);
        }
      }
      if (pattern_props != schema.end() && pattern_props->is_object()) {
        for (auto pp = pattern_props->begin(); pp != pattern_props->end(); ++pp) {
          const std::regex* re = self.regex(pp.key());
          if (re != nullptr && std::regex_search(key, *re)) {
            matched = true;
            check(it.value(), pp.value(), child, depth + 1);
          }
        }
      }
      if (matched || additional == schema.end()) {
        continue;
      }
      if (additional->is_boolean()) {
        if (!additional->get<bool>()) {
          fail(child, fmt::format("unknown key \"{}\" (not allowed here)", key),
               SchemaErrorKind::UnknownKey);
        }
      } else {
        check(it.value(), *additional, child, depth + 1);
      }
    }
  }

  template <typename J>
  void check_array(const J& v, const nlohmann::json& schema, const std::string& path, int depth) {
    if (auto min = schema.find("minItems"); min != schema.end() && min->is_number()) {
      if (v.size() < min->get<size_t>()) {
        fail(path, fmt::format("expected at least {} items, got {}", min->get<size_t>(), v.size()));
      }
    }
    auto items = schema.find("items");
    if (items == schema.end() || !(items->is_object() || items->is_boolean())) {
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      check(v[i], *items, path + "/" + std::to_string(i), depth + 1);
    }
  }

  template <typename J>
  void check_range(const J& v, const nlohmann::json& schema, const std::string& path) {
    if (!v.is_number()) {
      return;
    }
    double x = v.template get<double>();
    if (auto min = schema.find("minimum");
        min != schema.end() && min->is_number() && x < min->get<double>()) {
      fail(path, fmt::format("{} is less than the minimum {}", v.dump(), min->dump()));
    }
    if (auto max = schema.find("maximum");
        max != schema.end() && max->is_number() && x > max->get<double>()) {
      fail(path, fmt::format("{} is greater than the maximum {}", v.dump(), max->dump()));
    }
  }

  template <typename J>
  void check_one_of(const J& v, const nlohmann::json& branches, const std::string& path,
                    int depth) {
    int matches = 0;
    for (const auto& branch : branches) {
      std::vector<SchemaError> scratch;
      Walker inner{self, options, scratch};
      inner.check(v, branch, path, depth + 1);
      if (scratch.empty()) {
        ++matches;
      }
    }
    // Lenient YAML scalars make {integer} and {string} branches overlap, so there one match is
    // enough; strict JSON keeps oneOf's "exactly one".
    if (options.yaml_scalars && matches >= 1) {
      return;
    }
    if (matches != 1) {
      fail(path, matches == 0 ? "value matches none of the allowed forms (oneOf)"
                              : "value matches more than one of the allowed forms (oneOf)");
    }
  }

  template <typename J>
  void check(const J& v, const nlohmann::json& schema, const std::string& path, int depth) {
    if (depth > kMaxDepth) {
      fail(path, "schema nesting too deep (cyclic $ref?)");
      return;
    }
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) {
        fail(path, "no value is allowed here");
      }
      return;
    }
    if (!schema.is_object()) {
      return;
    }
    // yaml.v3 leaves the Go zero value for an explicit null, so null passes every schema.
    if (options.yaml_scalars && v.is_null()) {
      return;
    }
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      const nlohmann::json* target = resolve(ref->get<std::string>());
      if (target == nullptr) {
        fail(path, "schema reference " + ref->get<std::string>() + " cannot be resolved");
      } else {
        check(v, *target, path, depth + 1);
      }
    }
    if (auto type = schema.find("type"); type != schema.end()) {
      if (!check_type(v, *type, path)) {
        return;  // the other keywords would only repeat the type mismatch
      }
    }
    if (auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
      check_enum(v, *values, path);
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      check_pattern(v, pattern->get<std::string>(), path);
    }
    if (auto branches = schema.find("oneOf"); branches != schema.end() && branches->is_array()) {
      check_one_of(v, *branches, path, depth);
    }
    check_range(v, schema, path);
    if (v.is_object()) {
      check_object(v, schema, path, depth);
    } else if (v.is_array()) {
      check_array(v, schema, path, depth);
    }
  }
};

SchemaValidator::SchemaValidator(nlohmann::json schema) : schema_(std::move(schema)) {
  index_kinds();
  compile_patterns(schema_);
}

void SchemaValidator::index_kinds() {
  auto branches = schema_.find("oneOf");
  if (branches == schema_.end() || !branches->is_array()) {
    return;
  }
  for (const auto& branch : *branches) {
    auto ref = branch.find("$ref");
    if (ref == branch.end() || !ref->is_string()) {
      continue;
    }
    const std::string target = ref->get<std::string>();
    nlohmann::json::json_pointer pointer(target.substr(1));
    if (target.rfind("#/", 0) != 0 || !schema_.contains(pointer)) {
      continue;
    }
    const nlohmann::json& def = schema_.at(pointer);
    const nlohmann::json* kind_enum = nullptr;
    if (def.contains("properties") && def["properties"].contains("kind")) {
      const auto& kind = def["properties"]["kind"];
      if (kind.contains("enum") && kind["enum"].is_array()) {
        kind_enum = &kind["enum"];
      }
    }
    if (kind_enum == nullptr) {
      main_ref_ = target;  // the legacy v1alpha1 document has `version`, not `kind`
      continue;
    }
    for (const auto& kind : *kind_enum) {
      if (kind.is_string()) {
        kind_refs_[kind.get<std::string>()] = target;
      }
    }
  }
}

void SchemaValidator::compile_patterns(const nlohmann::json& node) {
  if (node.is_array()) {
    for (const auto& child : node) {
      compile_patterns(child);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  std::vector<std::string> patterns;
  if (auto p = node.find("pattern"); p != node.end() && p->is_string()) {
    patterns.push_back(p->get<std::string>());
  }
  if (auto pp = node.find("patternProperties"); pp != node.end() && pp->is_object()) {
    for (auto it = pp->begin(); it != pp->end(); ++it) {
      patterns.push_back(it.key());
    }
  }
  for (const std::string& pattern : patterns) {
    if (regexes_.count(pattern) == 0) {
      try {
        regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        // Left out: regex() answers nullptr and the keyword is skipped.
      }
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    compile_patterns(it.value());
  }
}

const std::regex* SchemaValidator::regex(const std::string& pattern) const {
  auto it = regexes_.find(pattern);
  return it == regexes_.end() ? nullptr : &it->second;
}

util::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::load(
    const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const SchemaValidator>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(path); it != cache.end()) {
    return it->second;
  }
  std::ifstream in(path);
  if (!in) {
    return util::Error::not_found("JSON schema " + path + " cannot be read")
        .with_hint("point the emulator at a directory holding v1.X/config.schema.json");
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json schema = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded()) {
    return util::Error::invalid_input("JSON schema " + path + " is not valid JSON");
  }
  ASSIGN_OR_RETURN(auto validator, from_json(std::move(schema)));
  cache[path] = validator;
  return validator;
}

util::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::from_json(
    nlohmann::json schema) {
  if (!schema.is_object()) {
    return util::Error::invalid_input("a JSON schema must be an object");
  }
  return std::shared_ptr<const SchemaValidator>(new SchemaValidator(std::move(schema)));
}

template <typename J>
std::vector<SchemaError> SchemaValidator::validate_document_impl(
    const J& doc, const ValidateOptions& options) const {
  std::vector<SchemaError> errors;
  std::string ref = main_ref_;
  if (doc.is_object() && doc.contains("kind")) {
    const auto& kind = doc["kind"];
    auto it =
        kind.is_string() ? kind_refs_.find(kind.template get<std::string>()) : kind_refs_.end();
    if (it == kind_refs_.end()) {
      errors.push_back({"/kind", "unknown document kind " + kind.dump() +
                                     " (not supported by this Talos version)"});
      return errors;
    }
    ref = it->second;
  }
  if (ref.empty()) {
    errors.push_back({"", "schema has no branch for the v1alpha1 document"});
    return errors;
  }
  Walker walker{*this, options, errors};
  walker.check(doc, nlohmann::json{{"$ref", ref}}, "", 0);
  return errors;
}

std::vector<SchemaError> SchemaValidator::validate_document(const nlohmann::json& doc,
                                                            const ValidateOptions& options) const {
  return validate_document_impl(doc, options);
}

std::vector<SchemaError> SchemaValidator::validate_document(const util::Tree& doc,
                                                            const ValidateOptions& options) const {
  return validate_document_impl(doc, options);
}

std::vector<SchemaError> SchemaValidator::validate(const nlohmann::json& value,
                                                   const nlohmann::json& schema,
                                                   const ValidateOptions& options) const {
  std::vector<SchemaError> errors;
  Walker walker{*this, options, errors};
  walker.check(value, schema, "", 0);
  return errors;
}

std::vector<std::string> SchemaValidator::kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, ref] : kind_refs_) {
    out.push_back(kind);
  }
  return out;
}

bool SchemaValidator::knows_kind(const std::string& kind) const {
  return kind_refs_.count(kind) > 0;
}

}  // namespace talos_emu
