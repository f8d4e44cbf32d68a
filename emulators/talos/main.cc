// talos-emulator: many emulated Talos nodes in one process, driven through the admin HTTP API.
// Prints the admin URL on stdout when ready; SIGTERM/SIGINT stop it cleanly.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "emulators/talos/admin_api.h"
#include "emulators/talos/emulator.h"

int main(int argc, char** argv) {
  CLI::App app{"Talos node emulator"};
  std::string admin = "127.0.0.1:0";
  double time_scale = 1.0;
  std::string schema_dir;
  app.add_option("--admin", admin, "admin API host:port (loopback only; port 0 = any)");
  app.add_option("--time-scale", time_scale, "multiplies every delay (e.g. 0.01 for tests)")
      ->check(CLI::PositiveNumber);
  app.add_option("--schema-dir", schema_dir, "directory with v1.X/config.schema.json");
  CLI11_PARSE(app, argc, argv);

  const auto colon = admin.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--admin must be host:port, e.g. 127.0.0.1:0\n";
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started below inherits this

  talos_emu::EmulatorOptions options;
  options.timing.time_scale = time_scale;
  options.schema_dir = schema_dir;
  talos_emu::Emulator emulator(options);
  int port = 0;
  try {
    port = std::stoi(admin.substr(colon + 1));
  } catch (const std::exception&) {
    std::cerr << "--admin port is not a number: " << admin << "\n";
    return 1;
  }
  auto api = talos_emu::AdminApi::start(emulator, admin.substr(0, colon), port);
  if (!api.ok()) {
    std::cerr << "talos-emulator: " << api.error().describe() << "\n";
    return 1;
  }
  std::cout << (*api)->url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*api)->stop();
  return 0;
}
