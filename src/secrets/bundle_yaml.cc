// secrets.yaml text ↔ Bundle, in talosctl's layout: lowercase keys in struct order, base64 PEMs.
#include <set>

#include <fmt/format.h>

#include "secrets/bundle.h"
#include "util/file.h"
#include "util/yaml_emit.h"
#include "util/yaml_load.h"

namespace secrets {
namespace {

using util::Tree;

// Reads string leaves by dotted path, noting structural problems (a missing or non-mapping
// parent, a non-string leaf). A missing leaf is left to validate_bundle, which says "missing".
class TreeReader {
 public:
  explicit TreeReader(const Tree& root) : root_(root) {}

  std::string get(const std::string& path) {
    const Tree* node = &root_;
    std::string prefix;
    size_t start = 0;
    for (;;) {
      const size_t dot = path.find('.', start);
      const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
      const std::string parent = prefix;
      prefix = prefix.empty() ? key : prefix + "." + key;
      if (!node->is_object()) {
        report(parent.empty() ? "(document)" : parent, "expected a mapping");
        return {};
      }
      auto it = node->find(key);
      if (it == node->end() || it->is_null()) {
        if (dot != std::string::npos) {
          report(prefix, "missing");
        }
        return {};
      }
      node = &*it;
      if (dot == std::string::npos) {
        break;
      }
      start = dot + 1;
    }
    if (!node->is_string()) {
      report(path, "expected a string");
      return {};
    }
    return node->get<std::string>();
  }

  std::vector<BundleProblem>& problems() { return problems_; }

 private:
  // A parent is reported once however many leaves live under it.
  void report(const std::string& path, std::string message) {
    if (reported_.insert(path).second) {
      problems_.push_back({path, std::move(message)});
    }
  }

  const Tree& root_;
  std::set<std::string> reported_;
  std::vector<BundleProblem> problems_;
};

std::optional<Secret> optional_secret(std::string value) {
  if (value.empty()) {
    return std::nullopt;
  }
  return Secret(std::move(value));
}

CertAndKey read_cert_and_key(TreeReader& r, const std::string& path) {
  CertAndKey entry;
  entry.crt = r.get(path + ".crt");
  entry.key = Secret(r.get(path + ".key"));
  return entry;
}

Bundle read_bundle(TreeReader& r) {
  Bundle b;
  b.cluster_id = r.get("cluster.id");
  b.cluster_secret = Secret(r.get("cluster.secret"));
  b.bootstrap_token = Secret(r.get("secrets.bootstraptoken"));
  b.aescbc_encryption_secret = optional_secret(r.get("secrets.aescbcencryptionsecret"));
  b.secretbox_encryption_secret = optional_secret(r.get("secrets.secretboxencryptionsecret"));
  b.trustd_token = Secret(r.get("trustdinfo.token"));
  b.certs.etcd = read_cert_and_key(r, "certs.etcd");
  b.certs.k8s = read_cert_and_key(r, "certs.k8s");
  b.certs.k8s_aggregator = read_cert_and_key(r, "certs.k8saggregator");
  b.certs.k8s_service_account.key = Secret(r.get("certs.k8sserviceaccount.key"));
  b.certs.os = read_cert_and_key(r, "certs.os");
  return b;
}

bool is_under(const std::string& path, const std::string& parent) {
  return path == parent || (path.starts_with(parent) && path[parent.size()] == '.');
}

// Structural problems first; then validation problems not already explained by one of them.
std::vector<BundleProblem> merge(std::vector<BundleProblem> structural,
                                 std::vector<BundleProblem> semantic) {
  std::vector<BundleProblem> out = structural;
  for (BundleProblem& p : semantic) {
    bool covered = false;
    for (const BundleProblem& s : structural) {
      covered = covered || is_under(p.path, s.path) || s.path == "(document)";
    }
    if (!covered) {
      out.push_back(std::move(p));
    }
  }
  return out;
}

// The comment and blank lines at the top of the file, verbatim.
std::string leading_comment_lines(std::string_view text) {
  size_t end = 0;
  while (end < text.size()) {
    const size_t nl = text.find('\n', end);
    const std::string_view line =
        text.substr(end, nl == std::string_view::npos ? std::string_view::npos : nl - end);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') {
      break;
    }
    end = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return std::string(text.substr(0, end));
}

Tree cert_and_key_tree(const CertAndKey& entry) {
  Tree t = Tree::object();
  t["crt"] = entry.crt;
  t["key"] = entry.key.reveal();
  return t;
}

}  // namespace

util::Result<Bundle> parse_bundle(std::string_view text, std::string_view origin) {
  ASSIGN_OR_RETURN(const Tree root, util::load_yaml(text, origin));
  TreeReader reader(root);
  Bundle bundle = read_bundle(reader);
  const std::vector<BundleProblem> problems =
      merge(std::move(reader.problems()), validate_bundle(bundle));
  if (!problems.empty()) {
    std::string message;
    for (const BundleProblem& p : problems) {
      message +=
          fmt::format("{}{}: {}: {}", message.empty() ? "" : "\n", origin, p.path, p.message);
    }
    return util::Error::invalid_input(std::move(message))
        .with_hint("the secrets bundle is damaged; restore it from your backup");
  }
  bundle.leading_comments = leading_comment_lines(text);
  return bundle;
}

util::Result<Bundle> load_bundle(const std::string& path) {
  ASSIGN_OR_RETURN(std::string raw, util::read_file(path));
  const Secret text(std::move(raw));
  return parse_bundle(text.reveal(), path);
}

Secret render_bundle(const Bundle& b) {
  Tree doc = Tree::object();
  doc["cluster"]["id"] = b.cluster_id;
  doc["cluster"]["secret"] = b.cluster_secret.reveal();
  doc["secrets"]["bootstraptoken"] = b.bootstrap_token.reveal();
  if (b.aescbc_encryption_secret) {
    doc["secrets"]["aescbcencryptionsecret"] = b.aescbc_encryption_secret->reveal();
  }
  if (b.secretbox_encryption_secret) {
    doc["secrets"]["secretboxencryptionsecret"] = b.secretbox_encryption_secret->reveal();
  }
  doc["trustdinfo"]["token"] = b.trustd_token.reveal();
  doc["certs"]["etcd"] = cert_and_key_tree(b.certs.etcd);
  doc["certs"]["k8s"] = cert_and_key_tree(b.certs.k8s);
  doc["certs"]["k8saggregator"] = cert_and_key_tree(b.certs.k8s_aggregator);
  doc["certs"]["k8sserviceaccount"]["key"] = b.certs.k8s_service_account.key.reveal();
  doc["certs"]["os"] = cert_and_key_tree(b.certs.os);
  return Secret(b.leading_comments + util::emit_yaml(doc));
}

}  // namespace secrets
