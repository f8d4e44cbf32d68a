// Helpers shared by the secrets tests: the reference bundle, a scripted random source, a
// private temporary directory, certificate inspection and the openssl CLI.
#pragma once

#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "process.h"
#include "secrets/base64.h"
#include "secrets/bundle.h"
#include "secrets/openssl.h"
#include "secrets/pem.h"
#include "secrets/random.h"
#include "test_paths.h"
#include "util/file.h"

namespace secrets::testing_support {

inline std::string reference_bundle_path() {
  return testing_paths::shared("reference/talos/gen-config-inputs/secrets.yaml");
}

inline std::string reference_bundle_text() {
  return *util::read_file(reference_bundle_path());
}

inline Bundle reference_bundle() {
  util::Result<Bundle> b = load_bundle(reference_bundle_path());
  EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().describe());
  return std::move(b).value();
}

// 2024-03-01T10:20:30.750Z: a fixed "now" with a fractional second.
inline TimePoint fixed_now() {
  return std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + std::chrono::hours{10} +
         std::chrono::minutes{20} + std::chrono::seconds{30} + std::chrono::milliseconds{750};
}

inline time_t unix_seconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Bytes from a seeded xorshift generator: the same seed gives the same sequence.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  util::Result<void> fill(std::span<unsigned char> out) override {
    for (unsigned char& b : out) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      b = static_cast<unsigned char>(state_ >> 24);
    }
    return {};
  }

 private:
  uint64_t state_;
};

// Hands out a fixed list of bytes, then fails.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<unsigned char> bytes) : bytes_(std::move(bytes)) {}
  util::Result<void> fill(std::span<unsigned char> out) override {
    for (unsigned char& b : out) {
      if (next_ >= bytes_.size()) {
        return util::Error::internal("script exhausted");
      }
      b = bytes_[next_++];
    }
    return {};
  }

 private:
  std::vector<unsigned char> bytes_;
  size_t next_ = 0;
};

// A fresh directory under the test temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = std::string(::testing::TempDir()) + "/secrets-test-XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string decode64(const std::string& b64) {
  return base64_decode(b64).value();
}

inline ossl::X509Ptr cert_from_pem(const std::string& pem) {
  return std::move(parse_certificate_pem(pem)).value();
}

// RFC 2253 text of a name ("O=talos"; "" for an empty name).
inline std::string name_text(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return ossl::bio_contents(bio.get());
}

inline time_t asn1_seconds(const ASN1_TIME* t) {
  struct tm tm {};
  ASN1_TIME_to_tm(t, &tm);
  return timegm(&tm);
}

inline std::vector<int> extension_nids(X509* cert) {
  std::vector<int> out;
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    out.push_back(OBJ_obj2nid(X509_EXTENSION_get_object(X509_get_ext(cert, i))));
  }
  return out;
}

inline bool extension_critical(X509* cert, int nid) {
  const int at = X509_get_ext_by_NID(cert, nid, -1);
  return at >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, at)) == 1;
}

inline std::string octets(const ASN1_OCTET_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// `openssl verify` of `cert_pem` against `ca_pem` at `at` (files in a temp dir; only paths go
// on the command line). Returns the run (exit code, stdout, stderr).
inline testing_process::Run openssl_verify(const std::string& ca_pem, const std::string& cert_pem,
                                           TimePoint at, bool strict) {
  TempDir dir;
  EXPECT_TRUE(util::write_file_atomic(dir.file("ca.pem"), ca_pem, 0600).ok());
  EXPECT_TRUE(util::write_file_atomic(dir.file("cert.pem"), cert_pem, 0600).ok());
  std::vector<std::string> argv = {"openssl", "verify",
                                   "-attime", std::to_string(unix_seconds(at)),
                                   "-CAfile", dir.file("ca.pem")};
  if (strict) {
    argv.push_back("-x509_strict");
  }
  argv.push_back(dir.file("cert.pem"));
  return testing_process::run(argv);
}

}  // namespace secrets::testing_support
