// kube-emulator: serves one emulated cluster's Kubernetes API on one address for manual runs
// (the Talos emulator embeds the same library on every control plane instead).
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "emulators/kube/kube_api_server.h"
#include "emulators/kube/kube_state.h"
#include "util/file.h"

namespace {

// "cp1=127.10.0.11:controlplane" or "w1=127.10.0.21".
bool parse_node(const std::string& text, kube_emu::NodeFacts& facts) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return false;
  }
  facts.name = text.substr(0, eq);
  std::string rest = text.substr(eq + 1);
  const auto colon = rest.find(':');
  facts.control_plane = colon != std::string::npos && rest.substr(colon + 1) == "controlplane";
  if (colon != std::string::npos && !facts.control_plane) {
    return false;
  }
  facts.internal_ip = rest.substr(0, colon);
  return !facts.internal_ip.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kubernetes API emulator: a test double of one Talos cluster's API server"};
  std::string address = "127.0.0.1", cert_file, key_file, ca_file, version = "v1.34.1";
  int port = 6443;
  std::vector<std::string> nodes;
  bool cni = false;
  app.add_option("--address", address, "loopback address to listen on");
  app.add_option("--port", port, "port (0 = ephemeral)");
  app.add_option("--cert", cert_file, "serving certificate PEM (IP SAN = --address)")->required();
  app.add_option("--key", key_file, "its private key PEM")->required();
  app.add_option("--client-ca", ca_file, "Kubernetes CA PEM that client certs must chain to")
      ->required();
  app.add_option("--node", nodes, "NAME=IP[:controlplane], repeatable");
  app.add_flag("--cni-running", cni, "the CNI runs: nodes turn Ready, cilium pods exist");
  app.add_option("--kubernetes-version", version, "what /version and kubelets report");
  CLI11_PARSE(app, argc, argv);

  kube_emu::ServerTls tls;
  for (auto [file, target] :
       {std::pair{&cert_file, &tls.cert_pem}, std::pair{&key_file, &tls.key_pem},
        std::pair{&ca_file, &tls.client_ca_pem}}) {
    auto content = util::read_file(*file);
    if (!content.ok()) {
      std::fprintf(stderr, "kube-emulator: %s\n", content.error().describe().c_str());
      return 1;
    }
    *target = std::move(*content);
  }
  kube_emu::KubeStateOptions options;
  options.kubernetes_version = version;
  auto state = std::make_shared<kube_emu::KubeState>(options);
  for (const std::string& text : nodes) {
    kube_emu::NodeFacts facts;
    if (!parse_node(text, facts)) {
      std::fprintf(stderr, "kube-emulator: --node %s: expected NAME=IP or NAME=IP:controlplane\n",
                   text.c_str());
      return 1;
    }
    facts.kubelet_version = version;
    state->upsert_node(facts);
  }
  state->set_cni_running(cni);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  auto server = kube_emu::KubeApiServer::start(state, address, port, tls);
  if (!server.ok()) {
    std::fprintf(stderr, "kube-emulator: %s\n", server.error().describe().c_str());
    return 1;
  }
  std::printf("kube-emulator: serving https://%s:%d\n", address.c_str(), (*server)->port());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  (*server)->stop();
  return 0;
}
