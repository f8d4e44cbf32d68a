// Tests of the JSON Schema validator: each keyword the Talos schemas use, kind dispatch, YAML
// scalar leniency and the real published schemas.
#include "emulators/talos/json_schema.h"

#include <gtest/gtest.h>

#include "test_paths.h"

namespace talos_emu {
namespace {

using nlohmann::json;

std::vector<std::string> paths(const std::vector<SchemaError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    out.push_back(e.path);
  }
  return out;
}

std::vector<std::string> described(const std::vector<SchemaError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    out.push_back(e.describe());
  }
  return out;
}

std::shared_ptr<const SchemaValidator> make(const json& schema) {
  auto v = SchemaValidator::from_json(schema);
  EXPECT_TRUE(v.ok());
  return *v;
}

const json kSchema = json::parse(R"({
  "$defs": {
    "a.MainConfig": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "version": {"enum": ["v1alpha1"], "title": "version", "description": "ignored"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "debug": {"type": "boolean"},
        "cidr": {"type": "string", "pattern": "^[0-9a-f.:]+/\\d{1,3}$"},
        "labels": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
        "items": {"type": "array", "items": {"$ref": "#/$defs/a.Item"}, "minItems": 1},
        "value": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
      }
    },
    "a.Item": {
      "type": "object",
      "required": ["name"],
      "properties": {"name": {"type": "string"}, "mode": {"enum": ["on", "off"]}},
      "additionalProperties": false
    },
    "b.KmsgLogV1Alpha1": {
      "type": "object",
      "required": ["apiVersion", "kind"],
      "additionalProperties": false,
      "properties": {
        "apiVersion": {"enum": ["v1alpha1"]},
        "kind": {"enum": ["KmsgLogConfig"]},
        "name": {"type": "string"},
        "url": {"type": "string", "pattern": "^(tcp|udp)://"}
      }
    }
  },
  "oneOf": [{"$ref": "#/$defs/b.KmsgLogV1Alpha1"}, {"$ref": "#/$defs/a.MainConfig"}]
})");

TEST(JsonSchema, AcceptsAValidMainDocument) {
  auto v = make(kSchema);
  json doc = {{"version", "v1alpha1"},
              {"port", 6443},
              {"debug", false},
              {"cidr", "127.10.0.11/8"},
              {"labels", {{"a", "b"}}},
              {"items", {{{"name", "x"}, {"mode", "on"}}}},
              {"value", 3},
              {"extra", {{"k", 1}}}};
  EXPECT_EQ(described(v->validate_document(doc)), std::vector<std::string>{});
}

TEST(JsonSchema, ReportsUnknownKeysWithTheirPointer) {
  auto v = make(kSchema);
  auto errors = v->validate_document(
      json{{"version", "v1alpha1"}, {"bogus", 1}, {"items", {{{"name", "x"}, {"oops~/", 1}}}}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path, "/bogus");
  EXPECT_EQ(errors[0].kind, SchemaErrorKind::UnknownKey);
  EXPECT_EQ(errors[1].path, "/items/0/oops~0~1");
  EXPECT_EQ(errors[1].describe(), "/items/0/oops~0~1: unknown key \"oops~/\" (not allowed here)");
}

TEST(JsonSchema, ReportsWrongTypes) {
  auto v = make(kSchema);
  auto errors = v->validate_document(json{{"debug", "yes"}, {"labels", json::array()}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path, "/debug");
  EXPECT_EQ(errors[0].message, "expected boolean, but got string");
  EXPECT_EQ(errors[0].kind, SchemaErrorKind::WrongType);
  EXPECT_EQ(errors[1].path, "/labels");
}

TEST(JsonSchema, ChecksEnumPatternRequiredRangeMinItemsAndAdditionalSchema) {
  auto v = make(kSchema);
  auto errors = v->validate_document(json{{"version", "v2"},
                                          {"cidr", "not-a-cidr"},
                                          {"port", 70000},
                                          {"items", json::array()},
                                          {"extra", {{"k", "text"}}}});
  EXPECT_EQ(paths(errors),
            (std::vector<std::string>{"/cidr", "/extra/k", "/items", "/port", "/version"}));
  auto missing = v->validate_document(json{{"items", {{{"mode", "maybe"}}}}});
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].message, "missing required property \"name\"");
  EXPECT_EQ(missing[1].path, "/items/0/mode");
}

TEST(JsonSchema, OneOfNeedsExactlyOneMatch) {
  auto v = make(kSchema);
  EXPECT_TRUE(v->validate_document(json{{"value", "text"}}).empty());
  auto errors =
      v->validate_document(json{{"value", json::array()}}, ValidateOptions{.yaml_scalars = false});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "/value");
}

TEST(JsonSchema, DispatchesOnKind) {
  auto v = make(kSchema);
  EXPECT_TRUE(v->knows_kind("KmsgLogConfig"));
  EXPECT_EQ(v->kinds(), std::vector<std::string>{"KmsgLogConfig"});
  EXPECT_TRUE(v->validate_document(json{{"apiVersion", "v1alpha1"},
                                        {"kind", "KmsgLogConfig"},
                                        {"name", "remote"},
                                        {"url", "tcp://127.0.0.1:5000"}})
                  .empty());
  auto bad_url = v->validate_document(
      json{{"apiVersion", "v1alpha1"}, {"kind", "KmsgLogConfig"}, {"url", "http://x"}});
  EXPECT_EQ(paths(bad_url), std::vector<std::string>{"/url"});
  auto unknown = v->validate_document(json{{"apiVersion", "v1alpha1"}, {"kind", "Nope"}});
  EXPECT_EQ(paths(unknown), std::vector<std::string>{"/kind"});
}

TEST(JsonSchema, YamlScalarsDecodeIntoStringsAndNullIsZeroValue) {
  auto v = make(kSchema);
  util::Tree doc = {{"labels", {{"a", 5}, {"b", true}}}, {"port", nullptr}};
  EXPECT_TRUE(v->validate_document(doc).empty());
  auto strict = v->validate_document(doc, ValidateOptions{.yaml_scalars = false});
  EXPECT_EQ(strict.size(), 3u);
}

TEST(JsonSchema, LoadsAndCachesThePublishedTalosSchemas) {
  for (const char* minor : {"v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14"}) {
    std::string path =
        testing_paths::shared(std::string("reference/talos/") + minor + "/config.schema.json");
    auto first = SchemaValidator::load(path);
    ASSERT_TRUE(first.ok()) << minor;
    auto second = SchemaValidator::load(path);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first->get(), second->get()) << "schema must be loaded once";
    EXPECT_TRUE((*first)->knows_kind("KmsgLogConfig")) << minor;
  }
  auto v111 =
      *SchemaValidator::load(testing_paths::shared("reference/talos/v1.11/config.schema.json"));
  EXPECT_TRUE(v111->knows_kind("ZswapConfig"));
  EXPECT_FALSE(v111->knows_kind("HostnameConfig"));
  auto errors = v111->validate_document(
      json{{"version", "v1alpha1"}, {"machine", {{"type", "worker"}, {"bogus", 1}}}});
  EXPECT_EQ(paths(errors), std::vector<std::string>{"/machine/bogus"});
}

TEST(JsonSchema, MissingOrBrokenSchemaFileIsAnError) {
  auto missing = SchemaValidator::load("/nonexistent/config.schema.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, util::ErrorCode::NotFound);
  auto not_object = SchemaValidator::from_json(json::array());
  EXPECT_FALSE(not_object.ok());
}

}  // namespace
}  // namespace talos_emu
