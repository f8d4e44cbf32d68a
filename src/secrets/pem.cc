// PEM codec on top of OpenSSL's PEM_read_bio/PEM_write_bio, plus certificate (de)serialisation.
#include "secrets/pem.h"

#include <fmt/format.h>
#include <openssl/pem.h>

namespace secrets {
namespace {

struct PemParts {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  ~PemParts() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    if (data != nullptr) {
      OPENSSL_clear_free(data, static_cast<size_t>(len));  // may be a private key
    }
  }
};

}  // namespace

std::string pem_encode(std::string_view label, std::string_view der) {
  ossl::BioPtr bio(BIO_new(BIO_s_secmem()));
  TALFORGE_ASSERT(bio != nullptr);
  const std::string name(label);
  const int ok =
      PEM_write_bio(bio.get(), name.c_str(), "", reinterpret_cast<const unsigned char*>(der.data()),
                    static_cast<long>(der.size()));
  TALFORGE_ASSERT(ok > 0);
  return ossl::bio_contents(bio.get());
}

util::Result<PemBlock> pem_decode(std::string_view text) {
  ossl::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  TALFORGE_ASSERT(bio != nullptr);
  PemParts parts;
  if (PEM_read_bio(bio.get(), &parts.name, &parts.header, &parts.data, &parts.len) != 1) {
    ossl::drain_errors();
    return util::Error::invalid_input("no valid PEM block found");
  }
  if (parts.header != nullptr && parts.header[0] != '\0') {
    return util::Error::invalid_input(
        fmt::format("PEM block \"{}\" has headers (encrypted keys are not supported)", parts.name));
  }
  return PemBlock{parts.name, std::string(reinterpret_cast<const char*>(parts.data),
                                          static_cast<size_t>(parts.len))};
}

std::string certificate_to_pem(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  TALFORGE_ASSERT(len > 0);
  ossl::BytesPtr owned(der);
  return pem_encode(kPemCertificate,
                    std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
}

util::Result<ossl::X509Ptr> parse_certificate_pem(std::string_view pem) {
  ASSIGN_OR_RETURN(PemBlock block, pem_decode(pem));
  if (block.label != kPemCertificate) {
    return util::Error::invalid_input(
        fmt::format("expected a CERTIFICATE PEM block, found \"{}\"", block.label));
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(block.der.data());
  const unsigned char* end = p + block.der.size();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(block.der.size())));
  if (cert == nullptr || p != end) {
    const std::string reasons = ossl::drain_errors();
    return util::Error::invalid_input(
        reasons.empty() ? "not a valid X.509 certificate"
                        : fmt::format("not a valid X.509 certificate ({})", reasons));
  }
  return cert;
}

}  // namespace secrets
