// OpenSSL error-queue draining and small BIO helpers.
#include "secrets/openssl.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

namespace secrets::ossl {

void free_bytes(unsigned char* p) {
  OPENSSL_free(p);
}

std::string drain_errors() {
  std::string out;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) {
      out += "; ";
    }
    out += buf;
  }
  return out;
}

util::Error openssl_error(std::string_view what) {
  const std::string reasons = drain_errors();
  if (reasons.empty()) {
    return util::Error::internal(std::string(what));
  }
  return util::Error::internal(fmt::format("{}: {}", what, reasons));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) {
    return {};
  }
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace secrets::ossl
