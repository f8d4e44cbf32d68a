// Bundle validation: what talosctl checks when it loads secrets.yaml (talos.md §3.2), with the
// field named in every problem and no value ever quoted.
#include <regex>

#include <fmt/format.h>

#include "secrets/base64.h"
#include "secrets/bundle.h"
#include "secrets/pem.h"
#include "secrets/private_key.h"

namespace secrets {
namespace {

class Checker {
 public:
  std::vector<BundleProblem> take() { return std::move(problems_); }

  void add(std::string path, std::string message) {
    problems_.push_back({std::move(path), std::move(message)});
  }

  bool present(const std::string& path, const std::string& value) {
    if (value.empty()) {
      add(path, "missing");
      return false;
    }
    return true;
  }

  // Decodes a base64 field; nullopt (and a problem) when it is missing or not base64.
  std::optional<std::string> decoded(const std::string& path, const std::string& value,
                                     Base64Alphabet alphabet = Base64Alphabet::Standard) {
    if (!present(path, value)) {
      return std::nullopt;
    }
    std::optional<std::string> out = base64_decode(value, alphabet);
    if (!out) {
      add(path, alphabet == Base64Alphabet::Url ? "not valid base64url" : "not valid base64");
    }
    return out;
  }

  // A certificate field: base64 of a CERTIFICATE PEM block.
  ossl::X509Ptr certificate(const std::string& path, const std::string& value) {
    std::optional<std::string> pem = decoded(path, value);
    if (!pem) {
      return nullptr;
    }
    util::Result<ossl::X509Ptr> cert = parse_certificate_pem(*pem);
    if (!cert.ok()) {
      add(path, cert.error().message);
      return nullptr;
    }
    return std::move(cert).value();
  }

  // A private-key field: base64 of a PEM key in one of the four accepted forms.
  ossl::PkeyPtr key(const std::string& path, const Secret& value) {
    std::optional<std::string> pem = decoded(path, value.reveal());
    if (!pem) {
      return nullptr;
    }
    const Secret pem_text(std::move(*pem));
    util::Result<ossl::PkeyPtr> key = parse_private_key_pem(pem_text.reveal());
    if (!key.ok()) {
      add(path, key.error().message);
      return nullptr;
    }
    return std::move(key).value();
  }

  void cert_and_key(const std::string& path, const CertAndKey& entry) {
    ossl::X509Ptr cert = certificate(path + ".crt", entry.crt);
    ossl::PkeyPtr key = this->key(path + ".key", entry.key);
    if (cert && key && !certificate_matches_key(cert.get(), key.get())) {
      add(path + ".key", fmt::format("does not belong to the certificate in {}.crt", path));
    }
  }

 private:
  std::vector<BundleProblem> problems_;
};

void check_token(Checker& c, const std::string& path, const Secret& token) {
  static const std::regex kToken("^[a-z0-9]{6}\\.[a-z0-9]{16}$");
  if (c.present(path, token.reveal()) && !std::regex_match(token.reveal(), kToken)) {
    c.add(path, "not a token of the form [a-z0-9]{6}.[a-z0-9]{16}");
  }
}

void check_key_size(Checker& c, const std::string& path, const Secret& value,
                    std::initializer_list<size_t> sizes, std::string_view expected) {
  std::optional<std::string> raw = c.decoded(path, value.reveal());
  if (raw && std::find(sizes.begin(), sizes.end(), raw->size()) == sizes.end()) {
    c.add(path, fmt::format("decodes to {} bytes, expected {}", raw->size(), expected));
  }
  if (raw) {
    const Secret wiped(std::move(*raw));
  }
}

void check_encryption_secret(Checker& c, const Bundle& b) {
  const bool secretbox = b.secretbox_encryption_secret.has_value();
  const bool aescbc = b.aescbc_encryption_secret.has_value();
  if (secretbox && aescbc) {
    c.add("secrets.aescbcencryptionsecret",
          "only one of secrets.secretboxencryptionsecret and secrets.aescbcencryptionsecret may "
          "be set");
  } else if (!secretbox && !aescbc) {
    c.add("secrets.secretboxencryptionsecret",
          "missing (or secrets.aescbcencryptionsecret, in bundles for Talos v1.2 and older)");
  } else if (secretbox) {
    check_key_size(c, "secrets.secretboxencryptionsecret", *b.secretbox_encryption_secret, {32},
                   "32");
  } else {
    check_key_size(c, "secrets.aescbcencryptionsecret", *b.aescbc_encryption_secret, {16, 24, 32},
                   "16, 24 or 32");
  }
}

}  // namespace

std::vector<BundleProblem> validate_bundle(const Bundle& b) {
  Checker c;
  c.decoded("cluster.id", b.cluster_id, Base64Alphabet::Url);
  if (auto secret = c.decoded("cluster.secret", b.cluster_secret.reveal())) {
    const Secret wiped(std::move(*secret));
  }
  check_token(c, "secrets.bootstraptoken", b.bootstrap_token);
  check_encryption_secret(c, b);
  c.present("trustdinfo.token", b.trustd_token.reveal());
  c.cert_and_key("certs.etcd", b.certs.etcd);
  c.cert_and_key("certs.k8s", b.certs.k8s);
  c.cert_and_key("certs.k8saggregator", b.certs.k8s_aggregator);
  c.key("certs.k8sserviceaccount.key", b.certs.k8s_service_account.key);
  c.cert_and_key("certs.os", b.certs.os);
  return c.take();
}

}  // namespace secrets
