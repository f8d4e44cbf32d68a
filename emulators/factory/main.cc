// factory-emulator: the Image Factory emulator as a process, for the local lab.
//   factory-emulator --listen 127.0.0.1:0
// Prints "factory emulator listening on http://<address>:<port>" once it serves; stops on
// SIGINT/SIGTERM.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "emulators/factory/server.h"

int main(int argc, char** argv) {
  CLI::App app{"Image Factory emulator (talos.md §8) on a loopback address"};
  std::string listen = "127.0.0.1:0";
  app.add_option("--listen", listen, "address:port to serve on (port 0 = any free port)");
  CLI11_PARSE(app, argc, argv);

  const auto colon = listen.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    std::cerr << "factory-emulator: --listen must be address:port, got \"" << listen << "\"\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  auto server = factory_emu::FactoryServer::start(listen.substr(0, colon),
                                                  std::stoi(port_text));
  if (!server.ok()) {
    std::cerr << "factory-emulator: " << server.error().message << "\n";
    return 1;
  }
  std::cout << "factory emulator listening on " << (*server)->url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*server)->stop();
  return 0;
}
