// secrets::Bundle — the Talos secrets bundle (`talosctl gen secrets`, talos.md §3.2): the model,
// its generation, validation, and the secrets.yaml text form.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secrets/certificate.h"
#include "secrets/random.h"
#include "secrets/secret.h"
#include "util/result.h"

namespace secrets {

// A certificate and key as the bundle stores them: standard base64 of the PEM text. The
// certificate is public; the key is a Secret.
struct CertAndKey {
  std::string crt;
  Secret key;
};

struct KeyOnly {
  Secret key;  // base64 of the PEM text
};

struct Certs {
  CertAndKey etcd;
  CertAndKey k8s;
  CertAndKey k8s_aggregator;
  KeyOnly k8s_service_account;
  CertAndKey os;
};

struct Bundle {
  std::string cluster_id;  // base64url of 32 bytes; identifies the cluster to discovery
  Secret cluster_secret;
  Secret bootstrap_token;
  // Exactly one of the two is set: secretbox for contracts after v1.2, aescbc before.
  std::optional<Secret> secretbox_encryption_secret;
  std::optional<Secret> aescbc_encryption_secret;
  Secret trustd_token;
  Certs certs;
  // Comment and blank lines that opened the loaded file, verbatim; render_bundle writes them
  // back so a user's notes survive. Empty for a generated bundle.
  std::string leading_comments;
};

// The Talos version contract the bundle is generated for; only two thresholds matter here.
struct ContractVersion {
  int major = 1;
  int minor = 11;
  bool at_least(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
};

// A fresh bundle as talosctl makes it at `now`: new CAs (§3.3), tokens, IDs and the encryption
// secret (secretbox for contracts ≥ v1.3, aescbc before), service-account key RSA-4096 for
// contracts ≥ v1.7 (ECDSA P-256 before). `rng` supplies every random value except the key
// pairs, which OpenSSL's own generator makes.
util::Result<Bundle> generate_bundle(ContractVersion contract, TimePoint now,
                                     RandomSource& rng = system_random());

// One thing wrong with a bundle: the YAML path of the field and what is wrong with it. Messages
// never contain the field's value.
struct BundleProblem {
  std::string path;  // e.g. "certs.os.key"
  std::string message;
};

// Every problem talosctl would refuse the bundle for (required fields, base64, PEM, key and
// certificate parsing, certificate/key match), plus token and encryption-secret formats.
std::vector<BundleProblem> validate_bundle(const Bundle& bundle);

// Reads secrets.yaml text. Errors (InvalidInput) list every problem found, one per line, as
// "<origin>: <path>: <message>". Unknown keys are ignored, as talosctl ignores them.
util::Result<Bundle> parse_bundle(std::string_view text, std::string_view origin);

// parse_bundle on the file at `path` (origin = path).
util::Result<Bundle> load_bundle(const std::string& path);

// The secrets.yaml text talosctl writes for `bundle` (yaml.v3, 4-space indent, its key order),
// preceded by bundle.leading_comments.
Secret render_bundle(const Bundle& bundle);

// The PEM texts behind a bundle entry (base64-decoded, not otherwise checked).
util::Result<PemCertAndKey> decode_cert_and_key(const CertAndKey& entry, std::string_view path);

}  // namespace secrets
