// The Proxmox connection: an https endpoint, an API token id (the secret stays in the
// environment), and one way to trust the server's certificate.
#include <cctype>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "spec/validate.h"

namespace spec {
namespace {

constexpr std::string_view kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kTokenChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_";
constexpr std::string_view kEnvChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

bool valid_port(std::string_view p) {
  int port = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  return !p.empty() && ec == std::errc() && end == p.data() + p.size() && port >= 1 &&
         port <= 65535;
}

// "https://host[:port][/]" → "https://host:port"; nullopt with a hint in `why` otherwise.
std::optional<std::string> normalize_endpoint(std::string_view url, std::string& why) {
  if (!url.starts_with("https://")) {
    why = url.starts_with("http://") ? "Proxmox serves its API over https only"
                                     : "write https://HOST:8006";
    return std::nullopt;
  }
  std::string_view rest = url.substr(8);
  while (rest.ends_with('/')) {
    rest.remove_suffix(1);
  }
  if (rest.find('/') != std::string_view::npos) {
    why = "write only https://HOST:PORT; talforge adds /api2/json itself";
    return std::nullopt;
  }
  const size_t bracket = rest.rfind(']');
  const size_t colon = rest.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  const std::string_view host = has_port ? rest.substr(0, colon) : rest;
  if (host.empty() || host.find_first_of(" \t@") != std::string_view::npos ||
      (has_port && !valid_port(rest.substr(colon + 1)))) {
    why = "write https://HOST:8006";
    return std::nullopt;
  }
  return has_port ? fmt::format("https://{}", rest)
                  : fmt::format("https://{}:{}", rest, kDefaultProxmoxPort);
}

// user@realm!tokenid (proxmox.md §1.2).
bool valid_token_id(std::string_view id) {
  const size_t at = id.find('@');
  const size_t bang = id.find('!');
  if (at == std::string_view::npos || bang == std::string_view::npos || bang < at) {
    return false;
  }
  const std::string_view user = id.substr(0, at);
  const std::string_view realm = id.substr(at + 1, bang - at - 1);
  const std::string_view token = id.substr(bang + 1);
  return !user.empty() && user.find_first_of(" \t:/!") == std::string_view::npos &&
         realm.size() >= 2 && matches_charset(realm, kAlpha, kTokenChars) && token.size() >= 2 &&
         matches_charset(token, kAlpha, kTokenChars);
}

// 32 colon-separated hex bytes, upper-cased; nullopt when malformed.
std::optional<std::string> normalize_fingerprint(std::string fp) {
  if (fp.size() != 32 * 3 - 1) {
    return std::nullopt;
  }
  for (size_t i = 0; i < fp.size(); ++i) {
    const bool colon_slot = i % 3 == 2;
    if (colon_slot ? fp[i] != ':' : !std::isxdigit(static_cast<unsigned char>(fp[i]))) {
      return std::nullopt;
    }
    fp[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(fp[i])));
  }
  return fp;
}

bool looks_like_uuid(std::string_view s) {
  return s.size() == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
}

void check_credentials(ProxmoxConnection& p, const Checker& check) {
  if (check.has("proxmox.tokenId") && p.token_id.find('=') != std::string::npos) {
    // The header form USER@REALM!NAME=SECRET pasted whole: never echo what follows '='.
    check.secret_error("proxmox.tokenId",
                       "tokenId contains '=': it looks like the whole API token including its "
                       "secret",
                       "keep only USER@REALM!TOKENNAME here, remove the secret from this file "
                       "(and revoke it if the file was shared), and export it in the variable "
                       "named by tokenSecretEnv");
  } else if (check.has("proxmox.tokenId") && !valid_token_id(p.token_id)) {
    check.error("proxmox.tokenId", fmt::format("\"{}\" is not a Proxmox API token id", p.token_id),
                "write USER@REALM!TOKENNAME, e.g. talforge@pve!ci");
  }
  if (!check.has("proxmox.tokenSecretEnv")) {
    return;
  }
  if (looks_like_uuid(p.token_secret_env)) {
    check.secret_error("proxmox.tokenSecretEnv",
                "tokenSecretEnv looks like the token secret itself; it must name an environment "
                "variable",
                "remove the secret from this file (and revoke it if the file was shared); then "
                "export it, e.g. PROXMOX_TOKEN_SECRET=…, and write tokenSecretEnv: "
                "PROXMOX_TOKEN_SECRET");
  } else if (!matches_charset(p.token_secret_env, std::string(kAlpha) + "_", kEnvChars)) {
    check.error("proxmox.tokenSecretEnv",
                fmt::format("\"{}\" is not an environment variable name", p.token_secret_env),
                "use letters, digits and _, e.g. PROXMOX_TOKEN_SECRET");
  }
}

void check_trust(ProxmoxConnection& p, const Cluster& c, const Checker& check) {
  const bool ca = check.has("proxmox.caFile");
  const bool fp = check.has("proxmox.fingerprint");
  if (ca && !std::filesystem::exists(c.resolve_path(p.ca_file))) {
    check.error("proxmox.caFile",
                fmt::format("CA file {} does not exist", c.resolve_path(p.ca_file)),
                "paths are relative to the directory of the cluster file");
  }
  if (std::optional<std::string> upper = fp ? normalize_fingerprint(p.fingerprint) : std::nullopt) {
    p.fingerprint = std::move(*upper);
  } else if (fp) {
    check.error("proxmox.fingerprint",
                fmt::format("\"{}\" is not a SHA-256 certificate fingerprint", p.fingerprint),
                "write 32 hex bytes separated by ':' (AA:BB:…), as shown under the node's "
                "System → Certificates");
  }
  if (ca && fp) {
    check.error("proxmox.fingerprint", "set either caFile or fingerprint, not both");
  }
  if (p.insecure_skip_verify && check.has("proxmox.insecureSkipVerify")) {
    if (ca || fp) {
      check.error("proxmox.insecureSkipVerify", "insecureSkipVerify contradicts caFile/fingerprint",
                  "remove one of them");
    } else {
      check.warning("proxmox.insecureSkipVerify", "the Proxmox certificate will not be verified",
                    "pin it with fingerprint: AA:BB:… instead");
    }
  }
}

}  // namespace

void validate_proxmox(Cluster& c, const Checker& check) {
  ProxmoxConnection& p = c.proxmox;
  if (check.has("proxmox.endpoint")) {
    std::string why;
    if (std::optional<std::string> url = normalize_endpoint(p.endpoint, why)) {
      p.endpoint = std::move(*url);
    } else {
      check.error("proxmox.endpoint",
                  fmt::format("\"{}\" is not an https URL of a Proxmox node", p.endpoint), why);
    }
  }
  check_credentials(p, check);
  check_trust(p, c, check);
}

}  // namespace spec
