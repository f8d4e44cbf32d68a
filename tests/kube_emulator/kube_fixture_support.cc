// PKI minting, kubeconfig writing and the kubectl runner of the kube emulator tests. OpenSSL
// failures abort: a broken fixture is a bug of the test, not a result.
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kube_emulator/kube_fixture.h"
#include "util/file.h"

namespace kube_test {
namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  return bio_string(bio);
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_X509(bio, cert) == 1);
  return bio_string(bio);
}

KeyPtr read_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  KeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  BIO_free(bio);
  check(key != nullptr);
  return key;
}

CertPtr read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  CertPtr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr), &X509_free);
  BIO_free(bio);
  check(cert != nullptr);
  return cert;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr);
  check(X509_add_ext(cert, ext, -1) == 1);
  X509_EXTENSION_free(ext);
}

KeyPtr new_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  check(key != nullptr);
  return key;
}

X509_NAME* make_name(const std::string& cn, const std::vector<std::string>& orgs) {
  X509_NAME* name = X509_NAME_new();
  for (const std::string& o : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  }
  if (!cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  }
  return name;
}

Pem sign(EVP_PKEY* key, X509_NAME* subject, X509* issuer, EVP_PKEY* issuer_key,
         const std::vector<std::pair<int, std::string>>& exts) {
  CertPtr cert(X509_new(), &X509_free);
  static long serial = 1;
  check(X509_set_version(cert.get(), 2) == 1);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_subject_name(cert.get(), subject) == 1);
  check(X509_set_issuer_name(cert.get(),
                             issuer != nullptr ? X509_get_subject_name(issuer) : subject) == 1);
  check(X509_set_pubkey(cert.get(), key) == 1);
  for (const auto& [nid, value] : exts) {
    add_ext(cert.get(), issuer != nullptr ? issuer : cert.get(), nid, value.c_str());
  }
  check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0);
  X509_NAME_free(subject);
  return Pem{cert_pem(cert.get()), key_pem(key)};
}

Pem issue(const Pem& ca, X509_NAME* subject, const std::vector<std::pair<int, std::string>>& exts) {
  KeyPtr key = new_key();
  KeyPtr ca_key = read_key(ca.key);
  CertPtr ca_cert = read_cert(ca.crt);
  return sign(key.get(), subject, ca_cert.get(), ca_key.get(), exts);
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string slurp(const std::string& path) {
  auto content = util::read_file(path);
  return content.ok() ? *content : "";
}

}  // namespace

Pem make_ca(const std::string& cn) {
  KeyPtr key = new_key();
  return sign(key.get(), make_name(cn, {"kubernetes"}), nullptr, nullptr,
              {{NID_basic_constraints, "critical,CA:TRUE"},
               {NID_key_usage, "critical,keyCertSign,digitalSignature"},
               {NID_subject_key_identifier, "hash"}});
}

Pem make_server_cert(const Pem& ca, const std::string& sans) {
  return issue(ca, make_name("kube-apiserver", {"kube-master"}),
               {{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                {NID_ext_key_usage, "serverAuth"},
                {NID_subject_alt_name, sans}});
}

Pem make_client_cert(const Pem& ca, const std::string& cn, const std::vector<std::string>& orgs) {
  return issue(ca, make_name(cn, orgs),
               {{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                {NID_ext_key_usage, "clientAuth"}});
}

kube_emu::NodeFacts control_plane(const std::string& name, const std::string& ip) {
  kube_emu::NodeFacts f;
  f.name = name;
  f.internal_ip = ip;
  f.control_plane = true;
  return f;
}

kube_emu::NodeFacts worker(const std::string& name, const std::string& ip) {
  kube_emu::NodeFacts f = control_plane(name, ip);
  f.control_plane = false;
  return f;
}

void KubeFixture::SetUp() {
  std::string tmpl = std::string(::testing::TempDir()) + "/kube-emu-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  ca_ = make_ca("kubernetes");
  server_cert_ = make_server_cert(ca_, "IP:" + address_ + ",DNS:localhost");
  admin_ = make_client_cert(ca_, "admin", {"system:masters"});
  state_ = std::make_shared<kube_emu::KubeState>();
  start_server();
  kubeconfig_ = write_kubeconfig("kubeconfig", admin_, ca_.crt);
}

void KubeFixture::TearDown() {
  if (server_) {
    server_->stop();
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void KubeFixture::start_server() {
  auto server = kube_emu::KubeApiServer::start(state_, address_, 0,
                                               {server_cert_.crt, server_cert_.key, ca_.crt});
  ASSERT_TRUE(server.ok()) << server.error().describe();
  server_ = std::move(*server);
}

std::string KubeFixture::write_kubeconfig(const std::string& file, const Pem& client,
                                          const std::string& ca_pem) {
  const std::string server = "https://" + address_ + ":" + std::to_string(server_->port());
  const std::string yaml =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: " + server +
      "\n    certificate-authority-data: " + base64(ca_pem) +
      "\nusers:\n- name: admin@lab\n  user:\n    client-certificate-data: " + base64(client.crt) +
      "\n    client-key-data: " + base64(client.key) +
      "\ncontexts:\n- name: admin@lab\n  context:\n    cluster: lab\n    namespace: default\n"
      "    user: admin@lab\ncurrent-context: admin@lab\n";
  const std::string path = dir_ + "/" + file;
  EXPECT_TRUE(util::write_file_atomic(path, yaml, util::kSecretFileMode).ok());
  return path;
}

void KubeFixture::add_cluster(bool cni_running) {
  state_->upsert_node(control_plane("cp1", "127.10.0.11"));
  state_->upsert_node(worker("w1", "127.10.0.21"));
  state_->upsert_node(worker("w2", "127.10.0.22"));
  state_->set_cni_running(cni_running);
}

void KubectlFixture::SetUp() {
  ASSERT_TRUE(std::filesystem::exists(kKubectl))
      << kKubectl << " is missing: run scripts/setup (it installs kubectl) and re-run the tests";
  KubeFixture::SetUp();
}

KubectlRun KubeFixture::kubectl(const std::vector<std::string>& args,
                                std::chrono::milliseconds limit) {
  static int counter = 0;
  const std::string base = dir_ + "/kubectl-" + std::to_string(counter++);
  std::vector<std::string> argv = {kKubectl, "--kubeconfig", kubeconfig_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = {
      "HOME=" + dir_, "KUBECACHEDIR=" + dir_ + "/cache", "PATH=/usr/bin:/bin",
      "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1", "CLOUDSDK_CONFIG=" + dir_ + "/gcloud"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (base + ".out").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, (base + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> cargv, cenv;
  for (std::string& a : argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  for (std::string& e : env) {
    cenv.push_back(e.data());
  }
  cenv.push_back(nullptr);
  KubectlRun run;
  pid_t pid = 0;
  if (posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), cenv.data()) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    run.err = "cannot start kubectl";
    return run;
  }
  posix_spawn_file_actions_destroy(&actions);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = slurp(base + ".out");
  run.err = slurp(base + ".err");
  return run;
}

}  // namespace kube_test
