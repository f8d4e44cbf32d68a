#include "emulators/talos/admin_kubeconfig.h"

#include <cstring>
#include <ctime>

#include <fmt/format.h>
#include <zlib.h>

#include "emulators/talos/pki.h"

namespace talos_emu {

std::string base64_encode(const std::string& bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

util::Result<std::string> admin_kubeconfig_yaml(const MachineConfig& config) {
  ASSIGN_OR_RETURN(CertAndKey client,
                   issue_admin_kube_client_cert({config.k8s_ca_crt_pem, config.k8s_ca_key_pem},
                                                std::chrono::hours(24 * 365)));
  const std::string user = "admin@" + config.cluster_name;
  return fmt::format(
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "    - name: {0}\n"
      "      cluster:\n"
      "        server: {1}\n"
      "        certificate-authority-data: {2}\n"
      "users:\n"
      "    - name: {3}\n"
      "      user:\n"
      "        client-certificate-data: {4}\n"
      "        client-key-data: {5}\n"
      "contexts:\n"
      "    - context:\n"
      "        cluster: {0}\n"
      "        namespace: default\n"
      "        user: {3}\n"
      "      name: {3}\n"
      "current-context: {3}\n",
      config.cluster_name, config.control_plane_endpoint, base64_encode(config.k8s_ca_crt_pem),
      user, base64_encode(client.cert_pem), base64_encode(client.key_pem));
}

namespace {

std::string tar_header(const std::string& name, size_t size) {
  char header[512];
  std::memset(header, 0, sizeof(header));
  std::snprintf(header, 100, "%s", name.c_str());
  std::snprintf(header + 100, 8, "%07o", 0600);
  std::snprintf(header + 108, 8, "%07o", 0);
  std::snprintf(header + 116, 8, "%07o", 0);
  std::snprintf(header + 124, 12, "%011zo", size);
  std::snprintf(header + 136, 12, "%011lo", static_cast<unsigned long>(std::time(nullptr)));
  header[156] = '0';
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : std::string(header, sizeof(header))) sum += c;
  std::snprintf(header + 148, 8, "%06o", sum);
  header[155] = ' ';
  return std::string(header, sizeof(header));
}

std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

std::string tar_gzip_single_file(const std::string& name, const std::string& content) {
  // Talos never closes its tar writer: the entry's padding and the end-of-archive blocks are
  // missing, which readers must tolerate.
  return gzip(tar_header(name, content.size()) + content);
}

}  // namespace talos_emu
