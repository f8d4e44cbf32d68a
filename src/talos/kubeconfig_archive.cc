// gunzip with zlib, then walk ustar headers until the `kubeconfig` entry.
#include "talos/kubeconfig_archive.h"

#include <cstring>
#include <zlib.h>

#include <fmt/format.h>

namespace talos {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kMaxUnpacked = 64u << 20;  // a kubeconfig is a few KiB; refuse a gzip bomb

util::Result<std::string> gunzip(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) {  // +16: gzip wrapper only
    return util::Error::internal("zlib inflateInit2 failed");
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc = Z_OK;
  char buf[16384];
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > kMaxUnpacked) {
      rc = Z_MEM_ERROR;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      break;  // input ended without the gzip trailer
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return util::Error::internal(fmt::format("kubeconfig archive is not valid gzip ({})",
                                             z.msg != nullptr ? z.msg : "truncated"));
  }
  return out;
}

// Tar numbers are octal ASCII, NUL- or space-terminated.
bool parse_octal(const char* field, size_t width, size_t& value) {
  value = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') {
    ++i;
  }
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    value = value * 8 + static_cast<size_t>(field[i] - '0');
  }
  return i == width || field[i] == '\0' || field[i] == ' ';
}

}  // namespace

util::Result<std::string> extract_kubeconfig(const std::string& archive) {
  ASSIGN_OR_RETURN(std::string tar, gunzip(archive));
  for (size_t at = 0; at + kBlock <= tar.size();) {
    const char* header = tar.data() + at;
    if (header[0] == '\0') {
      break;  // end-of-archive marker
    }
    const std::string name(header, strnlen(header, 100));
    size_t size = 0;
    if (!parse_octal(header + 124, 12, size)) {
      return util::Error::internal("kubeconfig archive has a malformed tar header");
    }
    const size_t data = at + kBlock;
    if (name == "kubeconfig" || name == "./kubeconfig") {
      if (data + size > tar.size()) {
        return util::Error::internal("kubeconfig archive entry is cut short");
      }
      return tar.substr(data, size);
    }
    at = data + (size + kBlock - 1) / kBlock * kBlock;
  }
  return util::Error::internal("kubeconfig archive has no `kubeconfig` entry");
}

}  // namespace talos
