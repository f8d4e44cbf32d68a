#include "factory/client.h"

#include <curl/curl.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/curl_global.h"

namespace factory {
namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

}  // namespace

util::Result<std::string> register_schematic(const std::string& factory_url,
                                             const Schematic& schematic,
                                             std::chrono::milliseconds timeout) {
  util::curl_global_init_once();
  const std::string url = without_trailing_slash(factory_url) + "/schematics";
  const std::string body = canonical_yaml(schematic);
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/yaml");
  std::string reply;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return util::Error::unavailable(fmt::format("cannot reach the Image Factory at {}: {}", url,
                                                curl_easy_strerror(code)))
        .with_hint("check image.factory in cluster.yaml and the network");
  }
  if (status != 200 && status != 201) {
    return util::Error::internal(fmt::format("the Image Factory answered {} to POST {}: {}",
                                             status, url, reply));
  }
  const nlohmann::json parsed = nlohmann::json::parse(reply, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("id") || !parsed["id"].is_string()) {
    return util::Error::internal(
        fmt::format("the Image Factory's answer to POST {} has no schematic id: {}", url, reply));
  }
  const std::string id = parsed["id"].get<std::string>();
  if (id != schematic_id(schematic)) {
    return util::Error::internal(fmt::format(
        "the Image Factory at {} returned schematic id {}, but talforge computes {}", url, id,
        schematic_id(schematic)));
  }
  return id;
}

BootAsset boot_iso(const std::string& factory_url, const std::string& schematic_id,
                   const std::string& talos_version, const std::string& platform) {
  return {fmt::format("{}/image/{}/{}/{}-amd64.iso", without_trailing_slash(factory_url),
                      schematic_id, talos_version, platform),
          fmt::format("talos-{}-{}-{}-amd64.iso", schematic_id.substr(0, 12), talos_version,
                      platform)};
}

}  // namespace factory
