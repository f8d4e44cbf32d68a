// Cluster name, secrets file, the CNI and the boot image.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "spec/did_you_mean.h"
#include "spec/validate.h"
#include "spec/versions.h"

namespace spec {
namespace {

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kPlatforms[] = {"nocloud", "metal"};

void check_cilium(Cluster& c, const Checker& check) {
  if (check.has("cni.cilium.version")) {
    if (const std::optional<Version> v = parse_version(c.cilium.version)) {
      c.cilium.version = v->str();
    } else {
      check.error("cni.cilium.version",
                  fmt::format("\"{}\" is not a Cilium version", c.cilium.version),
                  "write MAJOR.MINOR.PATCH, e.g. 1.16.5");
    }
  }
  const bool manifest = c.cilium.install == CiliumInstall::Manifest;
  if (manifest && !check.has("cni.cilium.manifestFile")) {
    const std::string at = check.has("cni.cilium.install") ? "cni.cilium.install" : "cni.cilium";
    check.error(at, "install: manifest needs manifestFile, the Cilium manifest to install",
                "render one with `helm template cilium cilium/cilium … > cilium.yaml` and set "
                "manifestFile: cilium.yaml, or use install: job");
  }
  if (!manifest && check.has("cni.cilium.manifestFile")) {
    check.warning("cni.cilium.manifestFile", "manifestFile is ignored with install: job",
                  "set install: manifest to install this file instead");
  }
}

void check_extensions(const Image& image, const Checker& check) {
  for (size_t i = 0; i < image.extensions.size(); ++i) {
    const std::string& e = image.extensions[i];
    const size_t slash = e.find('/');
    const bool ok = slash != std::string::npos &&
                    matches_charset(e.substr(0, slash), kLower, std::string(kLower) + "-_.") &&
                    matches_charset(e.substr(slash + 1), kLower, std::string(kLower) + "-_.");
    if (!ok) {
      check.error(fmt::format("image.systemExtensions[{}]", i),
                  fmt::format("\"{}\" is not an official extension name", e),
                  "write OWNER/NAME, e.g. siderolabs/qemu-guest-agent");
    }
  }
  for (size_t i = 0; i < image.extra_kernel_args.size(); ++i) {
    const std::string& arg = image.extra_kernel_args[i];
    if (arg.empty() || arg.find_first_of(" \t\n") != std::string::npos) {
      check.error(fmt::format("image.extraKernelArgs[{}]", i),
                  fmt::format("\"{}\" is not a single kernel argument", arg),
                  "write one argument per list item");
    }
  }
}

void check_image(const Image& image, const Checker& check) {
  if (check.has("image.factoryUrl")) {
    const std::string& url = image.factory_url;
    const size_t scheme = url.find("://");
    const bool ok = (url.starts_with("https://") || url.starts_with("http://")) &&
                    url.size() > scheme + 3 && url.find_first_of(" \t") == std::string::npos;
    if (!ok) {
      check.error("image.factoryUrl", fmt::format("\"{}\" is not an http(s) URL", url),
                  "e.g. https://factory.talos.dev");
    }
  }
  if (check.has("image.platform") && std::find(std::begin(kPlatforms), std::end(kPlatforms),
                                               image.platform) == std::end(kPlatforms)) {
    const std::optional<std::string> guess = did_you_mean(image.platform, kPlatforms);
    check.error("image.platform", fmt::format("unsupported platform \"{}\"", image.platform),
                guess
                    ? fmt::format("did you mean \"{}\"?", *guess)
                    : "use nocloud (config from cloud-init) or metal (config pushed over the API)");
  }
  check_extensions(image, check);
}

}  // namespace

void validate_image(Cluster& c, const Checker& check) {
  if (check.has("cluster.name") && !is_dns_label(c.name)) {
    check.error("cluster.name", fmt::format("\"{}\" is not a valid cluster name", c.name),
                "use lower-case letters, digits and '-', at most 63, e.g. homelab");
  }
  if (check.has("cluster.secretsFile") && c.secrets_file.empty()) {
    check.error("cluster.secretsFile", "secretsFile is empty", "e.g. secrets.yaml");
  }
  check_cilium(c, check);
  check_image(c.image, check);
}

}  // namespace spec
