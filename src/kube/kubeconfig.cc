// Kubeconfig YAML → kube::Kubeconfig. yaml-cpp throws; every call into it is caught here.
#include "kube/kubeconfig.h"

#include <cctype>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include "util/file.h"

namespace kube {
namespace {

using util::Error;
using util::Result;

// Standard base64 with padding, whitespace ignored (kubeconfigs may wrap long values).
Result<std::string> decode_base64(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      clean += c;
    }
  }
  if (clean.empty() || clean.size() % 4 != 0) {
    return Error::invalid_input("not base64 (length is not a multiple of 4)");
  }
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) {
    return Error::invalid_input("not base64");
  }
  size_t padding = 0;
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) {
    ++padding;
  }
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// Finds the entry `name` in a list of {name, <kind>: {...}} (clusters, users, contexts).
Result<YAML::Node> named_entry(const YAML::Node& root, const std::string& list,
                               const std::string& kind, const std::string& name,
                               const std::string& source) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const YAML::Node& entry : entries) {
      if (entry["name"] && entry["name"].as<std::string>() == name && entry[kind] &&
          entry[kind].IsMap()) {
        return entry[kind];
      }
    }
  }
  return Error::invalid_input(fmt::format("{}: no {} named \"{}\" in {}", source, kind, name, list))
      .with_hint("use the admin kubeconfig talforge wrote (or `talosctl kubeconfig`)");
}

Result<std::string> pem_field(const YAML::Node& map, const std::string& key,
                              const std::string& where, const std::string& source) {
  const YAML::Node value = map[key];
  if (!value || !value.IsScalar()) {
    const std::string file_form = key.substr(0, key.size() - std::string("-data").size());
    const std::string also =
        map[file_form] ? fmt::format(" ({} as a file path is not supported)", file_form) : "";
    return Error::invalid_input(fmt::format("{}: {} has no {}{}", source, where, key, also))
        .with_hint("embed the PEM base64-encoded in " + key);
  }
  Result<std::string> pem = decode_base64(value.as<std::string>());
  if (!pem.ok() || pem->find("-----BEGIN ") == std::string::npos) {
    // The value itself may be a key: say only which field is wrong.
    return Error::invalid_input(
        fmt::format("{}: {}.{} is not base64-encoded PEM", source, where, key));
  }
  return pem;
}

Result<Kubeconfig> from_yaml(const YAML::Node& root, const std::string& source) {
  Kubeconfig config;
  if (root["current-context"] && !root["current-context"].as<std::string>().empty()) {
    config.context = root["current-context"].as<std::string>();
  } else if (root["contexts"] && root["contexts"].IsSequence() && root["contexts"].size() == 1 &&
             root["contexts"][0]["name"]) {
    config.context = root["contexts"][0]["name"].as<std::string>();
  } else {
    return Error::invalid_input(fmt::format("{}: no current-context", source))
        .with_hint("set current-context to the admin context, e.g. admin@<cluster>");
  }
  ASSIGN_OR_RETURN(YAML::Node context,
                   named_entry(root, "contexts", "context", config.context, source));
  if (!context["cluster"] || !context["user"]) {
    return Error::invalid_input(
        fmt::format("{}: context \"{}\" needs both cluster and user", source, config.context));
  }
  const std::string cluster_name = context["cluster"].as<std::string>();
  const std::string user_name = context["user"].as<std::string>();
  ASSIGN_OR_RETURN(YAML::Node cluster,
                   named_entry(root, "clusters", "cluster", cluster_name, source));
  ASSIGN_OR_RETURN(YAML::Node user, named_entry(root, "users", "user", user_name, source));
  config.server = cluster["server"] ? cluster["server"].as<std::string>() : "";
  while (!config.server.empty() && config.server.back() == '/') {
    config.server.pop_back();
  }
  if (config.server.rfind("https://", 0) != 0) {
    return Error::invalid_input(fmt::format("{}: cluster \"{}\" server \"{}\" must be https://",
                                            source, cluster_name, config.server));
  }
  const std::string cluster_where = "cluster \"" + cluster_name + "\"";
  const std::string user_where = "user \"" + user_name + "\"";
  ASSIGN_OR_RETURN(config.ca_pem,
                   pem_field(cluster, "certificate-authority-data", cluster_where, source));
  ASSIGN_OR_RETURN(config.client_cert_pem,
                   pem_field(user, "client-certificate-data", user_where, source));
  ASSIGN_OR_RETURN(config.client_key_pem, pem_field(user, "client-key-data", user_where, source));
  return config;
}

}  // namespace

Result<Kubeconfig> parse_kubeconfig(const std::string& yaml, const std::string& source) {
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (!root.IsMap()) {
      return Error::invalid_input(fmt::format("{}: not a kubeconfig (expected a mapping)", source));
    }
    return from_yaml(root, source);
  } catch (const YAML::Exception& e) {
    // e.what() quotes only a position and a reason, never the document's content.
    return Error::invalid_input(fmt::format("{}: invalid YAML: {}", source, e.what()));
  }
}

Result<Kubeconfig> load_kubeconfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, util::read_file(path));
  return parse_kubeconfig(text, path);
}

}  // namespace kube
