#include "emulators/proxmox/download.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <regex>

#include <fmt/format.h>

namespace pve_emu {
namespace {

std::string digest_hex(const std::string& algorithm, const std::string& data) {
  const EVP_MD* md = EVP_get_digestbyname(algorithm.c_str());
  if (md == nullptr) {
    return "";
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, md, nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += fmt::format("{:02x}", out[i]);
  }
  return hex;
}

struct Fetched {
  std::string body;
  std::string error;
};

Fetched fetch(const DownloadRequest& r) {
  static const std::regex kUrl(R"((https?)://([^/:]+)(?::(\d+))?(/.*)?)");
  std::smatch m;
  if (!std::regex_match(r.url, m, kUrl)) {
    return {"", fmt::format("invalid URL '{}'", r.url)};
  }
  const std::string host = m[2];
  if (!std::regex_match(host, std::regex(R"(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)"))) {
    return {"", fmt::format("download failed: the proxmox emulator only fetches from loopback "
                            "hosts, not '{}'",
                            host)};
  }
  const bool https = m[1] == "https";
  const int port = m[3].matched ? std::stoi(m[3]) : (https ? 443 : 80);
  const std::string path = m[4].matched ? m[4].str() : "/";
  httplib::Result res = [&] {
    if (https) {
      httplib::SSLClient client(host, port);
      client.enable_server_certificate_verification(r.verify_certificates);
      client.set_connection_timeout(5);
      return client.Get(path.c_str());
    }
    httplib::Client client(host, port);
    client.set_connection_timeout(5);
    return client.Get(path.c_str());
  }();
  if (!res) {
    return {"", fmt::format("download failed: {}", httplib::to_string(res.error()))};
  }
  if (res->status != 200) {
    return {"", fmt::format("download failed: HTTP {} from {}", res->status, r.url)};
  }
  return {res->body, ""};
}

}  // namespace

std::string normalise_filename(const std::string& filename) {
  std::string name = filename.substr(filename.find_last_of('/') == std::string::npos
                                         ? 0
                                         : filename.find_last_of('/') + 1);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      c = '_';
    }
  }
  return name;
}

std::string run_download(Emulator& emu, TaskContext& ctx, const DownloadRequest& r) {
  const std::string dir = r.content == "iso" ? "iso" : r.content;
  const std::string volid = fmt::format("{}:{}/{}", r.storage, dir, r.filename);
  const std::string path =
      fmt::format("/var/lib/vz/{}/{}", r.content == "iso" ? "template/iso" : r.content, r.filename);
  {
    std::lock_guard lock(emu.cluster.mutex);
    if (Volume* existing = emu.cluster.volume(r.node, volid)) {
      if (r.checksum.empty()) {
        return fmt::format("refusing to override existing file '{}'", path);
      }
      const std::string got = digest_hex(r.checksum_algorithm, existing->asset);
      if (got != r.checksum) {
        return fmt::format("checksum mismatch: got '{}' != expect '{}', aborting", got,
                           r.checksum);
      }
      ctx.log("OK, got correct file already, no need to download");
      return "";
    }
  }
  ctx.log(fmt::format("downloading {} to {}", r.url, path));
  Fetched fetched = fetch(r);
  if (!fetched.error.empty()) {
    return fetched.error;
  }
  ctx.log(fmt::format("download of '{}' to '{}' finished", r.url, path));
  if (!r.checksum.empty()) {
    const std::string got = digest_hex(r.checksum_algorithm, fetched.body);
    if (got != r.checksum) {
      return fmt::format("checksum mismatch: got '{}' != expect '{}'", got, r.checksum);
    }
    ctx.log(fmt::format("calculating checksum...OK, checksum verified"));
  }
  if (!r.compression.empty()) {
    if (r.content != "iso") {
      return fmt::format("decompression not supported for {}", r.content);
    }
    if (r.compression != "gz" && r.compression != "lzo" && r.compression != "zst" &&
        r.compression != "bz2") {
      return "no decompression method found";
    }
    ctx.log(fmt::format("decompressing {}.{} to {}", path, r.compression, path));
  }
  ctx.sleep(1);
  std::lock_guard lock(emu.cluster.mutex);
  Storage* storage = emu.cluster.storage(r.node, r.storage);
  if (storage == nullptr) {
    return fmt::format("storage '{}' does not exist", r.storage);
  }
  Volume volume;
  volume.volid = volid;
  volume.content = r.content;
  const size_t dot = r.filename.find_last_of('.');
  volume.format = r.content == "iso" ? "iso" : r.filename.substr(dot + 1);
  volume.size = static_cast<long long>(fetched.body.size());
  volume.ctime = now_epoch();
  volume.asset = fetched.body;
  storage->volumes[volid] = volume;
  std::lock_guard counters(emu.counters.mutex);
  ++emu.counters.downloads;
  return "";
}

}  // namespace pve_emu
