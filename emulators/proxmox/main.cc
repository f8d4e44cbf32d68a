// proxmox-emulator: the Proxmox VE emulator as a process, for tests and the local lab.
//   proxmox-emulator --listen 127.0.0.1:8006 --nodes 2 --pve-version 8.4 --time-scale 0.01
//                    --talos-admin http://127.0.0.1:50100 --tokens tokens.json --schema-dir DIR
// Prints "proxmox emulator listening on https://<address>:<port>" and the certificate's SHA-256
// fingerprint once it serves; stops on SIGINT/SIGTERM.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "emulators/proxmox/server.h"

int main(int argc, char** argv) {
  CLI::App app{"Proxmox VE API emulator (proxmox.md) over HTTPS on a loopback address"};
  pve_emu::EmulatorOptions options;
  std::string listen = "127.0.0.1:8006";
  app.add_option("--listen", listen, "address:port to serve on (port 0 = any free port)");
  app.add_option("--nodes", options.nodes, "number of PVE nodes (pve1..pveN)");
  app.add_option("--pve-version", options.pve_version, "7.4, 8.0 … 8.4, 9.0 or 9.1");
  app.add_option("--time-scale", options.time_scale, "factor for every emulated duration");
  app.add_option("--talos-admin", options.talos_admin_url, "Talos emulator admin URL");
  app.add_option("--tokens", options.tokens_file, "JSON file of API tokens and privileges");
  app.add_option("--schema-dir", options.schema_dir, "directory holding apidata*.json (default: the source tree's "
                 "../shared/reference/proxmox)");
  CLI11_PARSE(app, argc, argv);

  const auto colon = listen.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    std::cerr << "proxmox-emulator: --listen must be address:port, got \"" << listen << "\"\n";
    return 2;
  }
  options.address = listen.substr(0, colon);
  options.port = std::stoi(port_text);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  auto server = pve_emu::ProxmoxServer::start(options);
  if (!server.ok()) {
    std::cerr << "proxmox-emulator: " << server.error().describe() << "\n";
    return 1;
  }
  std::cout << "proxmox emulator listening on " << (*server)->url() << "\n"
            << "fingerprint " << (*server)->fingerprint() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*server)->stop();
  return 0;
}
