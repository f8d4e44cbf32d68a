// Semantic comparison of multi-document machine configs (see config_compare.h).
#include "plan/config_compare.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "talos/kubernetes_components.h"
#include "util/yaml_load.h"

namespace plan {
namespace {

using json = nlohmann::json;

// Null, {} and [] carry no setting: Talos drops them when it marshals (omitempty).
json without_empty_values(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) {
      json kept = without_empty_values(item);
      if (!kept.is_null()) {
        out[key] = std::move(kept);
      }
    }
    return out.empty() ? json() : out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& item : value) {
      out.push_back(without_empty_values(item));
    }
    return out.empty() ? json() : out;
  }
  return value;
}

// "v1alpha1" for the main document, else "<kind>/<name>" (name may be empty).
std::string document_key(const json& doc) {
  if (!doc.is_object() || !doc.contains("kind")) {
    return "v1alpha1";
  }
  std::string key = doc["kind"].is_string() ? doc["kind"].get<std::string>() : "?";
  if (doc.contains("name") && doc["name"].is_string()) {
    key += "/" + doc["name"].get<std::string>();
  }
  return key;
}

util::Result<std::map<std::string, json>> documents(std::string_view text,
                                                    std::string_view origin) {
  ASSIGN_OR_RETURN(std::vector<util::Tree> trees, util::load_yaml_stream(text, origin));
  std::map<std::string, json> out;
  for (const util::Tree& tree : trees) {
    json doc = without_empty_values(json::parse(tree.dump()));
    if (!doc.is_null()) {
      std::string key = document_key(doc);
      out[key] = std::move(doc);
    }
  }
  return out;
}

std::string joined(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// Objects are descended key by key; anything else (arrays included) differs as a whole.
void collect(const json& a, const json& b, const std::string& path, std::set<std::string>& out) {
  if (a == b) {
    return;
  }
  if (!a.is_object() || !b.is_object()) {
    out.insert(path.empty() ? "v1alpha1" : path);
    return;
  }
  std::set<std::string> keys;
  for (const auto& [key, _] : a.items()) {
    keys.insert(key);
  }
  for (const auto& [key, _] : b.items()) {
    keys.insert(key);
  }
  for (const std::string& key : keys) {
    const json none;
    collect(a.contains(key) ? a[key] : none, b.contains(key) ? b[key] : none, joined(path, key),
            out);
  }
}

}  // namespace

util::Result<std::vector<std::string>> config_differences(std::string_view active,
                                                          std::string_view desired) {
  ASSIGN_OR_RETURN(auto have, documents(active, "the node's active machine config"));
  ASSIGN_OR_RETURN(auto want, documents(desired, "the generated machine config"));
  std::set<std::string> paths;
  std::set<std::string> keys;
  for (const auto& [key, _] : have) {
    keys.insert(key);
  }
  for (const auto& [key, _] : want) {
    keys.insert(key);
  }
  for (const std::string& key : keys) {
    const json none;
    const auto a = have.find(key);
    const auto b = want.find(key);
    const std::string prefix = key == "v1alpha1" ? "" : key;
    collect(a != have.end() ? a->second : none, b != want.end() ? b->second : none, prefix, paths);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

std::string install_image_of(std::string_view config) {
  util::Result<std::map<std::string, json>> docs = documents(config, "machine config");
  if (!docs.ok() || docs->count("v1alpha1") == 0) {
    return "";
  }
  const json image = docs->at("v1alpha1").value(json::json_pointer("/machine/install/image"), json());
  return image.is_string() ? image.get<std::string>() : "";
}

std::string kubernetes_version_of(std::string_view config) {
  util::Result<std::map<std::string, json>> docs = documents(config, "machine config");
  if (!docs.ok() || docs->count("v1alpha1") == 0) {
    return "";
  }
  const json image = docs->at("v1alpha1").value(json::json_pointer("/machine/kubelet/image"), json());
  if (!image.is_string()) {
    return "";
  }
  const std::string tag = talos::image_tag(image.get<std::string>());
  return !tag.empty() && tag[0] == 'v' ? tag.substr(1) : tag;
}

}  // namespace plan
