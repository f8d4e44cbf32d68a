// `talforge lab up|down|status`: the local lab of emulated Proxmox VE, Talos nodes and Image
// Factory, for trying talforge without a Proxmox at hand.
#include <csignal>
#include <filesystem>
#include <ostream>

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"
#include "lab/lab_estate.h"

namespace cli {
namespace {

// The emulators are built next to the talforge binary.
std::string emulator_dir() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : self.parent_path().string();
}

void wait_for_interrupt() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int received = 0;
  sigwait(&signals, &received);
}

void register_lab_up(CLI::App& lab, Context& ctx, std::shared_ptr<std::string> dir) {
  auto options = std::make_shared<lab::LabOptions>();
  auto foreground = std::make_shared<bool>(false);
  CLI::App* up = lab.add_subcommand(
      "up", "Start the emulators in the background and write <dir>/cluster.yaml");
  up->add_option("--pve-nodes", options->pve_nodes, "Number of emulated PVE nodes")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  up->add_option("--subnet", options->subnet,
                 "Nodes get addresses 127.10.<subnet>.x (run several labs side by side)")
      ->check(CLI::Range(0, 255))
      ->capture_default_str();
  up->add_option("--pve-version", options->pve_version, "Emulated PVE release: 7.4, 8.x, 9.x")
      ->capture_default_str();
  up->add_option("--time-scale", options->time_scale,
                 "Factor applied to every emulated delay (1 = real-life timings)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  up->add_option("--faults", options->faults, "Fault profile of the Proxmox emulator")
      ->check(CLI::IsMember({"none", "flaky", "slow"}))
      ->capture_default_str();
  up->add_flag("--foreground", *foreground, "Stay in the foreground; Ctrl-C stops the lab");
  up->callback([&ctx, dir, options, foreground] {
    options->dir = *dir;
    options->emulator_dir = emulator_dir();
    auto state = lab::lab_up(*options, *ctx.out);
    if (!state.ok()) {
      ctx.report(state.error());
      ctx.exit_code = kExitError;
      return;
    }
    *ctx.out << "\nready. Next:\n"
             << "  cd " << *dir << " && source proxmox.env\n"
             << "  talforge gen secrets && talforge validate\n"
             << "  talforge lab status     # emulators and nodes\n"
             << "  talforge lab down       # stop everything\n";
    if (*foreground) {
      *ctx.out << "\nrunning in the foreground; press Ctrl-C to stop\n" << std::flush;
      wait_for_interrupt();
      if (auto down = lab::lab_down(*dir, *ctx.out); !down.ok()) {
        ctx.report(down.error());
        ctx.exit_code = kExitError;
      }
    }
  });
}

}  // namespace

void register_lab(CLI::App& app, Context& ctx) {
  auto dir = std::make_shared<std::string>("lab");
  CLI::App* lab = app.add_subcommand(
      "lab", "Local lab: emulated Proxmox VE, Talos nodes and Image Factory on loopback");
  lab->require_subcommand(1);
  lab->add_option("--dir", *dir, "Directory of the lab's files (cluster.yaml, logs, state)")
      ->capture_default_str();
  register_lab_up(*lab, ctx, dir);
  lab->add_subcommand("down", "Stop every emulator the lab started")->callback([&ctx, dir] {
    if (auto down = lab::lab_down(*dir, *ctx.out); !down.ok()) {
      ctx.report(down.error());
      ctx.exit_code = kExitError;
    }
  });
  lab->add_subcommand("status", "Show the emulators and the emulated Talos nodes")
      ->callback([&ctx, dir] {
        auto status = lab::lab_status(*dir);
        if (!status.ok()) {
          ctx.report(status.error());
          ctx.exit_code = kExitError;
          return;
        }
        *ctx.out << *status;
      });
}

}  // namespace cli
